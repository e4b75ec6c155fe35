#!/usr/bin/env node
// Runs a TypeScript script without type-checking: bundles it with esbuild into .build/ and runs it.
'use strict';
const path = require('path');
const root = path.resolve(__dirname, '..');
const entry = path.resolve(process.argv[2]);
const out = path.join(root, '.build', 'scripts', path.basename(entry).replace(/\.ts$/, '.js'));
require('esbuild').buildSync({ entryPoints: [entry], outfile: out, bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'warning', packages: 'external' });
process.argv.splice(1, 2, out);
require(out);
