/**
 * The startup snapshot's warm-up (bin/snapshot-entry.js) synthesizes the made-up environments of bin/warmup/
 * while the snapshot is built, so that a synth starts with every chart, the gate and the writer compiled. A
 * warm-up the config rules refuse costs every synth its speed without any error showing, so: each warm-up
 * environment passes the config rules and the gate, and together they build every kind and file the fixtures do.
 */
import * as path from 'path';
import { loadEnvironments } from '../lib/config';
import { formatFinding, validateEnvironments } from '../lib/validate';
import { synthEnvironment } from '../lib/pipeline';
import { environments } from './helpers';

const WARM_UP_DIR = path.join(__dirname, '..', 'bin', 'warmup');

const kindsAndFiles = (synthesized: { files: { path: string; objects: Record<string, any>[] }[] }[]) => {
  const out = new Set<string>();
  for (const { files } of synthesized) {
    for (const f of files) {
      out.add(`file ${path.basename(f.path)}`);
      for (const o of f.objects) out.add(`kind ${o.apiVersion} ${o.kind}`);
    }
  }
  return out;
};

describe('snapshot warm-up (bin/warmup/)', () => {
  const warm = loadEnvironments(WARM_UP_DIR).map((env) => ({ env, files: synthEnvironment(env) }));

  test('every warm-up environment passes the config rules and the validation gate', () => {
    expect(warm.length).toBeGreaterThan(0);
    expect(validateEnvironments(warm).map(formatFinding)).toEqual([]);
  });

  test('the warm-up builds every kind and file the fixtures build', () => {
    const fixtures = kindsAndFiles(environments().map((env) => ({ files: synthEnvironment(env) })));
    const covered = kindsAndFiles(warm);
    expect([...fixtures].filter((k) => !covered.has(k))).toEqual([]);
  });
});
