#!/usr/bin/env node
// The synth runner (any Node.js >= 20, no build step needed): brings .build/ up to date with the sources
// (bin/bundle.js: an esbuild bundle of main.ts, rebuilt only when a source or the Node.js version
// changed), then runs main(argv) from the bundle in this process. Type-checking is `tsc --noEmit` in
// `npm test`.
//
// bin/synth (what `npm run synth` and `cdk8s synth` run) starts node from a V8 startup snapshot of the
// bundle instead, and comes back here, with PENSIOEN_SYNTH_SNAPSHOT=1, when that snapshot is missing or
// stale: then the snapshot is (re)built too, so the next run is fast again.
'use strict';
const { ensureBuild } = require('./bundle');
const { main } = require(ensureBuild({ snapshot: process.env.PENSIOEN_SYNTH_SNAPSHOT === '1' }).bundle);
process.exitCode = main(process.argv.slice(2));
