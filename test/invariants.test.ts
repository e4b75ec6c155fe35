/**
 * Invariants over generated configurations (test/invariants.ts), seeded and reproducible: a failure prints
 * the seed and the shrunk configuration; re-run it with FC_SEED=<seed>. Every failure found becomes a named
 * regression test below. `npm test` tries 20 configurations; the long run (500, `npm run test:tools`) is
 * test/invariants.tools.test.ts.
 */
import * as fc from 'fast-check';
import { parseDocument } from 'yaml';
import { checkInvariants, configArbitrary, load, NAMES_FILE_AND_KEY, YAML11_READER } from './invariants';

const SEED = Number(process.env.FC_SEED ?? 20261203);

test('every generated configuration is refused with a config-key error or synthesizes output where every invariant holds', () => {
  fc.assert(fc.property(configArbitrary, (g) => {
    const env = load(g);
    if (Array.isArray(env)) {
      for (const p of env) expect(p).toMatch(NAMES_FILE_AND_KEY);
      return;
    }
    expect(checkInvariants(env)).toEqual([]);
  }), { seed: SEED, numRuns: Number(process.env.FC_RUNS ?? 20), endOnFailure: true });
});

test('the generator reaches every mode: both edges and both gateway implementations, each fixture, both delivery strategies, YAML 1.1 traps, refusals and successes', () => {
  const sample = fc.sample(configArbitrary, { seed: SEED, numRuns: 50 });
  const loaded = sample.map(load);
  expect(new Set(sample.map((g) => g.base))).toEqual(new Set(['production', 'staging', 'onprem']));
  expect(sample.some((g) => /kind: gateway/.test(g.yaml) && /nginx-gateway-fabric/.test(g.yaml))).toBe(true);
  expect(sample.some((g) => /kind: ingress/.test(g.yaml))).toBe(true);
  expect(sample.some((g) => ['yes', 'on', 'y', 'no', 'null'].includes(g.name))).toBe(true);
  expect(loaded.filter((e) => !Array.isArray(e)).length).toBeGreaterThan(20);
  // Both strategies load, a canary on each edge kind among them.
  const ok = loaded.filter((e): e is Exclude<typeof e, string[]> => !Array.isArray(e));
  expect(new Set(ok.map((e) => e.config.delivery.strategy))).toEqual(new Set(['rolling', 'canary']));
  expect(new Set(ok.filter((e) => e.config.delivery.strategy === 'canary').map((e) => e.config.edge.kind))).toEqual(new Set(['ingress', 'gateway']));
});

describe('regressions the property found', () => {
  test('an image tag `e8`: a string to go-yaml and PyYAML (yaml\'s own 1.1 schema misreads it as a float), so the label stays as written', () => {
    expect(parseDocument('v: e8\n', YAML11_READER).toJS()).toEqual({ v: 'e8' });
    expect(parseDocument('v: 1e8\n', YAML11_READER).toJS()).toEqual({ v: 1e8 });
    const g = fc.sample(configArbitrary, { seed: 1, numRuns: 1 })[0];
    const yaml = g.yaml.replace(/(image: \S+?):[^\s:]+\n/, '$1:e8\n');
    expect(yaml).toMatch(/image: \S+:e8\n/);
    const env = load({ ...g, yaml });
    if (Array.isArray(env)) throw new Error(env.join('\n'));
    expect(checkInvariants(env).filter((l) => l.startsWith('yaml-'))).toEqual([]);
  });
});
