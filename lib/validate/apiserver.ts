/**
 * What the API server (or the kubelet, for image references) would reject, ported from Kubernetes' own
 * validation, so that a refusal shows up at synth and not at `kubectl apply` or in an Argo CD sync:
 *   k8s.io/apimachinery/pkg/util/validation (IsDNS1123Label/Subdomain, IsDNS1035Label, IsQualifiedName,
 *   IsValidLabelValue, IsConfigMapKey, IsEnvVarName, IsValidPortName),
 *   k8s.io/apimachinery/pkg/api/validation (ValidateObjectMeta, ValidateAnnotations: 256 KiB total),
 *   k8s.io/kubernetes/pkg/apis/core/validation (ValidatePodSpec: unique container/volume/port names, mounts
 *   of existing volumes, env names, non-negative quantities, requests <= limits; ValidateConfigMap and
 *   ValidateSecret: 1 MiB of data; ValidateService), networking/validation (ipBlock CIDRs),
 *   github.com/distribution/reference (the image reference grammar the kubelet parses; InvalidImageName).
 * Object size: the API server accepts request bodies up to 3 MiB (k8s.io/apiserver, MaxRequestBodyBytes),
 * but etcd refuses a write above its --max-request-bytes (1.5 MiB by default), and client-side apply
 * (`kubectl apply`, Argo CD without ServerSideApply) copies the object into the
 * kubectl.kubernetes.io/last-applied-configuration annotation, which counts against the 256 KiB
 * annotation limit. Rules and sources: docs/validation-rules.md.
 */
import { LABEL_VALUE } from '../k8s/labels';
import { parseQuantity } from '../k8s/quantity';
import { type Finding, type K8sObject, findingOf } from './types';
import { containersOf, podTemplateOf } from './workloads';

export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const CONFIG_MAP_KEY = /^[-._a-zA-Z0-9]+$/;
const ENV_VAR_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
const IANA_SVC_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
/** distribution/reference: [domain/]path[:tag][@digest]. */
const IMAGE_REFERENCE = new RegExp(
  '^(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*(?::[0-9]+)?/)?'
  + '[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*)*'
  + '(?::[\\w][\\w.-]{0,127})?(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$',
);

/** ValidateAnnotations: the sum of key and value lengths. */
export const MAX_ANNOTATIONS_BYTES = 256 * 1024;
/** core/v1 MaxSecretSize: data of a Secret or ConfigMap. */
export const MAX_DATA_BYTES = 1024 * 1024;
/** etcd's default --max-request-bytes (1.5 MiB): a larger object is refused when it is written. */
export const ETCD_MAX_REQUEST_BYTES = 1572864;

const byteLength = (s: string) => Buffer.byteLength(s, 'utf8');

/** IsQualifiedName (label and annotation keys): optional DNS-subdomain prefix of <= 253, name of <= 63. */
export function qualifiedNameProblem(key: string): string | undefined {
  const parts = key.split('/');
  if (parts.length > 2) return 'has more than one "/"';
  const name = parts[parts.length - 1];
  if (parts.length === 2) {
    const prefix = parts[0];
    if (prefix.length === 0) return 'has an empty prefix before "/"';
    if (prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix)) return `prefix "${prefix}" must be a lower-case DNS subdomain of at most 253 characters`;
  }
  if (name.length === 0) return 'has an empty name';
  if (name.length > 63) return `name part is ${name.length} characters (at most 63)`;
  if (!QUALIFIED_NAME.test(name)) return 'name part must be letters, digits, "-", "_" and ".", starting and ending with a letter or digit';
  return undefined;
}

export function labelValueProblem(v: unknown): string | undefined {
  if (typeof v !== 'string') return 'must be a string';
  if (v.length > 63) return `is ${v.length} characters (at most 63)`;
  if (!LABEL_VALUE.test(v)) return 'must be empty or letters, digits, "-", "_" and ".", starting and ending with a letter or digit';
  return undefined;
}

/** A CIDR as Go's netip.ParsePrefix takes it and the API server keeps it: no leading zeros, no host bits. */
export function cidrProblem(c: unknown): string | undefined {
  if (typeof c !== 'string') return 'must be a string';
  const m = /^([^/]+)\/(\d{1,3})$/.exec(c);
  if (!m) return 'must be an address and a prefix length, such as 10.0.0.0/16 or 2001:db8::/32';
  const [, addr, lenText] = m;
  const len = Number(lenText);
  if (/^\d+\.\d+\.\d+\.\d+$/.test(addr)) {
    const parts = addr.split('.');
    if (parts.some((p) => p.length > 1 && p.startsWith('0'))) return 'has a leading zero in an IPv4 octet (ambiguous: octal or decimal)';
    if (parts.some((p) => Number(p) > 255)) return 'has an IPv4 octet above 255';
    if (len > 32 || lenText.length > 1 && lenText.startsWith('0')) return 'has an IPv4 prefix length above 32';
    const bits = parts.reduce((n, p) => (n << 8n) | BigInt(p), 0n);
    const host = len === 32 ? 0n : bits & ((1n << BigInt(32 - len)) - 1n);
    if (host !== 0n) {
      const net = bits & ~((1n << BigInt(32 - len)) - 1n);
      const canon = [24n, 16n, 8n, 0n].map((s) => String((net >> s) & 255n)).join('.');
      return `has host bits set (not canonical; the network is ${canon}/${len})`;
    }
    return undefined;
  }
  const words = ipv6Words(addr);
  if (!words) return 'is not an IPv4 or IPv6 address';
  if (len > 128 || lenText.length > 1 && lenText.startsWith('0')) return 'has an IPv6 prefix length above 128';
  const bits = words.reduce((n, w) => (n << 16n) | BigInt(w), 0n);
  if (len < 128 && (bits & ((1n << BigInt(128 - len)) - 1n)) !== 0n) return 'has host bits set (not canonical)';
  if (words.slice(0, 5).every((w) => w === 0) && words[5] === 0xffff) return 'is an IPv4-mapped IPv6 address (write the IPv4 CIDR)';
  return undefined;
}

/** The eight 16-bit words of an IPv6 address (with :: and an optional dotted IPv4 tail), or undefined. */
function ipv6Words(a: string): number[] | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(a) || a.includes(':::') || (a.match(/::/g) ?? []).length > 1) return undefined;
  let tail: number[] = [];
  let s = a;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (v4) {
    const o = v4[1].split('.').map(Number);
    if (o.some((x) => x > 255)) return undefined;
    tail = [(o[0] << 8) | o[1], (o[2] << 8) | o[3]];
    s = a.slice(0, -v4[1].length);
    if (s.endsWith(':') && !s.endsWith('::')) s = s.slice(0, -1);
  }
  const [head, rest] = s.includes('::') ? s.split('::') : [s, undefined];
  const parse = (x: string) => (x === '' ? [] : x.split(':'));
  const h = parse(head);
  const r = rest === undefined ? [] : parse(rest);
  if ([...h, ...r].some((w) => !/^[0-9a-fA-F]{1,4}$/.test(w))) return undefined;
  const total = h.length + r.length + tail.length;
  if (rest === undefined ? total !== 8 : total > 7) return undefined;
  const zeros = rest === undefined ? [] : new Array(8 - total).fill(0);
  return [...h.map((w) => parseInt(w, 16)), ...zeros, ...r.map((w) => parseInt(w, 16)), ...tail];
}

/** Where a finding's value came from in `config/<env>.yaml`, when the object and field tell. */
export function configKeyOf(o: K8sObject, field: string): string | undefined {
  const labels = o?.metadata?.labels ?? {};
  const component = labels['app.kubernetes.io/name'] ?? o?.metadata?.name;
  const cnpg = /(^|\.)cnpg\.io\//.test(String(o?.apiVersion ?? ''));
  // The migration Job, its ServiceAccount and NetworkPolicy are named and labelled like the backend
  // (backend-migrate, pensioen-backend-migrate), but their values come from `migrations`.
  const migration = labels['app.kubernetes.io/component'] === 'migration' || /-migrate$/.test(String(labels['app.kubernetes.io/name'] ?? '')) || /^backend-migrate(-|$)/.test(String(o?.metadata?.name ?? ''));
  const part = migration ? 'migrations' : cnpg ? 'database.cloudnativePg' : /backend/.test(component) ? 'backend' : /frontend/.test(component) ? 'frontend' : /haproxy/.test(component) ? 'redis.haproxy' : /redis/.test(component) ? 'redis' : undefined;
  if (/app\.kubernetes\.io\/version/.test(field)) return 'backend.image (the release version label is its tag)';
  // CloudNativePG names and the labels the operator derives from them (cnpg.io/cluster, cnpg.io/poolerName).
  if (/cnpg\.io\/(cluster|poolerName|instanceName|jobRole)/.test(field) || (cnpg && field === 'metadata.name')) return 'database.cloudnativePg.clusterName (or recovery.clusterName)';
  if (o?.kind === 'Ingress' && field.startsWith('metadata.annotations')) return 'ingress.annotations';
  if (o?.kind === 'NetworkPolicy' && /ipBlock/.test(field)) return 'network.databaseCidrs / network.frontendEgressCidrs';
  if (o?.kind === 'NetworkPolicy' && /podSelector/.test(field) && /egress/.test(field)) {
    // Only the DNS rule (port 53) selects the DNS pods.
    const i = /egress\[(\d+)\]/.exec(field)?.[1];
    const rule = i === undefined ? undefined : o.spec?.egress?.[Number(i)];
    if ((rule?.ports ?? []).some((p: any) => p?.port === 53)) return 'network.dnsPodLabels';
    return undefined;
  }
  if (o?.kind === 'NetworkPolicy' && /namespaceSelector/.test(field)) return 'network (the *Namespace keys)';
  if (/\.image$/.test(field) && part) return migration ? 'backend.image (the migration runs the backend image)' : `${part}.${cnpg ? 'imageName' : 'image'}`;
  if (/volumes|volumeMounts/.test(field) && part === 'frontend') return 'frontend.writablePaths';
  if (/resources/.test(field) && part) return `${part}.resources`;
  if (/\.env\[/.test(field) && part) return part;
  return undefined;
}

/** The config section an output file is built from (README's table): the blame when no finer key is known. */
const SECTION_OF_FILE: Readonly<Record<string, string>> = {
  '00-namespace.yaml': 'namespace', '05-secrets.yaml': 'secretsProvider / secrets', '08-database.yaml': 'database',
  '09-migrations.yaml': 'migrations', '10-backend.yaml': 'backend', '20-frontend.yaml': 'frontend',
  '30-network-policies.yaml': 'network', '35-redis.yaml': 'redis', '40-ingress.yaml': 'ingress / certManager',
  '40-gateway.yaml': 'edge / ingress / certManager', '50-monitoring.yaml': 'monitoring',
};

/** `database (08-database.yaml)` for an output file path such as `onprem/08-database.yaml`; argocd/ is `gitops`. */
export function sectionOfFile(file: string): string | undefined {
  if (file.split('/')[0] === 'argocd') return `gitops (${file})`;
  const base = file.split('/').pop() ?? file;
  const section = SECTION_OF_FILE[base];
  return section ? `${section} (${base})` : undefined;
}

export function apiServerFindings(o: K8sObject): Finding[] {
  const out: Finding[] = [];
  if (!o || typeof o !== 'object') return out;
  const add = (rule: string, field: string, message: string) => {
    const f = findingOf(o, rule, `${field}: ${message}`);
    const key = configKeyOf(o, field);
    out.push(key ? { ...f, configKey: key } : f);
  };
  const meta = o.metadata ?? {};
  // metadata.name: a DNS-1035 label for Services, a DNS-1123 label for Namespaces, a DNS subdomain for the rest.
  const name = meta.name;
  if (typeof name === 'string') {
    if (o.kind === 'Service' && !(name.length <= 63 && DNS1035_LABEL.test(name))) add('api-name', 'metadata.name', `"${name}" must be a DNS-1035 label (lower-case letters, digits and "-", starting with a letter, at most 63)`);
    else if (o.kind === 'Namespace' && !(name.length <= 63 && DNS1123_LABEL.test(name))) add('api-name', 'metadata.name', `"${name}" must be a DNS label (at most 63)`);
    else if (!(name.length <= 253 && DNS1123_SUBDOMAIN.test(name))) add('api-name', 'metadata.name', `"${name}" must be a lower-case DNS subdomain (at most 253)`);
  }
  if (meta.namespace !== undefined && !(typeof meta.namespace === 'string' && meta.namespace.length <= 63 && DNS1123_LABEL.test(meta.namespace))) {
    add('api-name', 'metadata.namespace', `${JSON.stringify(meta.namespace)} must be a DNS label (at most 63)`);
  }
  metaFindings(meta, 'metadata', add);
  // Object size, as written (JSON is what kubectl and Argo CD send).
  const size = byteLength(JSON.stringify(o));
  if (size > ETCD_MAX_REQUEST_BYTES) {
    add('api-object-size', '(object)', `is ${size} bytes; etcd refuses writes above ${ETCD_MAX_REQUEST_BYTES} bytes (1.5 MiB, its default --max-request-bytes), so the API server cannot store it`);
  } else if (size > MAX_ANNOTATIONS_BYTES) {
    add('api-object-size', '(object)', `is ${size} bytes; client-side apply (kubectl apply, Argo CD without ServerSideApply=true) copies it into the last-applied-configuration annotation, which may hold at most ${MAX_ANNOTATIONS_BYTES} bytes (256 KiB) of annotations`);
  }
  // ConfigMap and Secret data.
  if (o.kind === 'ConfigMap' || o.kind === 'Secret') {
    let total = 0;
    for (const field of o.kind === 'ConfigMap' ? ['data', 'binaryData'] : ['data', 'stringData']) {
      for (const [k, v] of Object.entries<any>(o[field] ?? {})) {
        if (!(k.length <= 253 && CONFIG_MAP_KEY.test(k)) || k === '.' || k === '..' || k.startsWith('..')) {
          add('api-data-key', `${field}[${JSON.stringify(k)}]`, 'key must be letters, digits, "-", "_" and "." (at most 253, not "." or "..")');
        }
        total += byteLength(k) + (typeof v === 'string' ? byteLength(v) : 0);
      }
    }
    if (total > MAX_DATA_BYTES) add('api-data-size', 'data', `holds ${total} bytes (at most ${MAX_DATA_BYTES}, 1 MiB)`);
  }
  if (o.kind === 'Service') serviceFindings(o, add);
  if (o.kind === 'NetworkPolicy') networkPolicyFindings(o, add);
  if (o.kind === 'Deployment' || o.kind === 'StatefulSet' || o.kind === 'DaemonSet' || o.kind === 'ReplicaSet' || o.kind === 'Job' || o.kind === 'Rollout') {
    matchLabelsFindings(o.spec?.selector, 'spec.selector', add);
  }
  if (o.kind === 'PodDisruptionBudget') matchLabelsFindings(o.spec?.selector, 'spec.selector', add);
  for (const [i, t] of (Array.isArray(o.spec?.volumeClaimTemplates) ? o.spec.volumeClaimTemplates : []).entries()) {
    metaFindings(t?.metadata ?? {}, `spec.volumeClaimTemplates[${i}].metadata`, add);
  }
  const tpl = podTemplateOf(o);
  if (tpl) {
    const prefix = o.kind === 'Pod' ? 'spec' : o.kind === 'CronJob' ? 'spec.jobTemplate.spec.template.spec' : 'spec.template.spec';
    if (o.kind !== 'Pod') metaFindings({ labels: tpl.labels, annotations: tpl.annotations }, prefix.replace(/\.spec$/, '.metadata'), add);
    podSpecFindings(tpl.spec, prefix, add, (Array.isArray(o.spec?.volumeClaimTemplates) ? o.spec.volumeClaimTemplates : []).map((t: any) => t?.metadata?.name));
  }
  return out;
}

type Add = (rule: string, field: string, message: string) => void;

function metaFindings(meta: Record<string, any>, at: string, add: Add): void {
  for (const [k, v] of Object.entries<any>(meta.labels ?? {})) {
    const kp = qualifiedNameProblem(k);
    if (kp) add('api-label-key', `${at}.labels[${JSON.stringify(k)}]`, `key ${kp}`);
    const vp = labelValueProblem(v);
    if (vp) add('api-label-value', `${at}.labels[${JSON.stringify(k)}]`, `value ${JSON.stringify(v)} ${vp}`);
  }
  let total = 0;
  for (const [k, v] of Object.entries<any>(meta.annotations ?? {})) {
    const kp = qualifiedNameProblem(k.toLowerCase()) ?? (k.includes('/') && k.split('/')[0] !== k.split('/')[0].toLowerCase() ? 'prefix must be lower case' : undefined);
    if (kp) add('api-annotation-key', `${at}.annotations[${JSON.stringify(k)}]`, `key ${kp}`);
    if (typeof v !== 'string') add('api-annotation-value', `${at}.annotations[${JSON.stringify(k)}]`, 'value must be a string');
    total += byteLength(k) + (typeof v === 'string' ? byteLength(v) : 0);
  }
  if (total > MAX_ANNOTATIONS_BYTES) add('api-annotations-size', `${at}.annotations`, `hold ${total} bytes (at most ${MAX_ANNOTATIONS_BYTES}, 256 KiB, keys and values together)`);
}

function matchLabelsFindings(selector: any, at: string, add: Add): void {
  for (const [k, v] of Object.entries<any>(selector?.matchLabels ?? {})) {
    const kp = qualifiedNameProblem(k);
    if (kp) add('api-label-key', `${at}.matchLabels[${JSON.stringify(k)}]`, `key ${kp}`);
    const vp = labelValueProblem(v);
    if (vp) add('api-label-value', `${at}.matchLabels[${JSON.stringify(k)}]`, `value ${JSON.stringify(v)} ${vp}`);
  }
  for (const [i, e] of (Array.isArray(selector?.matchExpressions) ? selector.matchExpressions : []).entries()) {
    const kp = qualifiedNameProblem(String(e?.key ?? ''));
    if (kp) add('api-label-key', `${at}.matchExpressions[${i}].key`, `key ${kp}`);
    for (const v of Array.isArray(e?.values) ? e.values : []) {
      const vp = labelValueProblem(v);
      if (vp) add('api-label-value', `${at}.matchExpressions[${i}].values`, `value ${JSON.stringify(v)} ${vp}`);
    }
  }
}

function quantityFindings(map: any, at: string, add: Add): void {
  for (const [k, v] of Object.entries<any>(map ?? {})) {
    const n = typeof v === 'number' ? v : parseQuantity(String(v));
    if (Number.isNaN(n)) add('api-quantity', `${at}.${k}`, `${JSON.stringify(v)} is not a quantity`);
    else if (n < 0) add('api-quantity', `${at}.${k}`, `${JSON.stringify(v)} must not be negative`);
  }
}

function podSpecFindings(spec: Record<string, any>, at: string, add: Add, claimNames: string[] = []): void {
  const volumes = Array.isArray(spec.volumes) ? spec.volumes : [];
  const volumeNames = new Set<string>();
  volumes.forEach((v: any, i: number) => {
    const n = v?.name;
    if (!(typeof n === 'string' && n.length <= 63 && DNS1123_LABEL.test(n))) add('api-volume-name', `${at}.volumes[${i}].name`, `${JSON.stringify(n)} must be a DNS label (at most 63)`);
    else if (volumeNames.has(n)) add('api-volume-name', `${at}.volumes[${i}].name`, `"${n}" is used by two volumes (names must be unique)`);
    volumeNames.add(n);
  });
  const containerNames = new Set<string>();
  for (const { container: c, field, where } of containersOf(spec)) {
    const cat = `${at}.${where}`;
    if (!(typeof c.name === 'string' && c.name.length <= 63 && DNS1123_LABEL.test(c.name))) add('api-container-name', `${cat}.name`, `${JSON.stringify(c.name)} must be a DNS label (at most 63)`);
    else if (containerNames.has(c.name)) add('api-container-name', `${cat}.name`, `"${c.name}" is used by two containers (names must be unique across containers and initContainers)`);
    containerNames.add(c.name);
    if (field !== 'ephemeralContainers') {
      if (typeof c.image !== 'string' || c.image.trim() === '') add('api-image', `${cat}.image`, 'is required');
      else if (c.image.length > 255 + 140 || !IMAGE_REFERENCE.test(c.image) || c.image.split(/[:@]/)[0].length > 255) {
        add('api-image', `${cat}.image`, `"${c.image}" is not a valid image reference ([registry/]name[:tag][@sha256:digest]); the kubelet would fail with InvalidImageName`);
      }
    }
    const portNames = new Set<string>();
    (Array.isArray(c.ports) ? c.ports : []).forEach((p: any, i: number) => {
      if (!Number.isInteger(p?.containerPort) || p.containerPort < 1 || p.containerPort > 65535) add('api-port', `${cat}.ports[${i}].containerPort`, `${JSON.stringify(p?.containerPort)} must be 1-65535`);
      if (p?.name !== undefined) {
        const np = portNameProblem(p.name);
        if (np) add('api-port', `${cat}.ports[${i}].name`, np);
        else if (portNames.has(p.name)) add('api-port', `${cat}.ports[${i}].name`, `"${p.name}" is used by two ports of this container`);
        portNames.add(p.name);
      }
    });
    (Array.isArray(c.env) ? c.env : []).forEach((e: any, i: number) => {
      if (!(typeof e?.name === 'string' && ENV_VAR_NAME.test(e.name))) add('api-env-name', `${cat}.env[${i}].name`, `${JSON.stringify(e?.name)} must be letters, digits, "_", "-" and ".", not starting with a digit`);
    });
    quantityFindings(c.resources?.requests, `${cat}.resources.requests`, add);
    quantityFindings(c.resources?.limits, `${cat}.resources.limits`, add);
    for (const [k, v] of Object.entries<any>(c.resources?.requests ?? {})) {
      const lim = c.resources?.limits?.[k];
      if (lim !== undefined && parseQuantity(String(v)) > parseQuantity(String(lim))) add('api-quantity', `${cat}.resources.requests.${k}`, `${v} must be less than or equal to the ${k} limit (${lim})`);
    }
    const mountPaths = new Set<string>();
    (Array.isArray(c.volumeMounts) ? c.volumeMounts : []).forEach((m: any, i: number) => {
      if (!volumeNames.has(m?.name) && !claimNames.includes(m?.name)) add('api-volume-mount', `${cat}.volumeMounts[${i}].name`, `"${m?.name}" is not a volume of this pod`);
      if (typeof m?.mountPath !== 'string' || m.mountPath === '') add('api-volume-mount', `${cat}.volumeMounts[${i}].mountPath`, 'is required');
      else if (mountPaths.has(m.mountPath)) add('api-volume-mount', `${cat}.volumeMounts[${i}].mountPath`, `"${m.mountPath}" is mounted twice`);
      mountPaths.add(m?.mountPath);
    });
  }
}

function portNameProblem(n: unknown): string | undefined {
  if (typeof n !== 'string') return 'must be a string';
  if (n.length === 0 || n.length > 15) return `"${n}" must be 1-15 characters (IANA service name)`;
  if (!IANA_SVC_NAME.test(n) || n.includes('--') || !/[a-z]/.test(n)) return `"${n}" must be lower-case letters, digits and "-" with at least one letter, no "--" (IANA service name)`;
  return undefined;
}

function serviceFindings(o: K8sObject, add: Add): void {
  const ports = Array.isArray(o.spec?.ports) ? o.spec.ports : [];
  const names = new Set<string>();
  ports.forEach((p: any, i: number) => {
    const at = `spec.ports[${i}]`;
    if (ports.length > 1 && !p?.name) add('api-port', `${at}.name`, 'is required when a Service has more than one port');
    if (p?.name !== undefined) {
      const np = portNameProblem(p.name);
      if (np) add('api-port', `${at}.name`, np);
      else if (names.has(p.name)) add('api-port', `${at}.name`, `"${p.name}" is used by two ports`);
      names.add(p.name);
    }
    if (!Number.isInteger(p?.port) || p.port < 1 || p.port > 65535) add('api-port', `${at}.port`, `${JSON.stringify(p?.port)} must be 1-65535`);
    const t = p?.targetPort;
    if (typeof t === 'number' && (!Number.isInteger(t) || t < 1 || t > 65535)) add('api-port', `${at}.targetPort`, `${t} must be 1-65535`);
    if (typeof t === 'string') { const np = portNameProblem(t); if (np) add('api-port', `${at}.targetPort`, np); }
  });
  for (const [k, v] of Object.entries<any>(o.spec?.selector ?? {})) {
    const kp = qualifiedNameProblem(k);
    if (kp) add('api-label-key', `spec.selector[${JSON.stringify(k)}]`, `key ${kp}`);
    const vp = labelValueProblem(v);
    if (vp) add('api-label-value', `spec.selector[${JSON.stringify(k)}]`, `value ${JSON.stringify(v)} ${vp}`);
  }
}

function networkPolicyFindings(o: K8sObject, add: Add): void {
  matchLabelsFindings(o.spec?.podSelector, 'spec.podSelector', add);
  for (const dir of ['ingress', 'egress'] as const) {
    (Array.isArray(o.spec?.[dir]) ? o.spec[dir] : []).forEach((rule: any, r: number) => {
      const peers = dir === 'ingress' ? rule?.from : rule?.to;
      (Array.isArray(peers) ? peers : []).forEach((peer: any, p: number) => {
        const at = `spec.${dir}[${r}].${dir === 'ingress' ? 'from' : 'to'}[${p}]`;
        if (peer?.podSelector) matchLabelsFindings(peer.podSelector, `${at}.podSelector`, add);
        if (peer?.namespaceSelector) matchLabelsFindings(peer.namespaceSelector, `${at}.namespaceSelector`, add);
        if (peer?.ipBlock) {
          const cp = cidrProblem(peer.ipBlock.cidr);
          if (cp) add('api-cidr', `${at}.ipBlock.cidr`, `${JSON.stringify(peer.ipBlock.cidr)} ${cp}`);
          (Array.isArray(peer.ipBlock.except) ? peer.ipBlock.except : []).forEach((x: unknown, i: number) => {
            const xp = cidrProblem(x);
            if (xp) add('api-cidr', `${at}.ipBlock.except[${i}]`, `${JSON.stringify(x)} ${xp}`);
          });
        }
      });
    });
  }
}
