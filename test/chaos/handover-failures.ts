/**
 * What a planned primary hand-over may cost the writers through HAProxy (the rolling restart of every Redis
 * pod, and so the password rotation), as a rule on the failed writes of the hand-over's phase. Only closed
 * connections, never a wrong password, READONLY or NOREPLICAS:
 * - a write in flight on a connection to the old primary while it hands over (writes paused) fails when the
 *   pod stops: at most one per writer;
 * - a connection HAProxy hands the old pod in the moment it takes it out: the connect is refused as the pod
 *   has stopped, and once HAProxy has marked it down no other server is left to redispatch to at once, so it
 *   waits its turn-around (min(timeout connect, 1 s)) and is closed with the pod's sessions (log flag "D").
 *   Such a write starts before HAProxy can have marked the stopped pod down: within `boundMs` of the stop.
 */
export interface FailedWrite { readonly key: string; readonly mode: 'wait' | 'fresh' | 'plain'; readonly t0: number; readonly error?: string }

/** The failed writes that break the rule (empty when the hand-over cost only what it may), one line each. */
export function handoverFailureProblems(failed: readonly FailedWrite[], stoppedAt: number, boundMs: number): string[] {
  const problems: string[] = [];
  for (const f of failed) {
    if (!/^(connection closed|read ECONNRESET)$/.test(f.error ?? '')) problems.push(`${f.key}: ${f.error} (only a closed connection may fail)`);
    else if (f.t0 >= stoppedAt && f.t0 - stoppedAt > boundMs) problems.push(`${f.key}: started ${f.t0 - stoppedAt} ms after the stop (HAProxy has it down within ${boundMs} ms)`);
  }
  for (const mode of ['wait', 'fresh', 'plain'] as const) {
    const inFlight = failed.filter((f) => f.mode === mode && f.t0 < stoppedAt);
    if (inFlight.length > 1) problems.push(`${mode}: ${inFlight.length} writes in flight at the stop failed (at most one per writer)`);
  }
  return problems;
}
