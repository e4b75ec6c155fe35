/** Group `pensioen-certificates`: a cert-manager certificate close to expiry (its renewal is failing). */
import type { Environment } from '../../config';
import type { AlertRule } from '../rule-types';
import { promql } from './common';

export function certificateAlerts(env: Environment): AlertRule[] {
  const ns = env.config.namespace;
  const t = env.config.monitoring.thresholds;
  const days = t.certificateExpiryDays;
  const certificateRules: AlertRule[] = [
    {
      alert: 'CertificateExpiringSoon',
      // cert-manager exports 0 for a certificate that was never issued: those are left out (> 0). The
      // certificate's namespace is `exported_namespace` unless cert-manager is scraped with honorLabels.
      expr: promql`
        (
          certmanager_certificate_expiration_timestamp_seconds{exported_namespace="${ns}"} > 0
          or
          certmanager_certificate_expiration_timestamp_seconds{namespace="${ns}"} > 0
        ) - time() < ${days} * 86400`,
      for: '1h',
      severity: 'warning',
      summary: `A TLS certificate expires within ${days} days`,
      description: `Certificate {{ $labels.name }} expires in {{ $value | humanizeDuration }}. cert-manager renews 30 days ahead, so renewal is failing: check the Certificate, its CertificateRequest and the ACME challenge.`,
    },
  ];

  return certificateRules;
}
