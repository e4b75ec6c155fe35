'use strict';
// The files imported as text (lib/text-files.d.ts): scripts kept as real files next to the module that runs
// them (lib/script-files.ts), the module's default export being the file's content. One list for every loader:
// esbuild's `text` loader (bin/bundle.js, bin/validate.js, scripts/run-ts.js, bench/), the Jest transform
// (jest.config.js, test/esbuild-transform.js) and ts-node (bench/text-files.ts).
const TEXT_EXTENSIONS = ['.sh', '.py'];
/** esbuild's `loader` option for them. */
const TEXT_LOADER = Object.fromEntries(TEXT_EXTENSIONS.map((e) => [e, 'text']));
const isTextFile = (file) => TEXT_EXTENSIONS.some((e) => file.endsWith(e));
module.exports = { TEXT_EXTENSIONS, TEXT_LOADER, isTextFile };
