// ts-node loads modules with Node's require: a text file imported as a module (bin/text-files.js,
// lib/text-files.d.ts) exports its content, as esbuild's `text` loader makes it in the synth bundle.
import * as fs from 'fs';

const { TEXT_EXTENSIONS } = require('../bin/text-files') as { TEXT_EXTENSIONS: string[] };
for (const ext of TEXT_EXTENSIONS) {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  (require.extensions as any)[ext] = (module: NodeJS.Module, filename: string) => {
    module.exports = fs.readFileSync(filename, 'utf8');
  };
}
