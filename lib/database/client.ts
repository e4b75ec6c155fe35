/** How a pod of this environment reaches PostgreSQL, as its NetworkPolicy allows it. */
import type { Environment } from '../config';
import type { k8s } from '../k8s';
import { tcp } from '../k8s/network';
import { POOLER_PORT, clusterNames, cnpgOf, poolerSelector } from './names';
import { type DatabaseRole, databaseCaVolume, databaseEnv } from './connection';

/**
 * The egress rule to PostgreSQL: the managed database's CIDRs (`network.databaseCidrs`, `network.databasePort`),
 * or with CloudNativePG only the PgBouncer pods in front of the Clusters (charts/database.ts admits the clients).
 */
export function databaseEgressOf(env: Environment): k8s.NetworkPolicyEgressRule {
  const cnpg = cnpgOf(env);
  const n = env.config.network;
  return cnpg
    ? { to: [{ podSelector: poolerSelector(clusterNames(cnpg)) }], ports: [tcp(POOLER_PORT)] }
    : { to: n.databaseCidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: [tcp(n.databasePort)] };
}

/** How a pod reaches PostgreSQL as one role: its environment (DATABASE_URL), the CA it verifies with, its egress rule. */
export interface DatabaseClient {
  readonly env: k8s.EnvVar[];
  readonly ca?: { readonly volume: k8s.Volume; readonly mount: k8s.VolumeMount };
  readonly egress: k8s.NetworkPolicyEgressRule;
}

export function databaseClientOf(env: Environment, role: DatabaseRole): DatabaseClient {
  const ca = databaseCaVolume(env);
  return { env: databaseEnv(env, role), ...(ca ? { ca } : {}), egress: databaseEgressOf(env) };
}
