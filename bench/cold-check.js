#!/usr/bin/env node
// hyperfine --prepare step of the cold-synth benchmark: proves every timed run is cold.
//
//   node bench/cold-check.js CONFIG_DIR OUT_DIR
//
// Before each timed run it checks that the previous run's output holds the backend image tag the
// previous prepare wrote into CONFIG_DIR/production.yaml (so that run really read the config, built the
// objects and wrote them), then writes a new, never-used tag. Exits 1 when the output is stale or
// missing, which stops hyperfine. State (the run counter) lives in CONFIG_DIR/../cold-check.json.
'use strict';
const fs = require('fs');
const path = require('path');
const { parseDocument } = require('yaml');

const [configDir, outDir] = process.argv.slice(2);
if (!configDir || !outDir) {
  process.stderr.write('usage: node bench/cold-check.js CONFIG_DIR OUT_DIR\n');
  process.exit(2);
}
const stateFile = path.join(path.dirname(path.resolve(configDir)), 'cold-check.json');
const configFile = path.join(configDir, 'production.yaml');
const deployment = path.join(outDir, 'production', '10-backend.yaml');

const tagOf = (n) => `1.0.${n}-bench`;
let state = { run: 0, checked: 0 };
try { state = JSON.parse(fs.readFileSync(stateFile, 'utf8')); } catch { /* first run */ }

if (state.run > 0) {
  const want = `pensioen-backend:${tagOf(state.run)}`;
  let text = '';
  try { text = fs.readFileSync(deployment, 'utf8'); } catch { /* checked below */ }
  if (!text.includes(want)) {
    process.stderr.write(`cold-check: ${deployment} does not contain ${want}: the previous run did not synthesize the changed config\n`);
    process.exit(1);
  }
  state.checked += 1;
}
state.run += 1;
const doc = parseDocument(fs.readFileSync(configFile, 'utf8'));
const image = String(doc.getIn(['backend', 'image']) ?? 'pensioen-backend:1.0.0');
doc.setIn(['backend', 'image'], `${image.split(':')[0]}:${tagOf(state.run)}`);
fs.writeFileSync(configFile, doc.toString());
fs.writeFileSync(stateFile, JSON.stringify(state));
