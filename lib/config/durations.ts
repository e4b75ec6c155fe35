/**
 * Durations the consumers read with fixed-size integers: HAProxy timers (32-bit milliseconds, `redis.haproxy`,
 * `redis.sentinel`) and Prometheus durations (2^63-1 nanoseconds, anywhere in `monitoring`).
 */
import type { z } from 'zod';
import { stringsOf } from './string-values';
import { issue } from './types';

/** Largest duration Prometheus accepts: 2^63-1 ns, i.e. 9223372036854 ms (promtool: "duration out of range" above). */
const PROMETHEUS_MAX_MS = 9223372036854n;
const UNIT_MS: Record<string, bigint> = { y: 31536000000n, w: 604800000n, d: 86400000n, h: 3600000n, m: 60000n, s: 1000n, ms: 1n };

/** Milliseconds of a Prometheus duration (30s, 1h30m), as a bigint; undefined when it is not one. */
export function prometheusMs(v: string): bigint | undefined {
  const re = /(\d+)(ms|y|w|d|h|m|s)/gy;
  let total = 0n;
  let m: RegExpExecArray | null;
  let at = 0;
  while ((m = re.exec(v))) {
    total += BigInt(m[1]) * UNIT_MS[m[2]];
    at = re.lastIndex;
  }
  return at === v.length && v.length > 0 ? total : undefined;
}

/** A Prometheus duration promtool accepts (at most 2^63-1 ns). */
export function prometheusDurationInRange(v: string): boolean {
  const ms = prometheusMs(v);
  return ms === undefined || ms <= PROMETHEUS_MAX_MS;
}

/** HAProxy timers are 32-bit milliseconds: `haproxy -c` calls a value above 2147483647 ms a timer overflow. */
export const HAPROXY_MAX_MS = 2147483647;

/** The duration rules, run on the whole configuration. */
export function refineDurations(c: any, ctx: z.RefinementCtx): void {
  const inter = c.redis?.haproxy?.checkIntervalMilliseconds;
  if (typeof inter === 'number' && inter > HAPROXY_MAX_MS) {
    issue(ctx, ['redis', 'haproxy', 'checkIntervalMilliseconds'], `must be at most ${HAPROXY_MAX_MS} (HAProxy timers are 32-bit milliseconds; haproxy -c calls more a timer overflow), got ${inter}`);
  }
  for (const k of ['downAfterMilliseconds', 'failoverTimeout'] as const) {
    const v = c.redis?.sentinel?.[k];
    if (typeof v === 'number' && v > HAPROXY_MAX_MS) issue(ctx, ['redis', 'sentinel', k], `must be at most ${HAPROXY_MAX_MS} milliseconds (about 24.8 days), got ${v}`);
  }
  // Prometheus durations anywhere in monitoring (scrapeInterval, alert `for:` windows).
  for (const [p, s] of stringsOf(c.monitoring, ['monitoring'])) {
    if (typeof p[p.length - 1] === 'string' && s !== p[p.length - 1] && prometheusMs(s) !== undefined && !prometheusDurationInRange(s)) {
      issue(ctx, p, `${s} is out of range for Prometheus (allowed at most 292y, 2^63-1 nanoseconds; promtool says "duration out of range")`);
    }
  }
}
