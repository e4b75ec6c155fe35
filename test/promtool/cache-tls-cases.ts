/**
 * Cases of RedisTlsCertificateNotLoaded (only with `redis.tls`): cert-manager renews the cache's server certificate
 * at minute 10 (its notBefore jumps from before the pods' start to after it); the containers that serve it
 * (redis, sentinel, haproxy) either keep running (it fires after its hour) or are rolled (silent).
 */
import type { Environment } from '../../lib/config';
import { cacheNames } from '../../lib/redis/topology';
import { serverCertificateName } from '../../lib/redis/tls';
import { CACHE_TLS_ALERT } from '../../lib/monitoring/alerts/cache-tls';
import type { AlertCase, Series } from './types';

const MINUTES = 100;
/** The pods start at second 100; the first certificate was issued at 50, the renewed one at minute 10. */
const STARTED = 100;
const FIRST_ISSUE = 50;
const RENEWED_AT_MINUTE = 10;
const HAPROXY_POD = 'redis-haproxy-7c9d8f6b5-x2k4p';
const HAPROXY_POD_NEW = 'redis-haproxy-5b8f7d9c4-q7w2z';

const lbl = (o: Record<string, string>) => Object.entries(o).filter(([, v]) => v !== '').map(([k, v]) => `${k}="${v}"`).join(',');
const series = (metric: string, labels: Record<string, string>, values: string): Series => ({ series: `${metric}{${lbl(labels)}}`, values });
/** A constant for `minutes` samples, then stale (`_`) for the rest. */
const until = (v: number, minutes: number) => `${v}x${minutes - 1} _x${MINUTES - minutes}`;
/** Stale for `minutes` samples, then a constant. */
const from = (v: number, minutes: number) => `_x${minutes - 1} ${v}x${MINUTES - minutes}`;

export function cacheTlsAlertCases(env: Environment): AlertCase[] {
  const ns = env.config.namespace;
  const n = cacheNames(env);
  const sts = n.statefulset;
  const cert = serverCertificateName(n);
  const renewed = RENEWED_AT_MINUTE * 60;
  const notBefore = (labels: Record<string, string>, value = `${FIRST_ISSUE}x${RENEWED_AT_MINUTE - 1} ${renewed}x${MINUTES - RENEWED_AT_MINUTE}`) =>
    series('certmanager_certificate_not_before_timestamp_seconds', { job: 'cert-manager', namespace: env.config.certManager.namespace, exported_namespace: ns, name: cert, issuer_kind: 'Issuer', issuer_name: 'redis-tls-ca', issuer_group: 'cert-manager.io', ...labels }, value);
  const started = (pod: string, container: string, value: string) =>
    series('kube_pod_container_state_started', { job: 'kube-state-metrics', namespace: ns, pod, container, uid: `uid-${pod}` }, value);
  // Every container of the cache pods, never restarted: the exporter (`metrics`) does not load the certificate.
  const unrolled: Series[] = [
    ...[0, 1, 2].flatMap((i) => ['redis', 'sentinel', 'metrics'].map((c) => started(`${sts}-${i}`, c, `${STARTED}x${MINUTES}`))),
    started(HAPROXY_POD, 'haproxy', `${STARTED}x${MINUTES}`),
  ];
  const alerting = (pod: string, container: string) => ({ exp_labels: { severity: 'warning', team: 'platform', namespace: ns, pod, container } });
  const serving = [
    ...[0, 1, 2].flatMap((i) => ['redis', 'sentinel'].map((c) => alerting(`${sts}-${i}`, c))),
    alerting(HAPROXY_POD, 'haproxy'),
  ];
  const at = (minute: number, exp: { exp_labels: Record<string, string> }[]) => ({ eval_time: `${minute}m`, alertname: CACHE_TLS_ALERT, exp_alerts: exp });
  // The roll at minute 30: the StatefulSet's pods keep their names (new start time), HAProxy's pod is replaced.
  const ROLL = 30;
  const rolled: Series[] = [
    ...[0, 1, 2].flatMap((i) => ['redis', 'sentinel', 'metrics'].map((c) => started(`${sts}-${i}`, c, `${STARTED}x${ROLL - 1} ${ROLL * 60}x${MINUTES - ROLL}`))),
    started(HAPROXY_POD, 'haproxy', until(STARTED, ROLL)),
    started(HAPROXY_POD_NEW, 'haproxy', from(ROLL * 60, ROLL)),
  ];
  return [
    {
      name: 'fires: the certificate was renewed at minute 10 and no container that serves it restarted (pending for the hour, then every one of them, the exporter not)',
      alert: CACHE_TLS_ALERT,
      input_series: [...unrolled, notBefore({})],
      checks: [at(5, []), at(60, []), at(75, serving), at(95, serving)],
    },
    {
      name: 'fires: cert-manager scraped with honorLabels (the Certificate\'s namespace is `namespace`)',
      alert: CACHE_TLS_ALERT,
      input_series: [...unrolled, notBefore({ namespace: ns, exported_namespace: '' })],
      checks: [at(75, serving)],
    },
    {
      name: 'silent: the pods were rolled 20 minutes after the renewal (StatefulSet in place, HAProxy replaced)',
      alert: CACHE_TLS_ALERT,
      input_series: [...rolled, notBefore({})],
      checks: [at(25, []), at(75, []), at(95, [])],
    },
    {
      name: 'fires: only the container that did not restart (sentinel of pod 1 kept running while the rest rolled)',
      alert: CACHE_TLS_ALERT,
      input_series: [
        ...rolled.filter((s) => !s.series.includes(`pod="${sts}-1",container="sentinel"`)),
        started(`${sts}-1`, 'sentinel', `${STARTED}x${MINUTES}`),
        notBefore({}),
      ],
      checks: [at(75, [alerting(`${sts}-1`, 'sentinel')])],
    },
    {
      name: 'silent: no renewal (the pods started after the certificate was issued)',
      alert: CACHE_TLS_ALERT,
      input_series: [...unrolled, notBefore({}, `${FIRST_ISSUE}x${MINUTES}`)],
      checks: [at(75, []), at(95, [])],
    },
    {
      name: 'silent: another certificate of the namespace, or the cache\'s certificate of another namespace, was renewed',
      alert: CACHE_TLS_ALERT,
      input_series: [
        ...unrolled,
        notBefore({}, `${FIRST_ISSUE}x${MINUTES}`),
        notBefore({ name: 'pensioen-tls', issuer_kind: 'ClusterIssuer', issuer_name: 'letsencrypt-prod' }),
        notBefore({ exported_namespace: `${ns}-other` }),
      ],
      checks: [at(75, []), at(95, [])],
    },
    {
      name: 'silent: a certificate not issued yet (cert-manager exports 0)',
      alert: CACHE_TLS_ALERT,
      input_series: [...unrolled, notBefore({}, `0x${MINUTES}`)],
      checks: [at(75, [])],
    },
  ];
}
