'use strict';
// Bundles main.ts (and everything it imports) into .build/main.js when any source is newer than it.
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const out = path.join(root, '.build', 'main.js');
const SOURCES = ['main.ts', 'charts', 'lib', 'imports', 'package-lock.json', 'bin/bundle.js'];

function newestMtime(p) {
  let st;
  try { st = fs.statSync(p); } catch { return 0; }
  if (!st.isDirectory()) return st.mtimeMs;
  let max = st.mtimeMs;
  for (const e of fs.readdirSync(p)) max = Math.max(max, newestMtime(path.join(p, e)));
  return max;
}

function ensureBundle() {
  let built = 0;
  try { built = fs.statSync(out).mtimeMs; } catch { /* not built yet */ }
  const newest = Math.max(...SOURCES.map((s) => newestMtime(path.join(root, s))));
  if (built === 0 || newest > built) {
    require('esbuild').buildSync({
      entryPoints: [path.join(root, 'main.ts')],
      outfile: out,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      logLevel: 'warning',
      legalComments: 'none',
    });
  }
  return out;
}

module.exports = { ensureBundle };
