/**
 * Warnings: configurations that synthesize, but leave a gap a reviewer should see. Synth prints them to
 * stderr (`synth: warning: <file>: <key>: ...`) and still writes dist/ (exit 0).
 */
import type { Environment } from './';
import { runningEdges } from './edge';

export function configWarnings(env: Environment): string[] {
  const out: string[] = [];
  const m = env.config.monitoring;
  if (m.enabled && m.alerting.enabled && !m.heartbeat) {
    out.push(`${env.file}: monitoring.heartbeat: not set: nothing notices when the alert pipeline goes silent (no Watchdog reaches a dead man's switch); set provider and url (docs/alerting.md, "Heartbeat")`);
  } else if (m.enabled && !m.alerting.enabled) {
    out.push(`${env.file}: monitoring.alerting.enabled: false: no alert of this environment reaches anyone and no heartbeat proves the pipeline (docs/alerting.md, "Heartbeat")`);
  }
  const c = env.config;
  // ingress-nginx: the Kubernetes Security Response Committee's statement: best-effort maintenance until
  // March 2026, no releases or security fixes after that.
  if (runningEdges(c.edge).includes('ingress') && c.ingress.controller === 'ingress-nginx') {
    out.push(`${env.file}: ingress.controller: ingress-nginx was retired in March 2026 (Kubernetes SRC): no security fixes any more; move to the maintained Gateway API edge (edge.kind: gateway, docs/gateway-api.md) or a maintained Ingress controller (docs/security.md#edge)`);
  }
  // A node range admits every host in it, not only the ones the ingress controller runs on.
  for (const cidr of c.network.ingressControllerNodeCidrs) {
    if (!/\/(32|128)$/.test(cidr)) out.push(`${env.file}: network.ingressControllerNodeCidrs: ${cidr} admits every address in it to the backend and the frontend; list the nodes the controller runs on (/32 each) and pin it to them (docs/security.md)`);
  }
  return out;
}
