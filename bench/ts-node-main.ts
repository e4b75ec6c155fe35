// The cdk8s default way to run an app, for the benchmark: `npx ts-node bench/ts-node-main.ts ARGS`
// type-checks and compiles main.ts and everything it imports on every run, then synthesizes.
import './text-files'; // first: main's modules import shell scripts as text
import { main } from '../main';

process.exitCode = main(process.argv.slice(2));
