/**
 * The rule the rotation chaos test judges a primary hand-over by (test/chaos/handover-failures.ts), on the failed
 * writes of real runs: the run that turned CI red at 00094b1 (a second failed write on a new connection, opened
 * as HAProxy took the stopped pod out) is within it; what the hand-over must never cost is not.
 */
import { type FailedWrite, handoverFailureProblems } from './chaos/handover-failures';

const BOUND = 700 + 1000; // HAProxy's detection of a stop with the defaults (inter 500 ms, fall 3, fastinter 100 ms), plus timer slack
const closed = (key: string, mode: FailedWrite['mode'], t0: number): FailedWrite => ({ key, mode, t0, error: 'connection closed' });
// The same failure reproduced here under load before the fix (valkey, ms after the rotation began): the three
// writes paused on the old primary, its stop at about 19330 ms (the paused writes failed at 19339 ms), then a new
// connection HAProxy handed the stopped pod (its log: flag "D", one redispatch).
const inFlight = [closed('plain:3556', 'plain', 17628), closed('wait:3557', 'wait', 17628), closed('fresh:3558', 'fresh', 17628)];
const STOP = 19330;

test('regression (CI red at 00094b1, reproduced): a new connection refused in the moment HAProxy takes the stopped pod out is a cost the hand-over may have', () => {
  expect(handoverFailureProblems([...inFlight, closed('fresh:3567', 'fresh', 19446)], STOP, BOUND)).toEqual([]);
  expect(handoverFailureProblems(inFlight, STOP, BOUND)).toEqual([]);
});

test('a write that fails after HAProxy must have taken the stopped pod out breaks the rule', () => {
  expect(handoverFailureProblems([...inFlight, closed('fresh:3600', 'fresh', STOP + 2500)], STOP, BOUND)).toEqual(['fresh:3600: started 2500 ms after the stop (HAProxy has it down within 1700 ms)']);
});

test('two writes of one writer in flight at the stop break the rule', () => {
  expect(handoverFailureProblems([...inFlight, closed('wait:3550', 'wait', 17000)], STOP, BOUND)).toEqual(['wait: 2 writes in flight at the stop failed (at most one per writer)']);
});

test('READONLY, WRONGPASS or NOREPLICAS break the rule at any time', () => {
  const readonly = { ...closed('fresh:3570', 'fresh', STOP + 100), error: 'READONLY You can\'t write against a read only replica.' };
  expect(handoverFailureProblems([readonly], STOP, BOUND)).toEqual([`fresh:3570: ${readonly.error} (only a closed connection may fail)`]);
  expect(handoverFailureProblems([{ ...readonly, error: 'WRONGPASS invalid username-password pair' }], STOP, BOUND)).toHaveLength(1);
});
