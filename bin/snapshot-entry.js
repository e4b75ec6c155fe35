'use strict';
// Entry of the V8 startup snapshot `.build/synth.blob` (built by bin/bundle.js, run by bin/synth).
//
// Bundled with main.ts by esbuild, then run once with `node --build-snapshot`: every module is loaded
// and initialized, the heap is saved, and `node --snapshot-blob .build/synth.blob bin/synth.js ARGS`
// later starts from that heap and calls runFromSnapshot(). What the snapshot holds: loaded code and
// module state. What it never holds: your config or any output. Config is read when the synth runs,
// and the warm-up below renders the made-up environments of bin/warmup/ into a temp folder that is deleted.
const fs = require('fs');
const os = require('os');
const path = require('path');
const v8 = require('v8');

const BUILDING = Boolean(v8.startupSnapshot && v8.startupSnapshot.isBuildingSnapshot());
/**
 * Files of the work tree read while the snapshot is built (module initialization and warm-up): what
 * they held may now live in the heap, so bin/bundle.js adds them to the build stamp and a change to any
 * of them makes the snapshot stale. Recorded before main.ts is loaded.
 */
const reads = new Set();
const originals = {};
let tracking = BUILDING;
if (BUILDING) {
  for (const name of ['readFileSync', 'readdirSync', 'existsSync', 'statSync', 'openSync']) {
    const original = fs[name];
    originals[name] = original;
    // A module that kept a reference to the wrapper still gets the original's behaviour after the build.
    fs[name] = function (p, ...rest) {
      if (tracking && (typeof p === 'string' || p instanceof URL)) reads.add(path.resolve(p instanceof URL ? p.pathname : p));
      return original.call(this, p, ...rest);
    };
  }
}
const { main } = require('../main');
const { releaseParsedSchemas } = require('../lib/validate/crd-schema');
const { currentStamp } = require('./build-stamp');

/** Id of this snapshot, also written to the build stamp (esbuild `define`, set by bin/bundle.js). */
const SNAPSHOT_ID = typeof __SNAPSHOT_ID__ === 'string' ? __SNAPSHOT_ID__ : null;

/**
 * Made-up environments for the warm-up (bin/warmup/*.yaml: one per edge, database and secrets variant, with
 * names under warmup.pensioen-beslissingstool.nl and registry.warmup.invalid); test/snapshot-warmup.test.ts
 * keeps them accepted and covering every kind the fixtures build. Read here, so they are sources of the stamp.
 */
const WARM_UP_DIR = path.join(__dirname, '..', 'bin', 'warmup');

/**
 * Runs one synth of the made-up environments so that the functions a synth calls are compiled (V8 keeps
 * their bytecode in the snapshot), and what the gate compiles once per process stays compiled: the CRD
 * validators of each kind and shape it loaded (keyed by CRD file and the objects' key paths, never values) and
 * the CEL programs (keyed by rule text). Best effort: a config the schema refuses still warms the loader and
 * the validation, and says so on stderr (PENSIOEN_SYNTH_DEBUG=1 shows it). Nothing a synth of yours reads or
 * writes survives: the heap is garbage-collected before it is saved, and the output folder is deleted.
 */
function warmUp() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pensioen-snapshot-warmup-'));
  const write = process.stdout.write;
  const writeErr = process.stderr.write;
  try {
    let refused = '';
    process.stdout.write = () => true;
    process.stderr.write = (s) => { refused += String(s); return true; };
    const code = main(['--config', WARM_UP_DIR, '--out', path.join(dir, 'out')]);
    process.stderr.write = writeErr;
    if (code !== 0) process.stderr.write(`snapshot warm-up: bin/warmup/ was refused (exit ${code}); only loading and validation are warm:\n${refused}`);
  } catch (e) {
    process.stderr.write = writeErr;
    process.stderr.write(`snapshot warm-up failed: ${e && e.message}\n`);
  } finally {
    process.stdout.write = write;
    process.stderr.write = writeErr;
    fs.rmSync(dir, { recursive: true, force: true });
    releaseParsedSchemas();
  }
}

/** Starts here when node is started from the snapshot. */
function runFromSnapshot() {
  // Tells bin/synth that the snapshot loaded (anything that fails from here on is the synth's own result).
  if (process.env.PENSIOEN_SNAPSHOT_PENDING) try { fs.unlinkSync(process.env.PENSIOEN_SNAPSHOT_PENDING); } catch { /* gone already */ }
  // bin/synth passes bin/synth.js as the script; it names the work tree and is the slow path.
  const entry = path.resolve(process.argv[1] || 'bin/synth.js');
  const root = path.resolve(path.dirname(entry), '..');
  const stamp = currentStamp(root);
  if (SNAPSHOT_ID && stamp && stamp.snapshot === SNAPSHOT_ID) {
    if (process.env.PENSIOEN_SYNTH_DEBUG) process.stderr.write(`synth: running from startup snapshot ${SNAPSHOT_ID}\n`);
    process.exitCode = main(process.argv.slice(2));
    return;
  }
  // Sources changed since this snapshot was made: the regular runner rebuilds and runs the new code.
  if (process.env.PENSIOEN_SYNTH_DEBUG) process.stderr.write('synth: startup snapshot is stale; rebuilding\n');
  require('module').createRequire(entry)(entry);
}

if (BUILDING) {
  if (process.env.PENSIOEN_SNAPSHOT_WARMUP !== '0') warmUp();
  tracking = false;
  Object.assign(fs, originals);
  if (process.env.PENSIOEN_SNAPSHOT_READS) fs.writeFileSync(process.env.PENSIOEN_SNAPSHOT_READS, JSON.stringify([...reads].sort()));
  v8.startupSnapshot.setDeserializeMainFunction(runFromSnapshot);
}
