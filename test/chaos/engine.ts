/**
 * Which in-cluster engine a chaos suite runs against: Redis (the default) or Valkey. A `valkey-*.test.ts` file
 * calls `useEngine('valkey')` and then requires the shared scenarios; Jest gives every test file its own
 * module registry, so each file has its own engine. The generated objects are the production fixture's, with `redis.engine`
 * set: the same settings, the engine's names, binaries and image.
 */
import type { Environment } from '../../lib/config';
import { engineNames } from '../../lib/redis/topology';
import type { CacheEngine } from '../../lib/redis/schema';
import { environment, objectsOf } from '../helpers';

let engine: CacheEngine = 'redis';
let part: 1 | 2 | undefined;

export function useEngine(e: CacheEngine): void { engine = e; }

/**
 * A fault table too long for one test file (Jest runs a file's tests one after another) is split in two parts,
 * each required by its own test file after `useScenarioPart(n)`; without a part every scenario runs.
 */
export function useScenarioPart(p: 1 | 2): void { part = p; }
/** `test` for a scenario of part `p` when this file runs that part (or all), otherwise registers nothing. */
export function scenariosOfPart(p: 1 | 2): (title: string, fn: () => Promise<void>, timeout?: number) => void {
  return part === undefined || part === p ? test : () => undefined;
}
export function chaosEngine(): CacheEngine { return engine; }
export const names = () => engineNames(engine);

/**
 * Production's environment with this engine (production's config leaves `redis.image` to the engine's default);
 * with `tls` also `redis.tls` on (and REDIS_URL rediss://), as the config rules require them together.
 */
export function chaosEnvironment(tls = false): Environment {
  const production = environment('production');
  const redis = { ...production.config.redis, engine, ...(tls ? { tls: { ...production.config.redis.tls, enabled: true }, url: production.config.redis.url.replace(/^redis:/, 'rediss:') } : {}) };
  return { ...production, config: { ...production.config, redis } };
}

export function chaosObjects(tls = false): ReturnType<typeof objectsOf> {
  return engine === 'redis' && !tls ? objectsOf('production') : objectsOf(chaosEnvironment(tls));
}

/** `redis-0.redis-headless.<ns>.svc.cluster.local:6379` (or valkey-...) of the generated files, for mapping to loopback. */
export const podHostPattern = () => new RegExp(`\\b${names().statefulset}-(\\d+)\\.${names().headless}\\.[a-z0-9.-]+\\.svc\\.cluster\\.local:(\\d+)`, 'g');
