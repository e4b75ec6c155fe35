// Jest transform: strips TypeScript types with esbuild (type-checking is `tsc --noEmit`, run first by `npm test`).
const { transformSync } = require('esbuild');
module.exports = {
  process(source, filename) {
    const { code, map } = transformSync(source, {
      loader: filename.endsWith('.js') ? 'js' : 'ts', format: 'cjs', target: 'node20', sourcefile: filename, sourcemap: true,
    });
    return { code, map };
  },
};
