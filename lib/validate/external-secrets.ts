/**
 * Secrets the manifests reference but never contain: declared in config, created outside git
 * (docs/secrets.md). Every config section that makes the manifests reference such a Secret adds its
 * entries in `externalSecretsOf`; the gate accepts a reference only to a Secret in the output, one an
 * operator in the output creates, or one listed here (with the key, when a key is referenced).
 */
import type { EnvConfig } from '../config';

export interface ExternalSecret {
  readonly name: string;
  /** Keys the Secret must have. */
  readonly keys: readonly string[];
  /** Config key paths that declare it, e.g. `secrets.database`. */
  readonly declaredBy: readonly string[];
}

export function externalSecretsOf(config: EnvConfig): ExternalSecret[] {
  const entries: { name: string; key: string; declaredBy: string }[] = [];
  for (const [id, ref] of Object.entries(config.secrets ?? {}) as [string, { name: string; key: string }][]) {
    entries.push({ name: ref.name, key: ref.key, declaredBy: `secrets.${id}` });
  }
  // Alertmanager receivers: PagerDuty routing keys and Slack webhook URLs (read by the prometheus-operator).
  if (config.monitoring?.enabled && config.monitoring.alerting?.enabled) {
    for (const [name, r] of Object.entries(config.monitoring.alerting.receivers)) {
      if (r.pagerduty?.routingKey) entries.push({ ...r.pagerduty.routingKey, declaredBy: `monitoring.alerting.receivers.${name}.pagerduty.routingKey` });
      if (r.slack?.apiUrl) entries.push({ ...r.slack.apiUrl, declaredBy: `monitoring.alerting.receivers.${name}.slack.apiUrl` });
    }
  }
  // Other sections that reference Secrets created outside git add their entries above this line.
  const byName = new Map<string, { keys: Set<string>; declaredBy: string[] }>();
  for (const e of entries) {
    const s = byName.get(e.name) ?? { keys: new Set<string>(), declaredBy: [] };
    s.keys.add(e.key);
    s.declaredBy.push(e.declaredBy);
    byName.set(e.name, s);
  }
  return [...byName].map(([name, s]) => ({ name, keys: [...s.keys].sort(), declaredBy: s.declaredBy }));
}
