'use strict';
// Builds what the synth runs, into .build/ (never committed), only when the sources changed:
//   .build/main.js        main.ts and everything it imports, bundled by esbuild (no type-check; that is
//                         `tsc --noEmit` in `npm test`)
//   .build/synth.blob     a V8 startup snapshot with that bundle loaded (bin/snapshot-entry.js), so a
//                         synth starts with every module initialized instead of loading ~2 MB of code
//   .build/stamp.json     what both were built from (bin/build-stamp.js): content hash of the sources,
//                         Node.js version, platform, work tree path
// A snapshot that cannot be built is only a lost speed-up: the synth then runs .build/main.js.
const childProcess = require('child_process');
const fs = require('fs');
const path = require('path');
const stamps = require('./build-stamp');
const { TEXT_LOADER } = require('./text-files');

const root = path.resolve(__dirname, '..');
const dir = stamps.buildDir(root);
const BUNDLE = path.join(dir, 'main.js');
const SNAPSHOT_ENTRY = path.join(dir, 'snapshot-entry.js');
const SNAPSHOT = path.join(dir, 'synth.blob');

const ESBUILD_OPTIONS = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  logLevel: 'warning',
  legalComments: 'none',
  // Smaller code parses and deserializes faster. Identifiers are not renamed (stack traces stay readable,
  // and cdk8s checks `constructor.name`), so no keepNames wrappers are needed either.
  minifyWhitespace: true,
  minifySyntax: true,
  // Scripts kept as files (lib/script-files.ts) are imported as text (bin/text-files.js).
  loader: TEXT_LOADER,
};

function writeAtomically(file, content) {
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, content);
  fs.renameSync(tmp, file);
}

/** Bundles main.ts; returns the sources it was built from (relative to the work tree) and their hash. */
function buildBundle() {
  const esbuild = require('esbuild');
  // absWorkingDir: the metafile's input paths are relative to it; without it they are relative to the
  // folder synth was started from, and a build started elsewhere would record no sources to watch.
  const result = esbuild.buildSync({ ...ESBUILD_OPTIONS, absWorkingDir: root, entryPoints: [path.join(root, 'main.ts')], write: false, metafile: true, outfile: BUNDLE });
  const inputs = Object.keys(result.metafile.inputs)
    .map((p) => path.relative(root, path.resolve(root, p)).split(path.sep).join('/'))
    .filter((p) => !p.startsWith('node_modules/') && !p.startsWith('..'));
  const files = [...new Set([...inputs, ...stamps.EXTRA_SOURCES])].filter((f) => fs.existsSync(path.join(root, f))).sort();
  const stats = stamps.statsOf(root, files); // before hashing: an edit made meanwhile shows up as stale next time
  const hash = stamps.hashSources(root, files);
  writeAtomically(BUNDLE, result.outputFiles[0].contents);
  return { files, stats, hash };
}

/**
 * Synthesizes the warm-up environments (bin/warmup/) once with the plain bundle, in a child process, so that
 * the gate's build cache holds their compiled validators before the snapshot's own warm-up runs: it then loads
 * them instead of compiling them with ajv, whose code and parsed CRD schemas would otherwise stay in the
 * snapshot's heap (about 24 instead of 16 MB on this code). Best effort, like the snapshot itself.
 */
function fillValidateCache(env) {
  const out = fs.mkdtempSync(path.join(require('os').tmpdir(), 'pensioen-validate-cache-fill-'));
  try {
    const argv = ['--config', path.join(root, 'bin', 'warmup'), '--out', path.join(out, 'out')];
    childProcess.spawnSync(process.execPath, ['-e', `process.exitCode = require(${JSON.stringify(BUNDLE)}).main(${JSON.stringify(argv)})`], {
      cwd: root, env: { ...env, PENSIOEN_SNAPSHOT_READS: '' }, stdio: 'ignore',
    });
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

/**
 * Builds the startup snapshot with id `id`; returns the work-tree files read while building it
 * (relative paths), or null (and no snapshot) when that fails.
 */
function buildSnapshot(id) {
  const tmp = `${SNAPSHOT}.tmp-${process.pid}`;
  const readsFile = `${tmp}.reads.json`;
  try {
    require('esbuild').buildSync({
      ...ESBUILD_OPTIONS,
      entryPoints: [path.join(root, 'bin', 'snapshot-entry.js')],
      outfile: SNAPSHOT_ENTRY,
      define: { __SNAPSHOT_ID__: JSON.stringify(id) },
    });
    const env = { ...process.env, PENSIOEN_SNAPSHOT_READS: readsFile };
    delete env.CDK8S_OUTDIR; // the warm-up must never write where a `cdk8s synth` is collecting output
    delete env.NODE_OPTIONS;
    if (env.PENSIOEN_SNAPSHOT_WARMUP !== '0') fillValidateCache(env);
    const r = childProcess.spawnSync(process.execPath, ['--snapshot-blob', tmp, '--build-snapshot', SNAPSHOT_ENTRY], {
      cwd: root, env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', // the gate finds crds/ from the working folder
    });
    if (process.env.PENSIOEN_SYNTH_DEBUG && r.stderr) process.stderr.write(r.stderr);
    if (r.status !== 0 || !fs.existsSync(tmp)) {
      throw new Error(`node --build-snapshot exited with ${r.status ?? r.signal}: ${(r.stderr || '').trim().split('\n').slice(-3).join(' | ')}`);
    }
    const reads = JSON.parse(fs.readFileSync(readsFile, 'utf8'))
      .map((p) => path.relative(root, p).split(path.sep).join('/'))
      .filter((p) => p && !p.startsWith('..') && !path.isAbsolute(p) && !/^(node_modules|\.build|\.git)(\/|$)/.test(p) && fs.existsSync(path.join(root, p)));
    fs.renameSync(tmp, SNAPSHOT);
    return reads;
  } catch (e) {
    fs.rmSync(SNAPSHOT, { force: true });
    if (process.env.PENSIOEN_SYNTH_DEBUG) process.stderr.write(`synth: no startup snapshot (${e.message}); running the bundle\n`);
    return null;
  } finally {
    fs.rmSync(tmp, { force: true });
    fs.rmSync(readsFile, { force: true });
  }
}

/**
 * Makes .build/ current (a no-op costing one stat per source when it is) and returns the bundle's path.
 * `snapshot: false` skips building the snapshot (the bundle alone is enough to run).
 */
function ensureBuild({ snapshot = true } = {}) {
  let current = stamps.currentStamp(root);
  if (current && !fs.existsSync(BUNDLE)) current = null;
  const snapshotDone = current && (current.snapshot ? fs.existsSync(SNAPSHOT) : current.snapshotFailed === current.hash);
  if (current && (snapshotDone || !snapshot)) return { bundle: BUNDLE, stamp: current };
  fs.mkdirSync(dir, { recursive: true });
  let built;
  if (current) built = { files: Object.keys(current.files), stats: current.files, hash: current.hash };
  else built = buildBundle();
  const id = `${built.hash.slice(0, 16)}-${process.pid}-${Date.now()}`;
  const reads = snapshot ? buildSnapshot(id) : null;
  let { hash, stats } = built;
  if (reads && reads.some((f) => !(f in stats))) {
    // What the snapshot read while it was built is a source too.
    const files = [...new Set([...Object.keys(stats), ...reads])].sort();
    stats = stamps.statsOf(root, files);
    hash = stamps.hashSources(root, files);
  }
  const stamp = {
    version: stamps.STAMP_VERSION,
    env: stamps.environmentKey(root),
    hash,
    snapshot: reads ? id : false,
    // A snapshot that failed is not tried again until the sources change.
    ...(snapshot && !reads ? { snapshotFailed: hash } : {}),
    files: stats,
  };
  stamps.writeStamp(root, stamp);
  return { bundle: BUNDLE, stamp };
}

/** Compatibility with the first runner: the bundle's path, built when stale. */
function ensureBundle() { return ensureBuild({ snapshot: false }).bundle; }

module.exports = { ensureBuild, ensureBundle, BUNDLE, SNAPSHOT, root };
