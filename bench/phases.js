#!/usr/bin/env node
// Time per phase of one synth, the way the pipeline (lib/pipeline.ts) runs it:
//   node bench/phases.js [--config DIR] [--runs N] [--compare TREE]
//
// Bundles a small entry (like bin/bundle.js does for main.ts) that times module loading, then config
// loading + validation (zod), building the construct tree + toJson, the validation gate, YAML
// serialization and writing the files, each in a fresh node process (cold), and the same phases once
// more in that process (warm: what is left when every function is compiled and optimized).
//
// Each phase is measured twice: wall time (performance.now) and CPU time of the process
// (process.cpuUsage, user + system). On a busy machine wall time includes waiting for a core; CPU time
// mostly does not, so compare CPU columns when others are using the machine.
//
// --compare TREE: bundles the same entry from another work tree (e.g. a worktree of main) too and runs
// both alternately (A B A B ...), so that before/after are measured under the same load.
'use strict';
const childProcess = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const configDir = path.resolve(opt('--config', path.join(ROOT, 'config')));
const runs = Number(opt('--runs', 5));
const compare = opt('--compare', null);

const ENTRY = `
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const t0 = performance.now(); const c0 = cpu();
const { loadEnvironments } = require('./lib/config');
const { synthEnvironment } = require('./lib/pipeline');
const { toYaml, writeTreeAtomically } = require('./lib/output/write');
let validate = null;
try { validate = require('./lib/validate').validateEnvironments; } catch { /* no gate */ }
const loaded = performance.now() - t0; const loadedCpu = cpu() - c0;
function once(configDir, outDir) {
  const t = [performance.now()]; const c = [cpu()];
  const mark = () => { t.push(performance.now()); c.push(cpu()); };
  const envs = loadEnvironments(configDir); mark();
  const synthesized = envs.map((env) => ({ env, files: synthEnvironment(env) })); mark();
  const findings = validate ? validate(synthesized) : []; mark();
  if (findings.length) throw new Error('validation findings: ' + findings.length);
  const files = new Map(synthesized.flatMap(({ env, files }) => files.map((f) => [f.path, toYaml(f.objects, env.name)])));
  mark();
  writeTreeAtomically(outDir, files); mark();
  const names = ['config', 'constructAndToJson', 'validationGate', 'yaml', 'writeFiles'];
  const objects = synthesized.reduce((n, s) => n + s.files.reduce((m, f) => m + f.objects.length, 0), 0);
  const wall = {}; const cpuMs = {};
  names.forEach((k, i) => { wall[k] = t[i + 1] - t[i]; cpuMs[k] = c[i + 1] - c[i]; });
  return { wall, cpu: cpuMs, objects };
}
const [configDir, outDir] = process.argv.slice(2);
const cold = once(configDir, outDir);
const warm = once(configDir, outDir);
process.stdout.write(JSON.stringify({ moduleLoad: { wall: loaded, cpu: loadedCpu }, cold, warm }));
`;

const KEYS = ['config', 'constructAndToJson', 'validationGate', 'yaml', 'writeFiles'];
const NAMES = { config: 'config: read, parse, validate (zod)', constructAndToJson: 'construct tree + toJson', validationGate: 'validation gate', yaml: 'YAML serialization', writeFiles: 'write files (atomic)' };

function median(xs) { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; }

function bundle(tree, outfile) {
  require('esbuild').buildSync({
    stdin: { contents: ENTRY, resolveDir: tree, sourcefile: 'phases-entry.js', loader: 'js' },
    bundle: true, platform: 'node', target: 'node20', format: 'cjs', outfile, logLevel: 'error',
    minifyWhitespace: true, minifySyntax: true, loader: require('../bin/text-files').TEXT_LOADER,
  });
}

/** Rows of medians: for each phase, cold and warm, wall and CPU. */
function table(results) {
  const m = (f) => median(results.map(f));
  const rows = [['module loading (bundle, no snapshot)', m((r) => r.moduleLoad.wall), 0, m((r) => r.moduleLoad.cpu), 0]];
  for (const k of KEYS) rows.push([NAMES[k], m((r) => r.cold.wall[k]), m((r) => r.warm.wall[k]), m((r) => r.cold.cpu[k]), m((r) => r.warm.cpu[k])]);
  const sum = (r, c, u) => KEYS.reduce((n, k) => n + r[c][u][k], 0);
  rows.push(['total after loading', m((r) => sum(r, 'cold', 'wall')), m((r) => sum(r, 'warm', 'wall')), m((r) => sum(r, 'cold', 'cpu')), m((r) => sum(r, 'warm', 'cpu'))]);
  return rows;
}

function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pensioen-phases-'));
  try {
    const trees = [ROOT, ...(compare ? [path.resolve(compare)] : [])];
    const bundles = trees.map((tree, i) => {
      const file = path.join(dir, `phases-${i}.js`);
      bundle(tree, file);
      return file;
    });
    const results = trees.map(() => []);
    for (let i = 0; i < runs; i++) {
      trees.forEach((tree, j) => {
        // cwd: the work tree (the validation gate finds crds/ from there)
        const out = childProcess.execFileSync(process.execPath, [bundles[j], configDir, path.join(dir, `out-${j}`)], { cwd: tree, encoding: 'utf8' });
        results[j].push(JSON.parse(out));
      });
    }
    const head = `${''.padEnd(38)}${'cold'.padStart(8)}${'warm'.padStart(8)}${'cold cpu'.padStart(10)}${'warm cpu'.padStart(10)}`;
    const fmt = (row) => `${row[0].padEnd(38)}${row.slice(1).map((x, i) => x.toFixed(1).padStart(i < 2 ? 8 : 10)).join('')}`;
    const lines = [`phases of one synth, median of ${runs} fresh processes, ${results[0][0].cold.objects} objects (ms; load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')})`];
    trees.forEach((tree, j) => {
      if (trees.length > 1) lines.push(`\n${j === 0 ? 'this tree' : 'compared tree'}: ${tree}`);
      lines.push(head, ...table(results[j]).map(fmt));
    });
    if (trees.length > 1) {
      lines.push('\nchange in CPU ms (this tree - compared tree, medians)');
      const a = table(results[0]);
      const b = table(results[1]);
      a.forEach((row, i) => lines.push(`${row[0].padEnd(38)}${''.padStart(16)}${(row[3] - b[i][3]).toFixed(1).padStart(10)}${(row[4] - b[i][4]).toFixed(1).padStart(10)}`));
    }
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main();
