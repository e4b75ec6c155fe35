/**
 * The ACL users of the in-cluster cache, their Secret keys and the environment variables that carry their passwords
 * into the pods (their rules: lib/redis/acl.ts). No imports: the config schema, the scripts and the chart all use it.
 */

/** The ACL users, in the order the templates list them. */
export const CACHE_USERS = ['admin', 'backend', 'replication', 'sentinel', 'haproxy', 'exporter'] as const;
export type CacheUser = typeof CACHE_USERS[number];

/**
 * The user of the pods' own tools (probes, start-up and preStop scripts, the rotation commands, an operator's
 * `kubectl exec`).
 */
export const ADMIN_USER = 'admin';
/** The ACL user of the backend (REDIS_URL, REDIS_PASSWORD) and of Sentinel-aware clients. */
export const BACKEND_USER = 'backend';

/** Where a container's environment carries a user's password: REDIS_ACL_PASSWORD_<USER> (upper case). */
export const PASSWORD_VAR_PREFIX = 'REDIS_ACL_PASSWORD_';
export const PREVIOUS_PASSWORD_VAR_PREFIX = 'REDIS_ACL_PREVIOUS_PASSWORD_';

/** Environment variables that carry a user's password (and, during a rotation, its previous one) into the pods. */
export const passwordVar = (u: CacheUser) => `${PASSWORD_VAR_PREFIX}${u.toUpperCase()}`;
export const previousPasswordVar = (u: CacheUser) => `${PREVIOUS_PASSWORD_VAR_PREFIX}${u.toUpperCase()}`;

/** The config a user's Secret keys depend on (`env.config`). */
interface SecretKeysConfig { secrets: { redis: { key: string } }; redis: { previousPasswordKey: string } }

/** The key of the Secret `secrets.redis` that holds a user's password: the backend's is `secrets.redis.key`. */
export function userSecretKey(c: SecretKeysConfig, u: CacheUser): string {
  return u === BACKEND_USER ? c.secrets.redis.key : `${u}-password`;
}

/** The optional key that holds a user's previous password during a rotation: the backend's is `redis.previousPasswordKey`. */
export function userPreviousKey(c: SecretKeysConfig, u: CacheUser): string {
  return u === BACKEND_USER ? c.redis.previousPasswordKey : `previous-${u}-password`;
}

/** The users Sentinel itself knows (with `redis.sentinel.requirePassword`): none of the others ever talks to a Sentinel. */
export const SENTINEL_USERS: CacheUser[] = ['admin', 'backend', 'sentinel'];
