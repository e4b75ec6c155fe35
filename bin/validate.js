#!/usr/bin/env node
// `npm run validate [DIR]`: runs the validation gate (lib/validate) on a tree of YAML files, default dist/.
// Like bin/synth.js it runs the TypeScript sources without type-checking: lib/validate/cli.ts is bundled
// with esbuild into .build/validate.js (npm packages stay external) and run with plain node.
'use strict';
const path = require('path');
const root = path.resolve(__dirname, '..');
const out = path.join(root, '.build', `validate-${process.pid}.js`);
require('esbuild').buildSync({
  entryPoints: [path.join(root, 'lib', 'validate', 'cli.ts')], outfile: out, bundle: true, platform: 'node', target: 'node20',
  format: 'cjs', logLevel: 'warning', packages: 'external',
});
try {
  process.exitCode = require(out).main(process.argv.slice(2));
} finally {
  require('fs').rmSync(out, { force: true });
}
