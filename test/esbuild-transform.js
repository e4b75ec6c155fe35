// Jest transform: strips TypeScript types with esbuild (type-checking is `tsc --noEmit`, run first by `npm test`),
// and turns a text file imported as a module (bin/text-files.js, lib/text-files.d.ts) into one exporting its
// content, as esbuild's `text` loader does in the synth bundle.
const crypto = require('crypto');
const fs = require('fs');
const { transformSync } = require('esbuild');
const { isTextFile } = require('../bin/text-files');
const SELF = fs.readFileSync(__filename);
module.exports = {
  // Jest's default cache key leaves out the transform itself: a changed transform must not reuse old output.
  getCacheKey(source, filename, options) {
    const text = isTextFile(filename) ? fs.readFileSync(filename) : source;
    return crypto.createHash('sha256').update(SELF).update('\0').update(filename).update('\0').update(text).update('\0').update(options.configString).digest('hex');
  },
  process(source, filename) {
    // read from disk: Jest hands transforms the source with a `#!` line blanked out
    if (isTextFile(filename)) return { code: `module.exports = ${JSON.stringify(fs.readFileSync(filename, 'utf8'))};\n` };
    const { code, map } = transformSync(source, {
      loader: filename.endsWith('.js') ? 'js' : 'ts', format: 'cjs', target: 'node20', sourcefile: filename, sourcemap: true,
    });
    return { code, map };
  },
};
