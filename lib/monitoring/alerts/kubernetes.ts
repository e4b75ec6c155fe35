/** Group `pensioen-kubernetes`: pods that crash-loop, hang in an init container or are not ready (kube-state-metrics). */
import type { Environment } from '../../config';
import type { AlertRule } from '../rule-types';
import { promql } from './common';

export function kubernetesAlerts(env: Environment): AlertRule[] {
  const ns = env.config.namespace;
  const kubernetesRules: AlertRule[] = [
    {
      alert: 'PodCrashLooping',
      expr: promql`
        max_over_time(kube_pod_container_status_waiting_reason{namespace="${ns}",reason="CrashLoopBackOff"}[5m]) >= 1`,
      for: '15m',
      severity: 'warning',
      summary: 'A container is crash-looping',
      description: 'Container {{ $labels.container }} of pod {{ $labels.namespace }}/{{ $labels.pod }} has been in CrashLoopBackOff for 15 minutes.',
    },
    {
      alert: 'PodInitContainerStuck',
      // PodCrashLooping reads app containers only: an init container that crash-loops, cannot pull its image
      // or keeps running (wait-for-schema while the database is behind the image) is seen here. Waiting
      // behind an earlier init container (PodInitializing) is not stuck; max_over_time bridges the moments
      // between a failed run and its CrashLoopBackOff.
      expr: promql`
        max by (namespace, pod, container) (
          max_over_time(kube_pod_init_container_status_waiting_reason{namespace="${ns}",reason!="PodInitializing"}[5m])
          or
          max_over_time(kube_pod_init_container_status_running{namespace="${ns}"}[5m])
        ) == 1`,
      for: '15m',
      severity: 'warning',
      summary: 'A pod has been stuck in an init container for 15 minutes',
      description: 'Init container {{ $labels.container }} of pod {{ $labels.namespace }}/{{ $labels.pod }} has been running or waiting (crash loop, image pull) for 15 minutes: the pod cannot start. wait-for-schema: the database is behind the image\'s migrations (did the migration Job fail?).',
    },
    {
      alert: 'PodNotReady',
      // Only pods that should be serving: Pending, Running or Unknown (a Succeeded Job pod is never ready).
      expr: promql`
        sum by (namespace, pod) (kube_pod_status_ready{namespace="${ns}",condition=~"false|unknown"}) > 0
        and on (namespace, pod)
        sum by (namespace, pod) (kube_pod_status_phase{namespace="${ns}",phase=~"Pending|Running|Unknown"}) > 0`,
      for: '15m',
      severity: 'warning',
      summary: 'A pod has not been ready for 15 minutes',
      description: 'Pod {{ $labels.namespace }}/{{ $labels.pod }} has not been ready for 15 minutes: it gets no traffic.',
    },
  ];

  return kubernetesRules;
}
