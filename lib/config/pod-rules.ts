/**
 * Values the pods would break on: a preStop sleep that eats the whole grace period, a health path kubelet
 * cannot send, a writable folder listed twice (two volumes of one name).
 */
import * as path from 'path';
import type { z } from 'zod';
import { issue } from './types';

/** An HTTP path as kubelet's httpGet probe sends it (RFC 3986 path characters, optional query). */
export const HTTP_PATH = /^\/[A-Za-z0-9\-._~!$&'()*+,;=:@%/]*(\?[A-Za-z0-9\-._~!$&'()*+,;=:@%/?]*)?$/;

/** The pod rules, run on the whole configuration. */
export function refinePods(c: any, ctx: z.RefinementCtx): void {
  // Shutdown: the preStop sleep counts against the grace period; the kubelet kills the container when it runs out.
  const pod = c.pod;
  if (pod && typeof pod.preStopSleepSeconds === 'number' && pod.preStopSleepSeconds >= pod.terminationGracePeriodSeconds) {
    issue(ctx, ['pod', 'preStopSleepSeconds'], `must be less than pod.terminationGracePeriodSeconds (${pod.terminationGracePeriodSeconds}), got ${pod.preStopSleepSeconds}: the preStop sleep is part of the grace period, so the app would be killed before it can shut down`);
  }
  for (const part of ['backend', 'frontend'] as const) {
    const hp = c[part]?.healthPath;
    if (typeof hp === 'string' && !HTTP_PATH.test(hp)) {
      issue(ctx, [part, 'healthPath'], `must be an HTTP path such as /health (RFC 3986 path characters: letters, digits and -._~!$&'()*+,;=:@%/), got ${JSON.stringify(hp)}`);
    }
  }
  const paths: unknown = c.frontend?.writablePaths;
  if (Array.isArray(paths)) {
    const norm = paths.map((p) => (typeof p === 'string' ? path.posix.normalize(p).replace(/(.)\/$/, '$1') : p));
    norm.forEach((p, i) => {
      if (norm.indexOf(p) !== i) issue(ctx, ['frontend', 'writablePaths', i], `"${paths[i]}" is the same folder as "${paths[norm.indexOf(p)]}" (each path gets its own volume; list it once)`);
    });
  }
}
