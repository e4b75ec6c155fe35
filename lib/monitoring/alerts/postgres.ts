/**
 * Group `pensioen-postgres`: a managed PostgreSQL watched by postgres_exporter. (With CloudNativePG the database
 * group is lib/monitoring/cnpg-rules.ts, with the same alert names.)
 */
import type { Environment } from '../../config';
import type { AlertRule } from '../rule-types';
import { pct, promql, sel } from './common';

export function postgresAlerts(env: Environment): AlertRule[] {
  const c = env.config;
  const m = c.monitoring;
  const t = m.thresholds;
  const postgres = sel(m.jobs.postgres, c.namespace);
  const postgresRules: AlertRule[] = [
    {
      alert: 'DatabaseDown',
      // up == 0: postgres_exporter cannot be scraped; pg_up == 0: it runs but cannot reach PostgreSQL.
      expr: promql`
        min by (namespace, job) (up{${postgres}}) == 0
        or
        min by (namespace, job) (pg_up{${postgres}}) == 0`,
      for: '1m',
      severity: 'critical',
      summary: 'PostgreSQL is unreachable (or its exporter is down)',
      description: 'Job {{ $labels.job }} in namespace {{ $labels.namespace }}: postgres_exporter is down or cannot connect to the managed PostgreSQL (up or pg_up is 0 for 1 minute).',
    },
    {
      alert: 'PostgresConnectionsNearLimit',
      expr: promql`
        sum by (namespace, job) (pg_stat_activity_count{${postgres}})
        /
        max by (namespace, job) (pg_settings_max_connections{${postgres}} > 0)
        > ${t.postgresConnectionsRatio}`,
      for: '5m',
      severity: 'warning',
      summary: `PostgreSQL connections above ${pct(t.postgresConnectionsRatio)} of max_connections`,
      description: `{{ $value | humanizePercentage }} of PostgreSQL's max_connections are in use (threshold ${pct(t.postgresConnectionsRatio)}); new connections will soon be refused. The backend's pool allows ${c.backend.databasePool.size + c.backend.databasePool.maxOverflow} connections per pod.`,
    },
  ];

  return postgresRules;
}
