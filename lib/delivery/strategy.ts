/**
 * Which workloads `delivery` releases as a canary: the one answer the Rollout, the analyses, the routes and the
 * dashboard all ask for (no imports, so any delivery or monitoring module can use it without a cycle).
 */
import type { Environment } from '../config';

export type CanaryWorkload = 'backend' | 'frontend';

/** Whether this workload is released as a canary in this environment (the frontend only with `delivery.canary.frontend`). */
export function isCanary(env: Environment, workload: CanaryWorkload): boolean {
  const d = env.config.delivery;
  return d.strategy === 'canary' && (workload === 'backend' || d.canary.frontend);
}
