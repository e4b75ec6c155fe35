#!/usr/bin/env node
// Runs the synth without type-checking: the TypeScript sources are bundled once with esbuild into
// .build/main.js (rebuilt only when a source file is newer than the bundle), then run with plain node.
// Type-checking is part of `npm test` (tsc --noEmit).
'use strict';
const { ensureBundle } = require('./bundle');
const { main } = require(ensureBundle());
process.exitCode = main(process.argv.slice(2));
