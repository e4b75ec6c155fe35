/**
 * The preflight: what the cluster must have before the first apply of an environment, as kubectl commands
 * derived from its configuration and its synthesized objects (`npm run preflight -- <env>` prints them,
 * `--run` runs them). Each check is a read-only `kubectl get`.
 */
import * as path from 'path';
import { loadCrds } from './validate/crd-schema';
import type { Environment } from './config';
import { manualSecretsOf, secretSourcesOf } from './config/secret-sources';
import { apiGroup, isBuiltinGroup } from './output/sync-waves';
import { dataPlaneNamespaceOf } from './config/edge';
import { issuerSecrets } from './tls/issuers';
import { GATEWAY_API_PLUGIN, GATEWAY_API_PLUGIN_VERSION } from './delivery/rollout';

/** Kubernetes version every environment needs (preStop `sleep`: 1.30; nodeTaintsPolicy/matchLabelKeys: beta 1.26/1.27). */
export const MIN_KUBERNETES = { major: 1, minor: 30 };

export interface Check {
  /** What is checked, for people. */
  readonly what: string;
  /** A read-only kubectl command. */
  readonly command: string;
  /** What its stdout must be (trimmed); left out: exit code 0 is enough. */
  readonly expect?: string | RegExp;
}

/**
 * CRD names (`<plural>.<group>`) by `group/Kind`, from the pinned CRDs: the gate's CRD index (parsed once per
 * process and kept in the build cache while the files are unchanged), not a parse of every CRD per call.
 */
export function crdNames(crdDir = path.resolve('crds')): Map<string, string> {
  const out = new Map<string, string>();
  for (const v of loadCrds(crdDir).values()) out.set(`${v.group}/${v.kind}`, v.crdName);
  return out;
}

export function preflightChecks(env: Environment, objects: Record<string, any>[], crds = crdNames()): Check[] {
  const c = env.config;
  const ns = c.namespace;
  const checks: Check[] = [];
  checks.push({
    what: `Kubernetes >= ${MIN_KUBERNETES.major}.${MIN_KUBERNETES.minor} (preStop sleep; topology spread nodeTaintsPolicy/nodeAffinityPolicy)`,
    command: 'kubectl version -o json',
    expect: new RegExp(`"serverVersion":\\s*\\{[^}]*"minor":\\s*"(${MIN_KUBERNETES.minor}|3[1-9]|[4-9]\\d)\\+?"`),
  });
  // Every custom resource's CRD, by name.
  const kinds = [...new Set(objects.filter((o) => !isBuiltinGroup(apiGroup(o.apiVersion))).map((o) => `${apiGroup(o.apiVersion)}/${o.kind}`))].sort();
  const names = kinds.map((k) => crds.get(k) ?? `<no pinned CRD for ${k}>`);
  if (names.length > 0) checks.push({ what: `CRDs of the custom resources (${kinds.join(', ')})`, command: `kubectl get crd ${names.join(' ')}` });
  if (objects.some((o) => o.kind === 'HorizontalPodAutoscaler')) {
    checks.push({
      what: 'metrics-server serves the resource metrics API (the HPA needs it; EKS and kubeadm do not ship it)',
      command: 'kubectl get apiservice v1beta1.metrics.k8s.io -o jsonpath=\'{.status.conditions[?(@.type=="Available")].status}\'',
      expect: 'True',
    });
  }
  if (objects.some((o) => o.kind === 'Ingress')) {
    checks.push({ what: `IngressClass ${c.ingress.className} exists`, command: `kubectl get ingressclass ${c.ingress.className}` });
    if (c.ingress.controller === 'ingress-nginx') {
      checks.push({
        what: `ingress-nginx answers rate-limit rejections with 429 (ConfigMap ${c.ingress.controllerConfigMap}: limit-req-status-code)`,
        command: `kubectl -n ${c.network.ingressControllerNamespace} get configmap ${c.ingress.controllerConfigMap} -o jsonpath='{.data.limit-req-status-code}'`,
        expect: '429',
      });
    }
  }
  if (objects.some((o) => o.kind === 'Gateway' || o.kind === 'HTTPRoute')) {
    const classes = [...new Set(objects.filter((o) => o.kind === 'Gateway').map((o) => o.spec?.gatewayClassName).filter(Boolean))];
    for (const gc of classes) checks.push({ what: `GatewayClass ${gc} exists`, command: `kubectl get gatewayclass ${gc}` });
    // A shared Gateway the routes attach to but the output does not contain.
    const own = new Set(objects.filter((o) => o.kind === 'Gateway').map((o) => `${o.metadata?.namespace}/${o.metadata?.name}`));
    const shared = new Set<string>();
    for (const r of objects.filter((o) => o.kind === 'HTTPRoute')) {
      for (const p of r.spec?.parentRefs ?? []) {
        const key = `${p.namespace ?? r.metadata?.namespace}/${p.name}`;
        if ((p.kind ?? 'Gateway') === 'Gateway' && !own.has(key)) shared.add(key);
      }
    }
    for (const key of [...shared].sort()) {
      const [gns, name] = key.split('/');
      checks.push({ what: `shared Gateway ${key} exists (the routes attach to it)`, command: `kubectl -n ${gns} get gateway ${name}` });
    }
  }
  const edgeNs = c.edge.kind === 'gateway' ? dataPlaneNamespaceOf(c.edge) : c.network.ingressControllerNamespace;
  const namespaces = [...new Set([edgeNs, c.network.monitoringNamespace, c.network.dnsNamespace, c.certManager.namespace])].sort();
  checks.push({ what: `namespaces the NetworkPolicies and issuers refer to (${namespaces.join(', ')})`, command: `kubectl get namespace ${namespaces.join(' ')}` });
  checks.push({
    what: `cluster DNS pods (${Object.entries(c.network.dnsPodLabels).map(([k, v]) => `${k}=${v}`).join(',')}) in ${c.network.dnsNamespace}, as the DNS egress rule selects them`,
    command: `kubectl -n ${c.network.dnsNamespace} get pods -l ${Object.entries(c.network.dnsPodLabels).map(([k, v]) => `${k}=${v}`).join(',')} -o name`,
    expect: /pod\//,
  });
  // A CNI that enforces NetworkPolicy: with flannel alone every policy here is silently ignored. The
  // DaemonSets of the common enforcing CNIs (Calico and Canal, Cilium, Antrea, kube-router, Weave Net; AKS's
  // azure-npm, GKE Dataplane V2's anetd). EKS: the VPC CNI (aws-node) enforces only with its network policy
  // agent enabled, which this check cannot see (before-you-apply.md).
  checks.push({
    what: 'a CNI that enforces NetworkPolicy (Calico, Cilium, Antrea, kube-router, Weave Net, azure-npm, anetd; flannel alone ignores every policy)',
    command: 'kubectl get daemonset -A -o jsonpath=\'{.items[*].metadata.name}\'',
    expect: /\b(calico-node|canal|cilium|antrea-agent|kube-router|weave-net|azure-npm|anetd)\b/,
  });
  // Schedulable workers for one pod per node (Redis; CloudNativePG instances with required anti-affinity).
  const cnpg = c.database.mode === 'cloudnative-pg' ? c.database.cloudnativePg : undefined;
  const perNode = Math.max(c.redis.replicas, cnpg && cnpg.antiAffinity === 'required' ? cnpg.instances : 0);
  if (perNode > 1) {
    checks.push({
      what: `at least ${perNode} schedulable worker nodes (Redis${cnpg ? ' and PostgreSQL' : ''} want one pod per node)`,
      command: 'kubectl get nodes -l \'!node-role.kubernetes.io/control-plane\' -o jsonpath=\'{range .items[?(@.spec.unschedulable!=true)]}{.metadata.name}{"\\n"}{end}\'',
      expect: new RegExp(`^(\\S+\\s+){${perNode - 1}}\\S+`),
    });
  }
  if (cnpg) {
    checks.push({
      what: 'the CloudNativePG operator runs (1.30)',
      command: 'kubectl get deployment -A -l app.kubernetes.io/name=cloudnative-pg -o jsonpath=\'{.items[*].spec.template.spec.containers[*].image}\'',
      expect: /cloudnative-pg:1\.30\./,
    });
    checks.push({
      what: 'the Barman Cloud plugin is registered with the operator (a Service labelled cnpg.io/pluginName; the plugin needs cert-manager)',
      command: 'kubectl get service -A -l cnpg.io/pluginName=barman-cloud.cloudnative-pg.io -o name',
      expect: /service\//,
    });
    // The instance managers watch their Cluster through the API server: its real addresses must be in apiServerCidrs.
    const hosts = cnpg.apiServerCidrs.filter((x) => x.endsWith('/32')).map((x) => x.slice(0, -3).replace(/\./g, '\\.'));
    if (hosts.length === cnpg.apiServerCidrs.length) {
      checks.push({
        what: `the API server's addresses are in database.cloudnativePg.apiServerCidrs (${cnpg.apiServerCidrs.join(', ')})`,
        command: 'kubectl -n default get endpoints kubernetes -o jsonpath=\'{.subsets[*].addresses[*].ip}\'',
        expect: new RegExp(`^(${hosts.join('|')})( (${hosts.join('|')}))*$`),
      });
    }
  }
  // kube-prometheus-stack picks our rules, monitors and routing up only with selectors that match our labels,
  // in every namespace.
  if (c.monitoring.enabled) {
    const [k, v] = Object.entries(c.monitoring.selectorLabels)[0] ?? [];
    const matches = k ? new RegExp(`"${k.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}":"${v}"|^\\{\\}$`) : /./;
    for (const [field, kind] of [['ruleSelector', 'PrometheusRule'], ['serviceMonitorSelector', 'ServiceMonitor'], ['podMonitorSelector', 'PodMonitor']] as const) {
      if (!objects.some((o) => o.kind === kind)) continue;
      checks.push({ what: `Prometheus ${field} matches ${k}=${v} (monitoring.selectorLabels)`, command: `kubectl get prometheus -A -o jsonpath='{.items[*].spec.${field}}'`, expect: matches });
      const nsField = field.replace('Selector', 'NamespaceSelector');
      checks.push({ what: `Prometheus ${nsField} is set (left out, the operator looks in Prometheus's own namespace only)`, command: `kubectl get prometheus -A -o jsonpath='{.items[*].spec.${nsField}}'`, expect: /\{/ });
    }
    if (objects.some((o) => o.kind === 'AlertmanagerConfig')) {
      checks.push({ what: `Alertmanager alertmanagerConfigSelector matches ${k}=${v}`, command: 'kubectl get alertmanager -A -o jsonpath=\'{.items[*].spec.alertmanagerConfigSelector}\'', expect: matches });
    }
    const [dk] = Object.keys(c.monitoring.grafana.dashboardLabels);
    if (dk) {
      checks.push({
        what: `Grafana's dashboard sidecar watches the label ${dk} (monitoring.grafana.dashboardLabels)`,
        command: 'kubectl get deployment -A -l app.kubernetes.io/name=grafana -o jsonpath=\'{..env[?(@.name=="LABEL")].value}\'',
        expect: new RegExp(`\\b${dk}\\b`),
      });
    }
  }
  const sc = c.redis.persistence.storageClass;
  // A named class needs a provisioner behind it: with kubernetes.io/no-provisioner every claim waits for a
  // PersistentVolume made by hand (before-you-apply.md).
  const classes = [...new Set([sc, ...(c.database.mode === 'cloudnative-pg' ? [c.database.cloudnativePg?.storage.storageClass, c.database.cloudnativePg?.walStorage?.storageClass] : [])].filter((x): x is string => !!x))];
  for (const cls of classes.filter((x) => x !== sc)) {
    checks.push({ what: `StorageClass ${cls} has a provisioner (PostgreSQL volumes)`, command: `kubectl get storageclass ${cls} -o jsonpath='{.provisioner}'`, expect: /^(?!kubernetes\.io\/no-provisioner$)\S+$/ });
  }
  checks.push(sc
    ? { what: `StorageClass ${sc} has a provisioner (Redis${classes.length === 1 && c.database.mode === 'cloudnative-pg' ? ' and PostgreSQL' : ''} volumes)`, command: `kubectl get storageclass ${sc} -o jsonpath='{.provisioner}'`, expect: /^(?!kubernetes\.io\/no-provisioner$)\S+$/ }
    : { what: 'a default StorageClass (Redis volumes)', command: 'kubectl get storageclass -o jsonpath=\'{.items[?(@.metadata.annotations.storageclass\\.kubernetes\\.io/is-default-class=="true")].metadata.name}\'', expect: /\S/ });
  // Secrets created by hand.
  const byHand = [...(c.secretsProvider.type === 'precreated' ? secretSourcesOf(env).map((s) => s.name) : []), ...manualSecretsOf(env).map((s) => s.name)];
  if (byHand.length > 0) checks.push({ what: `Secrets created by hand in ${ns} (docs/before-you-apply.md)`, command: `kubectl -n ${ns} get secret ${[...new Set(byHand)].sort().join(' ')}` });
  // A namespaced CA Issuer declared an intermediate (certManager.issuers[].caCertificate): its Secret holds a
  // certificate issued by another (not self-signed) with a name constraint for every permitted domain.
  for (const i of c.certManager.issuers) {
    if (i.type !== 'ca' || i.kind !== 'Issuer' || i.caCertificate.kind !== 'intermediate' || i.name !== c.ingress.clusterIssuer) continue;
    checks.push(caIntermediateCheck(ns, i.secretName, i.caCertificate.permittedDnsDomains ?? []));
  }
  // The private CA of an on-prem S3 endpoint: without it barman-cloud refuses the endpoint's certificate and
  // WAL archiving (so every backup) fails, which only shows once the Cluster runs.
  const store = c.database.mode === 'cloudnative-pg' ? c.database.cloudnativePg?.backup.objectStore : undefined;
  if (store?.endpointCA) {
    const { name, key } = store.endpointCA;
    checks.push({
      what: `Secret ${name} in ${ns} holds the CA certificate of the object store ${store.endpointURL ?? '(AWS S3)'} under "${key}" (database.cloudnativePg.backup.objectStore.endpointCA)`,
      command: `kubectl -n ${ns} get secret ${name} -o jsonpath='{.data.${key.replace(/\./g, '\\.')}}' | base64 -d | grep -c -- '-----BEGIN CERTIFICATE-----'`,
      expect: /^[1-9]\d*$/,
    });
  }
  const clusterIssuerSecrets = c.certManager.issuers.filter((i) => i.kind === 'ClusterIssuer' && i.name === c.ingress.clusterIssuer).flatMap(issuerSecrets).map((s) => s.name);
  if (clusterIssuerSecrets.length > 0) {
    checks.push({ what: `Secrets of the ClusterIssuers in cert-manager's namespace ${c.certManager.namespace}`, command: `kubectl -n ${c.certManager.namespace} get secret ${[...new Set(clusterIssuerSecrets)].sort().join(' ')}` });
  }
  // delivery.strategy canary: the Argo Rollouts controller (Argo CD knows Rollout health, but without the
  // controller nothing would ever run the pods), and with the Gateway API edge its plugin and the plugin's RBAC.
  if (objects.some((o) => o.kind === 'Rollout' && apiGroup(o.apiVersion) === 'argoproj.io')) {
    const rns = c.delivery.canary.controllerNamespace;
    checks.push({
      what: `the Argo Rollouts controller runs in ${rns} (its Deployment labelled app.kubernetes.io/name=argo-rollouts has an available replica) and the AnalysisRun CRD is installed`,
      command: `kubectl get crd analysisruns.argoproj.io >/dev/null && kubectl -n ${rns} get deployment -l app.kubernetes.io/name=argo-rollouts -o jsonpath='{.items[*].status.availableReplicas}'`,
      expect: /^[1-9]/,
    });
    if (c.edge.kind === 'gateway') {
      checks.push({
        what: `the Argo Rollouts Gateway API plugin (${GATEWAY_API_PLUGIN}, ${GATEWAY_API_PLUGIN_VERSION}) is registered in the controller's ConfigMap argo-rollouts-config`,
        command: `kubectl -n ${rns} get configmap argo-rollouts-config -o jsonpath='{.data.trafficRouterPlugins}'`,
        expect: new RegExp(GATEWAY_API_PLUGIN.replace('/', '\\/')),
      });
      checks.push({
        what: `the controller (ServiceAccount ${rns}/argo-rollouts) may update the HTTPRoutes in ${ns} (the plugin sets their weights)`,
        command: `kubectl auth can-i update httproutes.gateway.networking.k8s.io -n ${ns} --as=system:serviceaccount:${rns}:argo-rollouts`,
        expect: 'yes',
      });
    }
  }
  return checks;
}

/** The openssl part of the CA check: subject, issuer and name constraints of the certificate on stdin. */
export const CA_INSPECT = 'openssl x509 -noout -subject -issuer -ext nameConstraints';

/**
 * The CA Secret of a namespaced Issuer is what the config declares: an intermediate (its issuer is not itself)
 * whose name constraints permit each declared domain. (A root key in the namespace is what this refuses.)
 */
export function caIntermediateCheck(ns: string, secret: string, domains: string[]): Check {
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  return {
    what: `Secret ${secret} in ${ns} holds an intermediate CA (not self-signed) name-constrained to ${domains.join(', ')} (certManager.issuers[].caCertificate)`,
    command: `kubectl -n ${ns} get secret ${secret} -o jsonpath='{.data.tls\\.crt}' | base64 -d | ${CA_INSPECT}`,
    expect: new RegExp(`^subject=(.*)\\nissuer=(?!\\1\\n)[^\\n]*\\nX509v3 Name Constraints:[^\\n]*\\n\\s*Permitted:${domains.map((d) => `(?=[\\s\\S]*\\bDNS:\\.?${esc(d)}\\s*(\\n|$))`).join('')}`),
  };
}

/** Whether a check's output passes. */
export function passes(check: Check, code: number, stdout: string): boolean {
  if (code !== 0) return false;
  if (check.expect === undefined) return true;
  const out = stdout.trim();
  return typeof check.expect === 'string' ? out === check.expect : check.expect.test(out);
}
