/**
 * The alert groups of the PrometheusRule `pensioen-alerts`, one file each in lib/monitoring/alerts/: `alertGroups`
 * puts them in one fixed order (the PrometheusRule's order), leaves out what an environment does not run, and
 * keeps MetricSeriesMissing last (it is derived from the others).
 */
import { alertGroups } from '../lib/monitoring/rules';
import { CNPG_RULE_GROUP } from '../lib/monitoring/cnpg-rules';
import { MANAGED_CACHE_ALERTS } from '../lib/monitoring/alerts/redis';
import { environment } from './helpers';
import { cacheEnv, MANAGED } from './fixtures/cache';

const ORDER = ['pensioen-backend', 'pensioen-kubernetes', CNPG_RULE_GROUP, 'pensioen-postgres', 'pensioen-redis', 'pensioen-cache-tls', 'pensioen-certificates', 'pensioen-edge', 'pensioen-scrape-targets', 'pensioen-series-missing'];
const names = (env: Parameters<typeof alertGroups>[0]) => alertGroups(env).map((g) => g.name);

test('production: the groups in the fixed order, series-missing last', () => {
  const got = names(environment('production'));
  expect(got).toEqual(ORDER.filter((n) => got.includes(n)));
  expect(got.slice(0, 2)).toEqual(['pensioen-backend', 'pensioen-kubernetes']);
  expect(got).toContain('pensioen-redis');
  expect(got[got.length - 1]).toBe('pensioen-series-missing');
});

test('a managed cache watched by an exporter keeps only the cache alerts that make sense there, in their order', () => {
  const groups = alertGroups(cacheEnv({ mode: 'managed', managed: MANAGED }));
  const redis = groups.find((g) => g.name === 'pensioen-redis')!;
  expect(redis.rules.map((r) => r.alert)).toEqual(expect.arrayContaining(['RedisDown', 'RedisRejectedConnections']));
  expect(redis.rules.every((r) => MANAGED_CACHE_ALERTS.includes(r.alert))).toBe(true);
  const inCluster = alertGroups(cacheEnv({ engine: 'redis' })).find((g) => g.name === 'pensioen-redis')!;
  expect(inCluster.rules.map((r) => r.alert)).toEqual(expect.arrayContaining(['RedisNoPrimary', 'RedisMultiplePrimaries', 'RedisFailoverHappened']));
  // the managed subset keeps the in-cluster order
  const order = inCluster.rules.map((r) => r.alert);
  const sub = redis.rules.map((r) => r.alert);
  expect(sub).toEqual(order.filter((a) => sub.includes(a)));
});

test('managed cache with the cloud\'s metrics: no cache group at all', () => {
  expect(names(cacheEnv({ mode: 'managed', managed: { ...MANAGED, metrics: 'cloud' } }))).not.toContain('pensioen-redis');
});

test('the cache TLS group only with redis.tls on (in-cluster), after the cache group', () => {
  expect(names(cacheEnv({ engine: 'redis' }))).not.toContain('pensioen-cache-tls');
  const on = names(cacheEnv({ engine: 'valkey', url: 'rediss://redis:6379/0', tls: { enabled: true } }));
  expect(on).toEqual(ORDER.filter((n) => on.includes(n)));
  expect(on).toContain('pensioen-cache-tls');
});
