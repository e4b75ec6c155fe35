/**
 * The long run of the config-space invariants (test/invariants.ts): many seeded cases in the tools lane that
 * CI runs. `npm test` runs a handful of the same property (test/invariants.test.ts). FC_SEED and FC_RUNS
 * override the seed and the count.
 */
import * as fc from 'fast-check';
import { checkInvariants, configArbitrary, load, NAMES_FILE_AND_KEY } from './invariants';

const SEED = Number(process.env.FC_SEED ?? 4242);
const RUNS = Number(process.env.FC_RUNS ?? 500);

test(`${RUNS} generated configurations: refused with a config-key error, or output where every invariant holds`, () => {
  let refused = 0;
  fc.assert(fc.property(configArbitrary, (g) => {
    const env = load(g);
    if (Array.isArray(env)) {
      refused++;
      for (const p of env) expect(p).toMatch(NAMES_FILE_AND_KEY);
      return;
    }
    expect(checkInvariants(env)).toEqual([]);
  }), { seed: SEED, numRuns: RUNS, endOnFailure: true });
  process.stdout.write(`invariants: ${RUNS} configurations, ${refused} refused by the config rules, ${RUNS - refused} synthesized with every invariant holding\n`);
  expect(refused).toBeLessThan(RUNS / 2);
}, 600_000);
