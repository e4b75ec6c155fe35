/**
 * The database connection budget: every backend pod at the maximum (the HPA's maxReplicas plus what a rollout or
 * a canary adds) with a full pool must fit in the PostgreSQL server's max_connections minus what is kept free
 * for everything else (docs/real-cluster.md, docs/database.md).
 */
import { z } from 'zod';

/** `database`: the PostgreSQL server's connection limit, for the connection budget rule. */
export const databaseLimitsShape = {
  maxConnections: z.number().int().min(1).optional()
    .describe('max_connections of the PostgreSQL server the backend uses; when set, the config is refused if every backend pod at its maximum (HPA maxReplicas plus rollout surge; with delivery.strategy canary twice maxReplicas) could open more than maxConnections - reservedConnections'),
  reservedConnections: z.number().int().min(0).default(10)
    .describe('Connections kept free for everything that is not a backend pod: superuser_reserved_connections, postgres_exporter, the migration Job, an operator\'s psql'),
};

/**
 * Pods that may run at once at the maximum: the HPA's maxReplicas (or replicas) plus the rollout's surge (25%,
 * rounded up), or with `delivery.strategy: canary` a full canary set beside the stable one.
 */
export function maxBackendPods(c: { backend: { replicas: number; autoscaling: { enabled: boolean; maxReplicas: number } }; delivery?: { strategy: string } }): { pods: number; max: number; surge: number; surgeText: string } {
  const max = c.backend.autoscaling.enabled ? c.backend.autoscaling.maxReplicas : c.backend.replicas;
  // A canary at 100% runs a full canary ReplicaSet beside the full stable one (an abort is instant because the
  // stable pods never left); a rolling update surges 25%.
  if (c.delivery?.strategy === 'canary') return { pods: 2 * max, max, surge: max, surgeText: `${max} canary pods at 100%` };
  const surge = Math.ceil(max * 0.25);
  return { pods: max + surge, max, surge, surgeText: `${surge} rollout surge` };
}

/** The connection budget, run on the whole configuration (only when `database.maxConnections` is set). */
export function refineConnectionBudget(c: any, ctx: z.RefinementCtx): void {
  const db = c.database;
  if (db?.maxConnections === undefined) return;
  const { pods, max, surgeText } = maxBackendPods(c);
  const perPod = c.backend.databasePool.size + c.backend.databasePool.maxOverflow;
  const need = pods * perPod;
  const available = db.maxConnections - db.reservedConnections;
  if (need <= available) return;
  const what = c.backend.autoscaling.enabled ? `backend.autoscaling.maxReplicas ${max}` : `backend.replicas ${max}`;
  ctx.addIssue({
    code: 'custom', path: ['backend', 'databasePool'],
    message: `the backend may open ${need} connections (${what} + ${surgeText} = ${pods} pods x (size ${c.backend.databasePool.size} + maxOverflow ${c.backend.databasePool.maxOverflow})) but database.maxConnections ${db.maxConnections} - reservedConnections ${db.reservedConnections} leaves ${available} (allowed: lower the pool, maxOverflow or maxReplicas, or raise database.maxConnections)`,
  });
}
