/** zod types of Prometheus and Alertmanager values, shared by the monitoring schema sections. */
import { z } from 'zod';

/** A Prometheus duration such as 30s, 5m, 1h or 1h30m. */
export const DURATION = /^((\d+)y)?((\d+)w)?((\d+)d)?((\d+)h)?((\d+)m)?((\d+)s)?((\d+)ms)?$/;
export const duration = () =>
  z.string().regex(DURATION, { message: 'must be a Prometheus duration such as 30s, 5m or 1h' })
    // Any zero (0s, 0m, 0h): Alertmanager refuses a zero group_interval or repeat_interval ("cannot be zero").
    .refine((v) => v.length > 0 && durationSeconds(v) > 0, { message: 'must be a positive Prometheus duration such as 30s, 5m or 1h (zero is refused)' });
export const labelName = () => z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, { message: 'must be a Prometheus label name (letters, digits and "_")' });

/** Seconds in a Prometheus duration such as 30s, 1m, 1h30m or 30d. */
export function durationSeconds(d: string): number {
  const unit: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 };
  let total = 0;
  for (const [, n, u] of d.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)) total += Number(n) * unit[u];
  return total;
}
