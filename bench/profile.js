#!/usr/bin/env node
// Where the time of one cold synth goes: `node bench/profile.js [--config DIR] [--snapshot]`.
//
// Bundles main.ts without minifying (esbuild marks where each source file starts), runs one synth of
// DIR (default config/) in a fresh node with --cpu-prof, and sums the profile's self time by source:
// node start-up and module loading, garbage collection, each npm package, each folder of ours. With
// --snapshot it profiles the fast path instead (node --snapshot-blob .build/synth.blob): module loading
// is then in the snapshot, and the code is the minified bundle, so only packages are told apart.
'use strict';
const childProcess = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const configDir = args.includes('--config') ? path.resolve(args[args.indexOf('--config') + 1]) : path.join(ROOT, 'config');
const SNAPSHOT = args.includes('--snapshot');

function bundleForProfile(outfile) {
  require('esbuild').buildSync({
    stdin: { contents: "process.exitCode = require('./main').main(process.argv.slice(2));", resolveDir: ROOT, sourcefile: 'profile-entry.js', loader: 'js' },
    bundle: true, platform: 'node', target: 'node20', format: 'cjs', outfile, logLevel: 'warning', legalComments: 'none', loader: require('../bin/text-files').TEXT_LOADER,
  });
}

/** Line ranges of each source file in a non-minified esbuild bundle (esbuild writes `// path` before each). */
function sourceMap(file) {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const starts = [];
  lines.forEach((l, i) => {
    const m = /^\/\/ ((node_modules\/|[\w.-]+\/|main\.ts|bin\/)[^\s]*)$/.exec(l);
    if (m) starts.push([i, m[1]]);
  });
  return (line) => {
    let lo = 0;
    let hi = starts.length - 1;
    let hit = null;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid][0] <= line) { hit = starts[mid][1]; lo = mid + 1; } else hi = mid - 1;
    }
    return hit;
  };
}

/** Groups a source path: an npm package by name, our code by top folder (lib/validate one deeper). */
function groupOf(src) {
  if (!src) return 'bundle (other)';
  const m = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(src);
  if (m) return `npm: ${m[1]}`;
  const parts = src.split('/');
  if (parts[0] === 'lib' && parts.length > 2) return `${parts[0]}/${parts[1]}/`;
  return parts.length > 1 ? `${parts[0]}/` : parts[0];
}

function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pensioen-profile-'));
  try {
    const bundle = path.join(dir, 'profile-main.js');
    let argv;
    let locate;
    if (SNAPSHOT) {
      childProcess.execFileSync(process.execPath, [path.join(ROOT, 'bin', 'synth.js'), '--config', configDir, '--out', path.join(dir, 'warm')], { stdio: 'ignore' });
      argv = ['--snapshot-blob', path.join(ROOT, '.build', 'synth.blob'), path.join(ROOT, 'bin', 'synth.js')];
      locate = () => null;
    } else {
      bundleForProfile(bundle);
      argv = [bundle];
      locate = sourceMap(bundle);
    }
    const prof = path.join(dir, 'prof');
    const t0 = process.hrtime.bigint();
    childProcess.execFileSync(process.execPath, ['--cpu-prof', '--cpu-prof-dir', prof, '--cpu-prof-interval', '100', ...argv, '--config', configDir, '--out', path.join(dir, 'out')], { stdio: 'ignore' });
    const wall = Number(process.hrtime.bigint() - t0) / 1e6;
    const p = JSON.parse(fs.readFileSync(path.join(prof, fs.readdirSync(prof)[0]), 'utf8'));
    const selfUs = new Map();
    p.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) || 0) + (p.timeDeltas[i] || 0)));
    const groups = new Map();
    const fns = new Map();
    let total = 0;
    for (const n of p.nodes) {
      const ms = (selfUs.get(n.id) || 0) / 1000;
      if (!ms) continue;
      total += ms;
      const { url, functionName, lineNumber } = n.callFrame;
      let g;
      if (!url) g = functionName ? `(${functionName.replace(/[()]/g, '')})` : '(native)';
      else if (url.startsWith('node:')) g = 'node internals (start-up, module loader, fs)';
      else if (url.endsWith(bundle) || url.includes('.build/')) g = groupOf(locate(lineNumber));
      else g = url.replace(/^file:\/\//, '').replace(ROOT + '/', '');
      groups.set(g, (groups.get(g) || 0) + ms);
      const fk = `${functionName || '(anonymous)'}  [${g}]`;
      fns.set(fk, (fns.get(fk) || 0) + ms);
    }
    const out = [`${SNAPSHOT ? 'snapshot fast path' : 'bundle (no snapshot)'}, config ${path.relative(process.cwd(), configDir) || '.'}: wall ${wall.toFixed(0)} ms, profiled ${total.toFixed(0)} ms`, '', 'self time by source:'];
    for (const [g, ms] of [...groups].sort((a, b) => b[1] - a[1])) if (ms >= 0.5) out.push(`  ${ms.toFixed(1).padStart(7)} ms  ${(ms / total * 100).toFixed(0).padStart(3)}%  ${g}`);
    out.push('', 'top functions (self time):');
    for (const [f, ms] of [...fns].sort((a, b) => b[1] - a[1]).slice(0, 15)) out.push(`  ${ms.toFixed(1).padStart(7)} ms  ${f}`);
    process.stdout.write(`${out.join('\n')}\n`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main();
