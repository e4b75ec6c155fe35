/**
 * ACL users of the in-cluster cache (Redis or Valkey, the same ACL syntax): one user per client, each with its
 * own password (a key of the Secret `secrets.redis`) and only the commands, keys and channels it needs; the
 * `default` user is off, so a connection that does not authenticate as one of them can run nothing.
 *
 * The templates below (`acl.conf` for the servers, `sentinel-acl.conf` for the Sentinels) hold the rules and no
 * password: the start-up scripts append each user's password(s) from the environment (`acl_lines` in common.sh).
 * Rules name commands by their original names: Redis checks a renamed command (CONFIG) against the ACL rules of
 * its original name, and refuses a rule that names the new one.
 */
import type { Environment } from '../config';
import { HANDOVER_KEY } from './files';
import { ADMIN_USER, BACKEND_USER, PASSWORD_VAR_PREFIX, PREVIOUS_PASSWORD_VAR_PREFIX } from './topology';

/** The ACL users, in the order the templates list them. */
export const CACHE_USERS = ['admin', 'backend', 'replication', 'sentinel', 'haproxy', 'exporter'] as const;
export type CacheUser = typeof CACHE_USERS[number];

export { ADMIN_USER, BACKEND_USER };

/** What each user is for (docs/cache.md's table). */
export const USER_PURPOSE: Record<CacheUser, string> = {
  admin: 'the pods\' own probes, start-up and preStop scripts (hand-over), the rotation commands, an operator\'s `kubectl exec`',
  backend: 'the application (REDIS_URL, REDIS_PASSWORD), and Sentinel-aware clients asking the Sentinels for the primary',
  replication: 'replicas syncing from the primary (`masteruser`/`masterauth`)',
  sentinel: 'the Sentinels monitoring and reconfiguring the servers (`sentinel auth-user`) and talking to each other (`sentinel sentinel-user`)',
  haproxy: 'HAProxy\'s health check (`AUTH haproxy ...`, `INFO replication`)',
  exporter: 'redis_exporter (REDIS_USER, REDIS_PASSWORD)',
};

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

/** The ACL rules of each user on the servers (no password). */
export function serverRules(env: Environment): Record<CacheUser, string> {
  const acl = env.config.redis.acl;
  return {
    admin: '~* &* +@all',
    backend: `resetkeys ${acl.backendKeys.map((k) => `~${k}`).join(' ')} resetchannels -@all ${acl.backendCommands}`,
    // Redis docs, "ACL rules for Sentinel and Replicas".
    replication: 'resetchannels -@all +psync +replconf +ping',
    sentinel: 'resetchannels &__sentinel__:hello -@all +multi +exec +slaveof +replicaof +ping +subscribe +publish +config|rewrite +role +info +client|setname +client|kill +script|kill',
    haproxy: 'resetchannels -@all +auth +ping +info +quit',
    // redis_exporter's README (its ACL for a dedicated user), keys narrowed to the one key it reads
    // (REDIS_EXPORTER_CHECK_SINGLE_KEYS: the hand-over marker), read-only; without EVAL and SCAN (no Lua
    // script or key-pattern metrics are configured) and with only the CLIENT subcommands that read.
    exporter: `%R~${HANDOVER_KEY} resetchannels -@all +ping +info +config|get +cluster|info +slowlog +latency +memory +select +dbsize +type +get +strlen +client|setname +client|getname +client|id +client|info +client|list`,
  };
}

/** The ACL rules of each user a Sentinel knows. */
export function sentinelRules(): Partial<Record<CacheUser, string>> {
  return {
    admin: '~* &* +@all',
    // What a Sentinel-aware client asks (redis-py's Sentinel: SENTINEL MASTERS/MASTER/SLAVES/SENTINELS, get-master-addr-by-name).
    backend: 'resetchannels -@all +ping +client|setname +sentinel|get-master-addr-by-name +sentinel|master +sentinel|masters +sentinel|replicas +sentinel|slaves +sentinel|sentinels',
    // What one Sentinel sends another: PING, its hello (PUBLISH), the vote (SENTINEL IS-MASTER-DOWN-BY-ADDR).
    sentinel: 'resetchannels &__sentinel__:hello -@all +ping +publish +client|setname +sentinel|is-master-down-by-addr',
  };
}

const HEADER = '# Generated by pensioen-k8s (lib/redis/acl.ts); the start-up scripts append each user\'s password(s) from the Secret.';
const DEFAULT_OFF = 'user default off resetpass resetkeys resetchannels -@all';

/** acl.conf: the servers' users, one `user` line each, `default` off. */
export function aclConf(env: Environment): string {
  const rules = serverRules(env);
  return [HEADER, DEFAULT_OFF, ...CACHE_USERS.map((u) => `user ${u} on ${rules[u]}`), ''].join('\n');
}

/** sentinel-acl.conf: the Sentinels' users (only used with `redis.sentinel.requirePassword`). */
export function sentinelAclConf(): string {
  const rules = sentinelRules();
  return [HEADER, DEFAULT_OFF, ...SENTINEL_USERS.map((u) => `user ${u} on ${rules[u]}`), ''].join('\n');
}
