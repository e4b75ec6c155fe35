/**
 * RedisTlsCertificateNotLoaded judged by promtool (test/promtool/cache-tls-cases.ts): with `redis.tls` it fires when
 * the containers that serve the cache's certificate started before cert-manager issued the current one, stays
 * silent once they restarted after it; with TLS off the rule does not exist and the same series raise nothing.
 * The environments are built here (TLS is off in every config/ and in the fixtures test/monitoring-promtool runs).
 */
import * as fs from 'fs';
import * as path from 'path';
import { stringify } from 'yaml';
import { allSynthesizedAlerts, prometheusRule, promtool, tempDir } from './monitoring-helpers';
import { promtoolTestFile } from './promtool/cases';
import { cacheTlsAlertCases } from './promtool/cache-tls-cases';
import { cacheEnv } from './fixtures/cache';
import { CACHE_TLS_ALERT } from '../lib/monitoring/alerts/cache-tls';
import type { CacheEngine } from '../lib/redis/schema';
import type { Environment } from '../lib/config';

const TLS = { url: 'rediss://redis:6379/0', tls: { enabled: true } };

/** Writes the groups of the environment's `pensioen-alerts` (all, or `only` one; without annotations) and the cases; runs promtool. */
function runCases(env: Environment, cases: ReturnType<typeof cacheTlsAlertCases>, only?: string) {
  const dir = tempDir('promtool-cache-tls-');
  try {
    const groups = prometheusRule(env).spec.groups.filter((g: any) => !only || g.name === only).map((g: any) => ({ ...g, rules: g.rules.map(({ annotations: _a, ...r }: any) => r) }));
    fs.writeFileSync(path.join(dir, 'rules.yaml'), stringify({ groups }, { lineWidth: 0 }));
    fs.writeFileSync(path.join(dir, 'tests.yaml'), stringify(promtoolTestFile('rules.yaml', cases), { lineWidth: 0 }));
    fs.writeFileSync(path.join(dir, 'annotated.yaml'), stringify({ groups: prometheusRule(env).spec.groups }, { lineWidth: 0 }));
    return { check: promtool(['check', 'rules', 'annotated.yaml'], dir), test: promtool(['test', 'rules', 'tests.yaml'], dir) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe.each(['redis', 'valkey'] as CacheEngine[])('redis.tls on, engine %s', (engine) => {
  const env = cacheEnv({ engine, ...TLS });
  const cases = cacheTlsAlertCases(env);

  test('promtool: fires when the serving containers are older than the renewed certificate, silent once they restarted after it', () => {
    expect(cases.some((c) => c.checks.some((k) => k.exp_alerts.length > 0))).toBe(true);
    expect(cases.some((c) => c.checks.every((k) => k.exp_alerts.length === 0))).toBe(true);
    const r = runCases(env, cases, 'pensioen-cache-tls');
    expect(r.check.output).toMatch(/SUCCESS: \d+ rules found/);
    if (r.test.status !== 0) throw new Error(r.test.output);
    expect(r.test.output).toContain('SUCCESS');
  });

  test('the alert carries a runbook, and MetricSeriesMissing watches both series it reads', () => {
    const rule = allSynthesizedAlerts(env).find((a) => a.alert === CACHE_TLS_ALERT)!;
    expect(rule.annotations.runbook_url).toMatch(new RegExp(`/${CACHE_TLS_ALERT}\\.md$`));
    expect(fs.existsSync(path.join(__dirname, '..', 'runbooks', `${CACHE_TLS_ALERT}.md`))).toBe(true);
    const watched = allSynthesizedAlerts(env).filter((a) => a.alert === 'MetricSeriesMissing').map((a) => a.labels.metric);
    expect(watched).toEqual(expect.arrayContaining(['kube_pod_container_state_started', 'certmanager_certificate_not_before_timestamp_seconds']));
  });
});

test('redis.tls off: no such rule, and the series that make it fire with TLS raise nothing (promtool, every group)', () => {
  const on = cacheEnv({ engine: 'redis', ...TLS });
  const off = cacheEnv({ engine: 'redis' });
  expect(allSynthesizedAlerts(off).map((a) => a.alert)).not.toContain(CACHE_TLS_ALERT);
  expect(allSynthesizedAlerts(off).filter((a) => a.alert === 'MetricSeriesMissing').map((a) => a.labels.metric))
    .not.toContain('certmanager_certificate_not_before_timestamp_seconds');
  const firing = cacheTlsAlertCases(on).filter((c) => c.checks.some((k) => k.exp_alerts.length > 0));
  const silenced = firing.map((c) => ({ ...c, name: `TLS off: ${c.name}`, checks: c.checks.map((k) => ({ ...k, exp_alerts: [] })) }));
  const r = runCases(off, silenced);
  if (r.test.status !== 0) throw new Error(r.test.output);
  expect(r.test.output).toContain('SUCCESS');
});
