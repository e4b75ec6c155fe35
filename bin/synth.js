#!/usr/bin/env node
// The synth runner (any Node.js >= 20, no build step needed): brings .build/ up to date with the sources
// (bin/bundle.js: an esbuild bundle of main.ts, rebuilt only when a source or the Node.js version
// changed), then runs main(argv) from the bundle in this process. Type-checking is `tsc --noEmit` in
// `npm test`.
//
// bin/synth (what `npm run synth` and `cdk8s synth` run) starts node from a V8 startup snapshot of the
// bundle instead, and comes back here, with PENSIOEN_SYNTH_SNAPSHOT=1, when that snapshot is missing or
// stale: then the snapshot is (re)built too, so the next run is fast again. Exit codes: docs/cli.md.
'use strict';
let main;
try {
  const { ensureBuild } = require('./bundle');
  ({ main } = require(ensureBuild({ snapshot: process.env.PENSIOEN_SYNTH_SNAPSHOT === '1' }).bundle));
} catch (e) {
  // esbuild's own errors name the source file and line; anything else is one line plus where to look.
  const first = String((e && e.message) || e).split('\n').filter(Boolean).slice(0, 4).join('\n');
  process.stderr.write(`synth: could not build the synth from the sources in ${require('path').resolve(__dirname, '..')}:\n${first}\n`
    + `synth: fix the error above (npx tsc --noEmit shows type errors); PENSIOEN_DEBUG=1 prints the stack trace\n`);
  if (/^(1|true|yes)$/i.test(process.env.PENSIOEN_DEBUG || '') && e && e.stack) process.stderr.write(`${e.stack}\n`);
  process.exit(70);
}
process.exitCode = main(process.argv.slice(2));
