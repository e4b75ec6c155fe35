// ts-node loads modules with Node's require: a text file imported as a module (`*.sh`, lib/text-files.d.ts)
// exports its content, as esbuild's `text` loader makes it in the synth bundle.
import * as fs from 'fs';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
(require.extensions as any)['.sh'] = (module: NodeJS.Module, filename: string) => {
  module.exports = fs.readFileSync(filename, 'utf8');
};
