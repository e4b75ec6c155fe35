'use strict';
// The build stamp: which sources (and which Node.js) the files in .build/ were made from.
//
// `.build/stamp.json` records the content hash of every source the bundle was built from (the esbuild
// metafile's inputs outside node_modules, plus package-lock.json for node_modules and the bin/ build
// scripts), the Node.js version and platform, and each source's size and mtime. Checking it costs one
// stat per source: only when a size or mtime differs (an edit, a fresh clone, a checkout) are the
// contents hashed again, and only when that hash differs is anything rebuilt. This file is bundled
// into the startup snapshot too, so keep it free of dependencies.
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const STAMP_VERSION = 1;
/** Sources that are not in the bundle's own inputs but change what it is. */
const EXTRA_SOURCES = ['package-lock.json', 'bin/bundle.js', 'bin/build-stamp.js', 'bin/snapshot-entry.js', 'bin/text-files.js'];

function buildDir(root) { return path.join(root, '.build'); }
function stampFile(root) { return path.join(buildDir(root), 'stamp.json'); }

/** What else, besides the sources, a build depends on. */
function environmentKey(root) {
  return `v${STAMP_VERSION} ${process.version} ${process.platform}-${process.arch} ${path.resolve(root)}`;
}

/**
 * sha256 over the environment key and every source's path and content (for a folder: its sorted entry
 * names); null when a source is missing.
 */
function hashSources(root, files) {
  const h = crypto.createHash('sha256').update(environmentKey(root));
  for (const rel of [...files].sort()) {
    let content;
    try {
      const abs = path.join(root, rel);
      content = fs.statSync(abs).isDirectory() ? Buffer.from(fs.readdirSync(abs).sort().join('\n')) : fs.readFileSync(abs);
    } catch { return null; }
    h.update(`\0${rel}\0${content.length}\0`).update(content);
  }
  return h.digest('hex');
}

function statsOf(root, files) {
  const out = {};
  for (const rel of files) {
    const st = fs.statSync(path.join(root, rel));
    out[rel] = [st.size, st.mtimeMs];
  }
  return out;
}

function readStamp(root) {
  try {
    const s = JSON.parse(fs.readFileSync(stampFile(root), 'utf8'));
    return s && s.version === STAMP_VERSION && typeof s.hash === 'string' && s.files ? s : null;
  } catch { return null; }
}

function writeStamp(root, stamp) {
  const tmp = `${stampFile(root)}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, `${JSON.stringify(stamp)}\n`);
  fs.renameSync(tmp, stampFile(root));
}

/**
 * The current stamp when `.build/` still matches the sources and this Node.js, else null. Refreshes the
 * recorded stats when only they changed (same content).
 */
function currentStamp(root) {
  const stamp = readStamp(root);
  if (!stamp || stamp.env !== environmentKey(root)) return null;
  const files = Object.keys(stamp.files);
  let statsMatch = true;
  for (const rel of files) {
    let st;
    try { st = fs.statSync(path.join(root, rel)); } catch { return null; }
    const [size, mtime] = stamp.files[rel];
    if (st.size !== size && !st.isDirectory()) return null;
    if (st.size !== size) statsMatch = false;
    if (st.mtimeMs !== mtime) statsMatch = false;
  }
  if (statsMatch) return stamp;
  if (hashSources(root, files) !== stamp.hash) return null;
  const fresh = { ...stamp, files: statsOf(root, files) };
  try { writeStamp(root, fresh); } catch { /* read-only checkout: still valid, just checked again next time */ }
  return fresh;
}

module.exports = { EXTRA_SOURCES, buildDir, environmentKey, hashSources, statsOf, readStamp, writeStamp, currentStamp, STAMP_VERSION };
