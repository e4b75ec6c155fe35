/**
 * The environment's namespace: never the cluster's own (`kube-*`, `default`, `openshift*`) nor a tool's the
 * manifests rely on, since the output puts a default-deny NetworkPolicy and restricted Pod Security labels on it.
 */
import type { z } from 'zod';
import { issue } from './types';

/** Namespaces of the cluster itself. */
const SYSTEM_NAMESPACE = /^(kube-.*|default|openshift(-.*)?)$/;
/** Namespaces of the tools the manifests rely on, whatever their configured names are. */
const TOOL_NAMESPACES: Record<string, string> = {
  'cert-manager': 'cert-manager', argocd: 'Argo CD', 'ingress-nginx': 'the ingress controller', monitoring: 'monitoring (Prometheus)',
  'external-secrets': 'the External Secrets Operator', 'gateway-system': 'the Gateway API data plane', 'envoy-gateway-system': 'Envoy Gateway',
  'kube-prometheus-stack': 'monitoring (Prometheus)',
};

/** Every `...Namespace` value the config names (the tools' namespaces, as configured), with its key path. */
function toolNamespacesOf(c: any): [string, string][] {
  const out: [string, string][] = [];
  const walk = (v: any, p: string[]) => {
    if (!v || typeof v !== 'object' || Array.isArray(v)) return;
    for (const [k, x] of Object.entries(v)) {
      if (typeof x === 'string' && /namespace$/i.test(k) && p.length > 0) out.push([[...p, k].join('.'), x]);
      else walk(x, [...p, k]);
    }
  };
  walk(c, []);
  return out;
}

/** The namespace rules, run on the whole configuration. */
export function refineNamespace(c: any, ctx: z.RefinementCtx): void {
  const ns: string = c.namespace;
  if (typeof ns === 'string') {
    if (SYSTEM_NAMESPACE.test(ns)) {
      issue(ctx, ['namespace'], `"${ns}" is a system namespace: the output would put a default-deny NetworkPolicy and restricted Pod Security labels on it (allowed: a namespace of this application, such as pensioen)`);
    }
    for (const [key, v] of toolNamespacesOf(c)) {
      if (v === ns) issue(ctx, ['namespace'], `"${ns}" is also ${key}: the application must not share the namespace of a tool it relies on (its default-deny NetworkPolicy would cut that tool off)`);
    }
    if (ns in TOOL_NAMESPACES && !toolNamespacesOf(c).some(([, v]) => v === ns)) {
      issue(ctx, ['namespace'], `"${ns}" is the usual namespace of ${TOOL_NAMESPACES[ns]}: the output's default-deny NetworkPolicy would cut it off (allowed: a namespace of this application, such as pensioen)`);
    }
  }
}
