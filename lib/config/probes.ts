/**
 * Probe settings of the serving containers (`backend.*Probe`, `frontend.*Probe`): the timing every probe shares,
 * a liveness check that never depends on the database or the cache, and a startup probe for a slow start.
 * The charts choose the checks themselves.
 */
import { z } from 'zod';

/** Timing of a probe (the check itself is chosen by the chart). */
export const probeTiming = (initialDelaySeconds: number, periodSeconds: number, failureThreshold = 3) => ({
  initialDelaySeconds: z.number().int().min(0).default(initialDelaySeconds).describe('Seconds before the first probe'),
  periodSeconds: z.number().int().min(1).default(periodSeconds).describe('Seconds between probes'),
  timeoutSeconds: z.number().int().min(1).default(3).describe('Seconds before a probe times out'),
  failureThreshold: z.number().int().min(1).default(failureThreshold).describe('Failed probes before the container counts as failed'),
});

/**
 * Liveness: restarts the container when it fails, so it must never depend on the database or Redis (a
 * 60-120 s managed-database failover would otherwise restart every pod at once). Without `path` it is a TCP
 * check of the container port; with `path` an HTTP GET of a dependency-free endpoint.
 */
export const livenessSchema = (initialDelaySeconds: number, periodSeconds: number) => z.strictObject({
  ...probeTiming(initialDelaySeconds, periodSeconds),
  path: z.string().regex(/^\//, { message: 'must be an HTTP path such as /livez' }).optional()
    .describe('HTTP path of a dependency-free liveness endpoint; left out: a TCP check of the port (never the readiness path, which checks dependencies)'),
}).prefault({});

/** Startup probe: the liveness check, allowed `failureThreshold x periodSeconds` seconds for a slow start. */
export const startupSchema = (failureThreshold: number) => z.strictObject({
  periodSeconds: z.number().int().min(1).default(5).describe('Seconds between startup probes'),
  timeoutSeconds: z.number().int().min(1).default(3).describe('Seconds before a startup probe times out'),
  failureThreshold: z.number().int().min(1).default(failureThreshold)
    .describe('Failed startup probes before the container is restarted: the start may take failureThreshold x periodSeconds'),
}).prefault({}).describe('Startup probe (the liveness check): liveness and readiness start only after it passed once');
