/**
 * References of the Gateway API edge: an HTTPRoute's (and the HTTP-01 solver's) `parentRefs` name a
 * Gateway in the output or the shared Gateway of the config, and a listener (`sectionName`) it has;
 * `backendRefs` name a Service in the output with that port; a policy's `targetRef(s)` name a
 * Gateway or HTTPRoute in the output (policies attach in their own namespace).
 */
import { type Finding, type K8sObject, findingOf } from './types';

/** A Gateway that is not in the output but exists in the cluster (config `edge.gateway.shared`). */
export interface KnownGateway { readonly namespace: string; readonly name: string; readonly listeners: readonly string[] }

const GW = 'gateway.networking.k8s.io';
const POLICY_GROUPS = new Set(['gateway.envoyproxy.io', 'gateway.nginx.org']);

function listenersOf(objects: K8sObject[], known: readonly KnownGateway[], namespace: string, name: string): string[] | undefined {
  const g = objects.find((o) => o.kind === 'Gateway' && o.apiVersion?.startsWith(`${GW}/`) && o.metadata?.name === name && o.metadata?.namespace === namespace);
  if (g) return (g.spec?.listeners ?? []).map((l: any) => l?.name);
  return known.find((k) => k.namespace === namespace && k.name === name)?.listeners as string[] | undefined;
}

function parentRefFindings(o: K8sObject, refs: any[], where: string, objects: K8sObject[], known: readonly KnownGateway[]): Finding[] {
  const out: Finding[] = [];
  refs.forEach((r, i) => {
    if ((r?.group ?? GW) !== GW || (r?.kind ?? 'Gateway') !== 'Gateway') return;
    const ns = r.namespace ?? o.metadata?.namespace;
    const listeners = listenersOf(objects, known, ns, r.name);
    const at = `${where}[${i}]`;
    if (!listeners) out.push(findingOf(o, 'ref-gateway-parent', `${at}: Gateway ${ns}/${r.name} is neither in the output nor the configured shared Gateway (edge.gateway.shared)`));
    else if (r.sectionName !== undefined && !listeners.includes(r.sectionName)) {
      out.push(findingOf(o, 'ref-gateway-parent', `${at}: Gateway ${ns}/${r.name} has no listener "${r.sectionName}" (it has: ${listeners.join(', ')})`));
    }
  });
  return out;
}

export function gatewayReferenceFindings(objects: K8sObject[], known: readonly KnownGateway[] = []): Finding[] {
  const out: Finding[] = [];
  for (const o of objects) {
    const group = String(o?.apiVersion ?? '').split('/')[0];
    if (o.kind === 'HTTPRoute' && group === GW) {
      out.push(...parentRefFindings(o, o.spec?.parentRefs ?? [], '.spec.parentRefs', objects, known));
      (o.spec?.rules ?? []).forEach((rule: any, i: number) => (rule?.backendRefs ?? []).forEach((b: any, j: number) => {
        if ((b?.group ?? '') !== '' || (b?.kind ?? 'Service') !== 'Service') return;
        const ns = b.namespace ?? o.metadata?.namespace;
        const svc = objects.find((s) => s.kind === 'Service' && s.metadata?.name === b.name && (s.metadata?.namespace ?? o.metadata?.namespace) === ns);
        const at = `.spec.rules[${i}].backendRefs[${j}]`;
        if (!svc) out.push(findingOf(o, 'ref-route-backend', `${at}: Service ${b.name} is not in the output`));
        else if (!(svc.spec?.ports ?? []).some((p: any) => p?.port === b.port)) out.push(findingOf(o, 'ref-route-backend', `${at}: Service ${b.name} has no port ${b.port}`));
      }));
    }
    if ((o.kind === 'ClusterIssuer' || o.kind === 'Issuer') && group === 'cert-manager.io') {
      (o.spec?.acme?.solvers ?? []).forEach((s: any, i: number) => {
        const refs = s?.http01?.gatewayHTTPRoute?.parentRefs;
        if (refs) out.push(...parentRefFindings(o, refs, `.spec.acme.solvers[${i}].http01.gatewayHTTPRoute.parentRefs`, objects, known));
      });
    }
    if (POLICY_GROUPS.has(group)) {
      const refs: any[] = o.spec?.targetRefs ?? (o.spec?.targetRef ? [o.spec.targetRef] : []);
      refs.forEach((r, i) => {
        const hit = objects.some((t) => t.kind === r?.kind && String(t.apiVersion).startsWith(`${r?.group}/`) && t.metadata?.name === r?.name && t.metadata?.namespace === o.metadata?.namespace);
        if (!hit) out.push(findingOf(o, 'ref-policy-target', `.spec.targetRef${o.spec?.targetRefs ? `s[${i}]` : ''}: ${r?.kind} ${r?.name} is not in the output (in namespace ${o.metadata?.namespace})`));
      });
    }
  }
  return out;
}
