/**
 * Text files imported as modules (the extensions of bin/text-files.js): the default export is the file's
 * content. esbuild reads them with its `text` loader (bin/bundle.js, bin/validate.js, scripts/run-ts.js, bench/),
 * Jest with test/esbuild-transform.js and ts-node with bench/text-files.ts.
 */
declare module '*.sh' {
  const text: string;
  export default text;
}
declare module '*.py' {
  const text: string;
  export default text;
}
