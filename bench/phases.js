#!/usr/bin/env node
// Time per phase of one synth, the way main() runs it: `node bench/phases.js [--config DIR] [--runs N]`.
//
// Bundles a small entry (like bin/bundle.js does for main.ts) that times module loading, then config
// loading + validation (zod), building the construct tree + toJson, the validation gate, YAML
// serialization and writing the files, each in a fresh node process (cold), and the same phases once
// more in that process (warm: what is left when every function is compiled and optimized).
'use strict';
const childProcess = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const configDir = args.includes('--config') ? path.resolve(args[args.indexOf('--config') + 1]) : path.join(ROOT, 'config');
const runs = args.includes('--runs') ? Number(args[args.indexOf('--runs') + 1]) : 5;

const ENTRY = `
const t0 = performance.now();
const { loadEnvironments } = require('./lib/config');
const { synthEnvironment } = require('./main');
const { toYaml, writeTreeAtomically } = require('./lib/output/write');
let validate = null;
try { validate = require('./lib/validate').validateEnvironments; } catch { /* no gate */ }
const loaded = performance.now() - t0;
function once(configDir, outDir) {
  const t = [performance.now()];
  const envs = loadEnvironments(configDir); t.push(performance.now());
  const synthesized = envs.map((env) => ({ env, files: synthEnvironment(env) })); t.push(performance.now());
  const findings = validate ? validate(synthesized) : []; t.push(performance.now());
  if (findings.length) throw new Error('validation findings: ' + findings.length);
  const files = new Map(synthesized.flatMap(({ env, files }) => files.map((f) => [f.path, toYaml(f.objects, env.name)])));
  t.push(performance.now());
  writeTreeAtomically(outDir, files); t.push(performance.now());
  const d = (i) => t[i + 1] - t[i];
  const objects = synthesized.reduce((n, s) => n + s.files.reduce((m, f) => m + f.objects.length, 0), 0);
  return { config: d(0), constructAndToJson: d(1), validationGate: d(2), yaml: d(3), writeFiles: d(4), objects };
}
const [configDir, outDir] = process.argv.slice(2);
const cold = once(configDir, outDir);
const warm = once(configDir, outDir);
process.stdout.write(JSON.stringify({ moduleLoad: loaded, cold, warm }));
`;

function median(xs) { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; }

function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pensioen-phases-'));
  try {
    const bundle = path.join(dir, 'phases.js');
    require('esbuild').buildSync({
      stdin: { contents: ENTRY, resolveDir: ROOT, sourcefile: 'phases-entry.js', loader: 'js' },
      bundle: true, platform: 'node', target: 'node20', format: 'cjs', outfile: bundle, logLevel: 'error',
      minifyWhitespace: true, minifySyntax: true,
    });
    const results = [];
    for (let i = 0; i < runs; i++) {
      // cwd: the work tree (the validation gate finds crds/ from there)
      const out = childProcess.execFileSync(process.execPath, [bundle, configDir, path.join(dir, 'out')], { cwd: ROOT, encoding: 'utf8' });
      results.push(JSON.parse(out));
    }
    const keys = ['config', 'constructAndToJson', 'validationGate', 'yaml', 'writeFiles'];
    const row = (label, pick) => `${label.padEnd(34)}${pick('cold').toFixed(1).padStart(9)}${pick('warm').toFixed(1).padStart(9)}`;
    const lines = [`phases of one synth, median of ${runs} fresh processes, ${results[0].cold.objects} objects (ms)`, `${''.padEnd(34)}${'cold'.padStart(9)}${'warm'.padStart(9)}`];
    lines.push(row('module loading (bundle, no snapshot)', (k) => (k === 'cold' ? median(results.map((r) => r.moduleLoad)) : 0)));
    const names = { config: 'config: read, parse, validate (zod)', constructAndToJson: 'construct tree + toJson', validationGate: 'validation gate', yaml: 'YAML serialization', writeFiles: 'write files (atomic)' };
    for (const k of keys) lines.push(row(names[k], (c) => median(results.map((r) => r[c][k]))));
    lines.push(row('total after loading', (c) => median(results.map((r) => keys.reduce((n, k) => n + r[c][k], 0)))));
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main();
