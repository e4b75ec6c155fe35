/**
 * Warnings: configurations that synthesize, but leave a gap a reviewer should see. Synth prints them to
 * stderr (`synth: warning: <file>: <key>: ...`) and still writes dist/ (exit 0).
 */
import type { Environment } from './';

export function configWarnings(env: Environment): string[] {
  const out: string[] = [];
  const m = env.config.monitoring;
  if (m.enabled && m.alerting.enabled && !m.heartbeat) {
    out.push(`${env.file}: monitoring.heartbeat: not set: nothing notices when the alert pipeline goes silent (no Watchdog reaches a dead man's switch); set provider and url (docs/alerting.md, "Heartbeat")`);
  } else if (m.enabled && !m.alerting.enabled) {
    out.push(`${env.file}: monitoring.alerting.enabled: false: no alert of this environment reaches anyone and no heartbeat proves the pipeline (docs/alerting.md, "Heartbeat")`);
  }
  return out;
}
