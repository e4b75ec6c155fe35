#!/usr/bin/env node
// Runs a TypeScript script without type-checking: bundles it with esbuild into .build/ and runs it.
'use strict';
const path = require('path');
const root = path.resolve(__dirname, '..');
const entry = path.resolve(root, process.argv[2]);
const out = path.join(root, '.build', 'scripts', path.basename(entry).replace(/\.ts$/, '.js'));
try {
  require('esbuild').buildSync({ entryPoints: [entry], outfile: out, bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'silent', packages: 'external', loader: require('../bin/text-files').TEXT_LOADER });
} catch (e) {
  process.stderr.write(`${path.basename(entry)}: could not build it: ${String((e && e.message) || e).split('\n').slice(0, 4).join('\n')}\n`);
  if (/^(1|true|yes)$/i.test(process.env.PENSIOEN_DEBUG || '') && e && e.stack) process.stderr.write(`${e.stack}\n`);
  process.exit(70);
}
process.argv.splice(1, 2, out);
require(out);
