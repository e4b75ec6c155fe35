/**
 * References between objects: what a selector, a backend, a target or a volume names must be in the
 * output (or, for Secrets, be declared as provided from outside).
 */
import type { ExternalSecret } from './external-secrets';
import { type Finding, type K8sObject, findingOf } from './types';
import { type PodTemplate, containersOf, matchLabels, matchSelector, namespaceOf, operatorPodTemplates, podTemplateOf } from './workloads';

/** Keys a Secret or ConfigMap has; null when any key may be there (created by an operator). */
type Keys = Set<string> | null;

const sameNs = (a: K8sObject, b: K8sObject) => namespaceOf(a) === namespaceOf(b);

/** Secrets in the output or created by an object in it, by namespace/name. */
function secretsProvided(objects: K8sObject[]): Map<string, Keys> {
  const out = new Map<string, Keys>();
  const put = (ns: string | undefined, name: string | undefined, keys: Keys) => { if (name) out.set(`${ns ?? ''}/${name}`, keys); };
  for (const o of objects) {
    const ns = namespaceOf(o);
    if (o.kind === 'Secret' && o.apiVersion === 'v1') put(ns, o.metadata?.name, new Set([...Object.keys(o.data ?? {}), ...Object.keys(o.stringData ?? {})]));
    if (o.kind === 'ExternalSecret') {
      const keys = o.spec?.dataFrom?.length || o.spec?.target?.template ? null : new Set<string>((o.spec?.data ?? []).map((d: any) => d?.secretKey));
      put(ns, o.spec?.target?.name ?? o.metadata?.name, keys);
    }
    if (o.kind === 'Certificate' && o.apiVersion?.startsWith('cert-manager.io/')) put(ns, o.spec?.secretName, new Set(['tls.crt', 'tls.key', 'ca.crt']));
    if (o.kind === 'Cluster' && o.apiVersion?.startsWith('postgresql.cnpg.io/')) {
      for (const suffix of ['app', 'superuser', 'ca', 'server', 'replication']) put(ns, `${o.metadata?.name}-${suffix}`, null);
    }
  }
  return out;
}

function externalKeys(external: ExternalSecret[], name: string): Keys | undefined {
  const e = external.find((x) => x.name === name);
  return e ? new Set(e.keys) : undefined;
}

/** Secret and ConfigMap references of one pod template. */
function podRefFindings(t: PodTemplate, objects: K8sObject[], secrets: Map<string, Keys>, external: ExternalSecret[]): Finding[] {
  const out: Finding[] = [];
  const ns = namespaceOf(t.owner) ?? '';
  const checkSecret = (name: string, key: string | undefined, optional: boolean, where: string) => {
    if (optional || !name) return;
    const inOutput = secrets.get(`${ns}/${name}`);
    const keys = inOutput !== undefined ? inOutput : externalKeys(external, name);
    if (keys === undefined && !secrets.has(`${ns}/${name}`)) {
      out.push(findingOf(t.owner, 'ref-secret', `${where}: Secret ${name} is not in the output and not declared as provided from outside (secrets.* in config)`));
    } else if (key !== undefined && keys && !keys.has(key)) {
      out.push(findingOf(t.owner, 'ref-secret', `${where}: Secret ${name} has no key ${key} (${secrets.has(`${ns}/${name}`) ? 'in the output' : 'as declared in config'}: ${[...keys].join(', ') || 'none'})`));
    }
  };
  const checkConfigMap = (name: string, key: string | undefined, optional: boolean, where: string) => {
    if (optional || !name) return;
    const cm = objects.find((o) => o.kind === 'ConfigMap' && o.metadata?.name === name && namespaceOf(o) === namespaceOf(t.owner));
    if (!cm) out.push(findingOf(t.owner, 'ref-configmap', `${where}: ConfigMap ${name} is not in the output`));
    else if (key !== undefined && !(key in (cm.data ?? {})) && !(key in (cm.binaryData ?? {}))) {
      out.push(findingOf(t.owner, 'ref-configmap', `${where}: ConfigMap ${name} has no key ${key}`));
    }
  };
  for (const { container: c, where } of containersOf(t.spec)) {
    for (const e of c.env ?? []) {
      const s = e?.valueFrom?.secretKeyRef;
      if (s) checkSecret(s.name, s.key, s.optional === true, `${where} env ${e.name}`);
      const m = e?.valueFrom?.configMapKeyRef;
      if (m) checkConfigMap(m.name, m.key, m.optional === true, `${where} env ${e.name}`);
    }
    for (const f of c.envFrom ?? []) {
      if (f?.secretRef) checkSecret(f.secretRef.name, undefined, f.secretRef.optional === true, `${where} envFrom`);
      if (f?.configMapRef) checkConfigMap(f.configMapRef.name, undefined, f.configMapRef.optional === true, `${where} envFrom`);
    }
  }
  for (const v of t.spec.volumes ?? []) {
    const where = `volume ${v?.name}`;
    if (v?.secret) {
      const items: any[] = v.secret.items ?? [];
      if (items.length === 0) checkSecret(v.secret.secretName, undefined, v.secret.optional === true, where);
      for (const i of items) checkSecret(v.secret.secretName, i?.key, v.secret.optional === true, where);
    }
    if (v?.configMap) {
      const items: any[] = v.configMap.items ?? [];
      if (items.length === 0) checkConfigMap(v.configMap.name, undefined, v.configMap.optional === true, where);
      for (const i of items) checkConfigMap(v.configMap.name, i?.key, v.configMap.optional === true, where);
    }
    for (const src of v?.projected?.sources ?? []) {
      if (src?.secret) {
        const items: any[] = src.secret.items ?? [];
        if (items.length === 0) checkSecret(src.secret.name, undefined, src.secret.optional === true, `${where} (projected)`);
        for (const i of items) checkSecret(src.secret.name, i?.key, src.secret.optional === true, `${where} (projected)`);
      }
      if (src?.configMap) {
        const items: any[] = src.configMap.items ?? [];
        if (items.length === 0) checkConfigMap(src.configMap.name, undefined, src.configMap.optional === true, `${where} (projected)`);
        for (const i of items) checkConfigMap(src.configMap.name, i?.key, src.configMap.optional === true, `${where} (projected)`);
      }
    }
  }
  for (const s of t.spec.imagePullSecrets ?? []) checkSecret(s?.name, undefined, false, 'imagePullSecrets');
  const sa = t.spec.serviceAccountName;
  if (sa && sa !== 'default' && !objects.some((o) => o.kind === 'ServiceAccount' && o.metadata?.name === sa && sameNs(o, t.owner))) {
    out.push(findingOf(t.owner, 'ref-service-account', `ServiceAccount ${sa} is not in the output`));
  }
  return out;
}

function servicePortMatches(svc: K8sObject, port: { number?: number; name?: string }): boolean {
  return (svc.spec?.ports ?? []).some((p: any) => (port.number !== undefined ? p?.port === port.number : p?.name === port.name));
}

function ingressBackends(o: K8sObject): { where: string; service: any }[] {
  const out: { where: string; service: any }[] = [];
  if (o.spec?.defaultBackend?.service) out.push({ where: 'spec.defaultBackend', service: o.spec.defaultBackend.service });
  (o.spec?.rules ?? []).forEach((r: any, i: number) => (r?.http?.paths ?? []).forEach((p: any, j: number) => {
    if (p?.backend?.service) out.push({ where: `spec.rules[${i}].http.paths[${j}] (${r.host ?? '*'}${p.path ?? ''})`, service: p.backend.service });
  }));
  return out;
}

/**
 * Pods that operators in the output start at run time, as label sets by namespace: cert-manager's ACME
 * HTTP-01 solver pods (label `acme.cert-manager.io/http01-solver: "true"`) run in the namespace of each
 * Ingress or Gateway that names an Issuer or ClusterIssuer with an HTTP-01 solver (cert-manager's
 * ingress- and gateway-shim create the Certificate there), and of each Certificate that does.
 */
function runtimePods(objects: K8sObject[]): { namespace: string | undefined; labels: Record<string, string> }[] {
  const http01 = (o: K8sObject) => (o.spec?.acme?.solvers ?? []).some((s: any) => s?.http01);
  const clusterIssuers = new Set(objects.filter((o) => o.kind === 'ClusterIssuer' && http01(o)).map((o) => o.metadata?.name));
  const issuers = new Set(objects.filter((o) => o.kind === 'Issuer' && http01(o)).map((o) => `${namespaceOf(o)}/${o.metadata?.name}`));
  const namespaces = new Set<string | undefined>();
  for (const o of objects) {
    if (o.kind === 'Certificate' && String(o.apiVersion).startsWith('cert-manager.io/')) {
      const r = o.spec?.issuerRef ?? {};
      if ((r.kind === 'ClusterIssuer' && clusterIssuers.has(r.name)) || ((r.kind ?? 'Issuer') === 'Issuer' && issuers.has(`${namespaceOf(o)}/${r.name}`))) namespaces.add(namespaceOf(o));
      continue;
    }
    if (o.kind !== 'Ingress' && !(o.kind === 'Gateway' && String(o.apiVersion).startsWith('gateway.networking.k8s.io/'))) continue;
    const a = o.metadata?.annotations ?? {};
    if (clusterIssuers.has(a['cert-manager.io/cluster-issuer']) || issuers.has(`${namespaceOf(o)}/${a['cert-manager.io/issuer']}`)) namespaces.add(namespaceOf(o));
  }
  return [...namespaces].map((namespace) => ({ namespace, labels: { 'acme.cert-manager.io/http01-solver': 'true' } }));
}

export function referenceFindings(objects: K8sObject[], external: ExternalSecret[]): Finding[] {
  const out: Finding[] = [];
  const templates = [...objects.map(podTemplateOf).filter((t): t is PodTemplate => t !== undefined), ...operatorPodTemplates(objects)];
  const podsIn = (o: K8sObject) => templates.filter((t) => sameNs(t.owner, o));
  const operatorPods = runtimePods(objects);
  const secrets = secretsProvided(objects);
  for (const t of templates) out.push(...podRefFindings(t, objects, secrets, external));
  for (const o of objects) {
    switch (o.kind) {
      case 'Service': {
        const sel = o.spec?.selector;
        if (sel && Object.keys(sel).length > 0 && !podsIn(o).some((t) => matchLabels(sel, t.labels))) {
          out.push(findingOf(o, 'ref-service-selector', `selector ${JSON.stringify(sel)} selects no pod template in the output`));
        }
        break;
      }
      case 'Ingress':
        for (const b of ingressBackends(o)) {
          const svc = objects.find((s) => s.kind === 'Service' && s.metadata?.name === b.service.name && sameNs(s, o));
          if (!svc) out.push(findingOf(o, 'ref-ingress-backend', `${b.where}: Service ${b.service.name} is not in the output`));
          else if (!servicePortMatches(svc, b.service.port ?? {})) {
            out.push(findingOf(o, 'ref-ingress-backend', `${b.where}: Service ${b.service.name} has no port ${b.service.port?.number ?? b.service.port?.name}`));
          }
        }
        break;
      case 'HorizontalPodAutoscaler': {
        const ref = o.spec?.scaleTargetRef ?? {};
        if (!objects.some((t) => t.kind === ref.kind && t.metadata?.name === ref.name && sameNs(t, o) && (!ref.apiVersion || t.apiVersion === ref.apiVersion))) {
          out.push(findingOf(o, 'ref-hpa-target', `scaleTargetRef ${ref.apiVersion ?? ''} ${ref.kind}/${ref.name} is not in the output`));
        }
        break;
      }
      case 'Rollout': {
        // Argo Rollouts: the Services it switches, the edge object it splits traffic on, the templates it runs.
        const canary = o.spec?.strategy?.canary;
        if (!canary) break;
        const has = (kind: string, name: string) => objects.some((t) => t.kind === kind && t.metadata?.name === name && sameNs(t, o));
        for (const field of ['stableService', 'canaryService'] as const) {
          if (canary[field] && !has('Service', canary[field])) out.push(findingOf(o, 'ref-rollout', `spec.strategy.canary.${field}: Service ${canary[field]} is not in the output`));
        }
        const ingress = canary.trafficRouting?.nginx?.stableIngress;
        if (ingress && !has('Ingress', ingress)) out.push(findingOf(o, 'ref-rollout', `trafficRouting.nginx.stableIngress: Ingress ${ingress} is not in the output`));
        for (const [plugin, cfg] of Object.entries<any>(canary.trafficRouting?.plugins ?? {})) {
          if (cfg?.httpRoute && !has('HTTPRoute', cfg.httpRoute)) out.push(findingOf(o, 'ref-rollout', `trafficRouting.plugins.${plugin}.httpRoute: HTTPRoute ${cfg.httpRoute} is not in the output`));
        }
        for (const [i, step] of (canary.steps ?? []).entries()) {
          for (const t of step?.analysis?.templates ?? []) {
            if (t.templateName && !t.clusterScope && !has('AnalysisTemplate', t.templateName)) out.push(findingOf(o, 'ref-rollout', `spec.strategy.canary.steps[${i}].analysis: AnalysisTemplate ${t.templateName} is not in the output`));
          }
        }
        break;
      }
      case 'PodDisruptionBudget':
        if (!podsIn(o).some((t) => matchSelector(o.spec?.selector, t.labels))) {
          out.push(findingOf(o, 'ref-pdb-target', `selector ${JSON.stringify(o.spec?.selector ?? {})} selects no pod template in the output`));
        }
        break;
      case 'StatefulSet': {
        const name = o.spec?.serviceName;
        if (name) {
          const svc = objects.find((s) => s.kind === 'Service' && s.metadata?.name === name && sameNs(s, o));
          if (!svc) out.push(findingOf(o, 'ref-statefulset-service', `serviceName ${name}: Service is not in the output`));
          else if (svc.spec?.clusterIP !== 'None') out.push(findingOf(o, 'ref-statefulset-service', `serviceName ${name}: Service is not headless (spec.clusterIP must be None)`));
        }
        break;
      }
      case 'NetworkPolicy': {
        const sel = o.spec?.podSelector ?? {};
        const empty = Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0;
        const selectsRuntimePod = operatorPods.some((p) => p.namespace === namespaceOf(o) && matchSelector(sel, p.labels));
        if (!empty && !selectsRuntimePod && !podsIn(o).some((t) => matchSelector(sel, t.labels))) {
          out.push(findingOf(o, 'ref-networkpolicy-selector', `podSelector ${JSON.stringify(sel)} selects no pod template in the output`));
        }
        break;
      }
      case 'ServiceMonitor': out.push(...monitorFindings(o, objects, templates, 'service')); break;
      case 'PodMonitor': out.push(...monitorFindings(o, objects, templates, 'pod')); break;
      default: break;
    }
  }
  return out;
}

/** A ServiceMonitor must select a Service with each endpoint's named port; a PodMonitor a pod template with it. */
function monitorFindings(o: K8sObject, objects: K8sObject[], templates: PodTemplate[], what: 'service' | 'pod'): Finding[] {
  if (!o.apiVersion?.startsWith('monitoring.coreos.com/')) return [];
  const nsSel = o.spec?.namespaceSelector ?? {};
  const inScope = (x: K8sObject) => nsSel.any === true || (nsSel.matchNames?.length ? nsSel.matchNames.includes(namespaceOf(x)) : sameNs(x, o));
  // A monitor of pods another operator runs in a namespace the output does not touch (the Gateway's Envoy
  // proxies in Envoy Gateway's namespace): nothing here to check it against.
  if (nsSel.matchNames?.length && !objects.some((x) => nsSel.matchNames.includes(namespaceOf(x)))) return [];
  const out: Finding[] = [];
  const endpoints: any[] = what === 'service' ? o.spec?.endpoints ?? [] : o.spec?.podMetricsEndpoints ?? [];
  if (what === 'service') {
    const services = objects.filter((s) => s.kind === 'Service' && inScope(s) && matchSelector(o.spec?.selector, s.metadata?.labels ?? {}));
    if (services.length === 0) return [findingOf(o, 'ref-monitor-selector', `selector ${JSON.stringify(o.spec?.selector ?? {})} selects no Service in the output`)];
    for (const e of endpoints) {
      if (e?.port && !services.some((s) => (s.spec?.ports ?? []).some((p: any) => p?.name === e.port))) {
        out.push(findingOf(o, 'ref-monitor-selector', `endpoint port ${e.port}: no selected Service has a port of that name`));
      }
    }
  } else {
    const pods = templates.filter((t) => inScope(t.owner) && matchSelector(o.spec?.selector, t.labels));
    if (pods.length === 0) return [findingOf(o, 'ref-monitor-selector', `selector ${JSON.stringify(o.spec?.selector ?? {})} selects no pod template in the output`)];
    for (const e of endpoints) {
      const hasPort = pods.some((t) => containersOf(t.spec).some(({ container }) => (container.ports ?? []).some((p: any) => p?.name === e?.port)));
      if (e?.port && !hasPort) out.push(findingOf(o, 'ref-monitor-selector', `endpoint port ${e.port}: no selected pod has a container port of that name`));
    }
  }
  return out;
}
