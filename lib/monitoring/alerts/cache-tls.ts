/**
 * Group `pensioen-cache-tls` (only with `redis.tls`): the in-cluster cache still serves a certificate that
 * cert-manager has already replaced. Redis/Valkey, Sentinel and HAProxy load the certificate only when they
 * start, so after a renewal every one of them must restart (`redis.tls.restartOnRenewal: reloader` does it);
 * otherwise the old certificate expires SERVER_CERT_RENEW_BEFORE later and no client can connect.
 */
import type { Environment } from '../../config';
import type { AlertRule } from '../rule-types';
import { HAPROXY_DEPLOYMENT, cacheNames } from '../../redis/topology';
import { cacheTlsEnabled, serverCertificateName, SERVER_CERT_RENEW_BEFORE } from '../../redis/tls';
import { promql } from './common';

export const CACHE_TLS_ALERT = 'RedisTlsCertificateNotLoaded';

/** The containers that load the server certificate: the server, Sentinel (StatefulSet pods) and HAProxy. */
export const CERTIFICATE_CONTAINERS = ['redis', 'sentinel', 'haproxy'];

export function cacheTlsAlerts(env: Environment): AlertRule[] {
  if (!cacheTlsEnabled(env)) return [];
  const ns = env.config.namespace;
  const n = cacheNames(env);
  const cert = serverCertificateName(n);
  // StatefulSet pods `<sts>-<ordinal>`; HAProxy pods `<deployment>-<replicaset hash>-<pod hash>`.
  const pods = `${n.statefulset}-[0-9]+|${HAPROXY_DEPLOYMENT}-[a-z0-9]+-[a-z0-9]+`;
  const reloader = env.config.redis.tls.restartOnRenewal === 'reloader';
  return [{
    alert: CACHE_TLS_ALERT,
    // A container that started before the current certificate's notBefore (cert-manager >= 1.18 exports it)
    // still holds the previous certificate. Per container (kube-state-metrics: the running container's start,
    // not the pod's), so a pod that waited for its Secret at first install does not count. max by: of a pod
    // name that exists twice during a replacement, the newer. A certificate never issued (0) matches nothing.
    expr: promql`
      max by (namespace, pod, container) (
        kube_pod_container_state_started{namespace="${ns}",pod=~"${pods}",container=~"${CERTIFICATE_CONTAINERS.join('|')}"}
      )
      < on () group_left ()
      max (
        certmanager_certificate_not_before_timestamp_seconds{exported_namespace="${ns}",name="${cert}"}
        or
        certmanager_certificate_not_before_timestamp_seconds{namespace="${ns}",name="${cert}"}
      )`,
    // Long enough for a roll (by Reloader or by hand) to finish; far shorter than the ${SERVER_CERT_RENEW_BEFORE}
    // the previous certificate still has left after a renewal.
    for: '1h',
    severity: 'warning',
    summary: 'The cache still serves its previous TLS certificate',
    description: `Container {{ $labels.container }} of pod {{ $labels.namespace }}/{{ $labels.pod }} started before cert-manager issued the current certificate ${cert}: it still serves the previous one, which expires ${SERVER_CERT_RENEW_BEFORE} after the renewal; then no client can reach the cache. ${reloader ? 'Reloader (redis.tls.restartOnRenewal) should have rolled it: check that Reloader runs and watches this namespace. ' : ''}Roll the StatefulSet ${n.statefulset} and the Deployment ${HAPROXY_DEPLOYMENT} (runbook).`,
  }];
}
