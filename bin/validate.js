#!/usr/bin/env node
// `npm run validate [DIR]`: runs the validation gate (lib/validate) on a tree of YAML files, default dist/.
// Like bin/synth.js it runs the TypeScript sources without type-checking: lib/validate/cli.ts is bundled
// with esbuild into .build/validate.js (npm packages stay external) and run with plain node.
// Exit codes: docs/cli.md (0 no findings, 1 findings, 2 bad usage or input, 70 internal error).
'use strict';
const fs = require('fs');
const path = require('path');
const root = path.resolve(__dirname, '..');
const out = path.join(root, '.build', `validate-${process.pid}.js`);
try {
  require('esbuild').buildSync({
    entryPoints: [path.join(root, 'lib', 'validate', 'cli.ts')], outfile: out, bundle: true, platform: 'node', target: 'node20',
    format: 'cjs', logLevel: 'silent', packages: 'external', loader: require('./text-files').TEXT_LOADER,
  });
} catch (e) {
  process.stderr.write(`validate: could not build lib/validate/cli.ts: ${String((e && e.message) || e).split('\n').slice(0, 4).join('\n')}\n`);
  if (/^(1|true|yes)$/i.test(process.env.PENSIOEN_DEBUG || '') && e && e.stack) process.stderr.write(`${e.stack}\n`);
  process.exit(70);
}
try {
  process.exitCode = require(out).main(process.argv.slice(2));
} finally {
  fs.rmSync(out, { force: true });
}
