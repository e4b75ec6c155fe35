/**
 * Safe input: how a `config/<env>.yaml` is read (strict YAML: UTF-8 only, one document, no unknown tags,
 * few aliases, decimal numbers only), which values are reserved or dangerous (system and tool namespaces,
 * hosts, timers, control characters), and the rules across environments (names that collide with output
 * folders, two environments owning the same objects or serving the same host). docs/validation-rules.md
 * lists every rule with its reason.
 */
import * as fs from 'fs';
import * as path from 'path';
import { type Document, isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, visit } from 'yaml';
import type { z } from 'zod';

/** Aliases (`*name`) a config file may use: enough for sharing a block, far from an alias bomb. */
export const MAX_ALIASES = 10;
/** Largest config file read (a real one is a few KiB). */
export const MAX_CONFIG_BYTES = 1024 * 1024;
/** Environment names that would collide with what synth writes next to dist/<env>/. */
export const RESERVED_ENV_NAMES = ['argocd', 'apps', 'projects', 'dist', 'config', 'crds', 'runbooks', 'docs', 'schemas'];
/** Namespaces of the cluster itself. */
const SYSTEM_NAMESPACE = /^(kube-.*|default|openshift(-.*)?)$/;
/** Namespaces of the tools the manifests rely on, whatever their configured names are. */
const TOOL_NAMESPACES: Record<string, string> = {
  'cert-manager': 'cert-manager', argocd: 'Argo CD', 'ingress-nginx': 'the ingress controller', monitoring: 'monitoring (Prometheus)',
  'external-secrets': 'the External Secrets Operator', 'gateway-system': 'the Gateway API data plane', 'envoy-gateway-system': 'Envoy Gateway',
  'kube-prometheus-stack': 'monitoring (Prometheus)',
};

/** A problem with the file as a whole or at a key path: `file: where: what (allowed ...)`. */
export class InputProblem extends Error {}

function keyPathOf(p: readonly PropertyKey[]): string {
  if (p.length === 0) return '(top level)';
  return p.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? String(k) : `.${String(k)}`)).join('');
}

/** Lists the environment files of a config folder; other YAML spellings are refused, not ignored. */
export function configFilesOf(configDir: string): { files: string[]; problems: string[] } {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(configDir, { withFileTypes: true });
  } catch (e: any) {
    const why = e.code === 'ENOENT' ? 'the config folder does not exist; pass --config DIR or run from a clone that has config/'
      : e.code === 'ENOTDIR' ? 'is not a folder; --config takes the folder that holds <env>.yaml files'
        : e.code === 'EACCES' ? 'cannot be read (permission denied); fix its permissions'
          : `cannot be read (${e.code ?? e.message})`;
    return { files: [], problems: [`${configDir}: ${why} (${e.code ?? 'error'})`] };
  }
  const files: string[] = [];
  const problems: string[] = [];
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (e.name.endsWith('.yaml')) files.push(e.name);
    else if (/\.ya?ml$/i.test(e.name)) {
      const stem = e.name.replace(/\.ya?ml$/i, '');
      problems.push(`${path.join(configDir, e.name)}: environment files must end in ".yaml" exactly; rename it to ${stem}.yaml (it would otherwise be ignored)`);
    }
  }
  if (files.length === 0 && problems.length === 0) problems.push(`${configDir}: no *.yaml environment files found`);
  return { files, problems };
}

/** Reads one config file as text: a regular file, not too large, valid UTF-8. Throws InputProblem. */
export function readConfigText(file: string): string {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch (e: any) {
    const dangling = e.code === 'ENOENT' && (() => { try { return fs.lstatSync(file).isSymbolicLink(); } catch { return false; } })();
    throw new InputProblem(`${file}: cannot be read: ${dangling ? 'it is a symbolic link to a file that does not exist; fix or remove the link' : e.code === 'EACCES' ? 'permission denied; fix its permissions' : e.code === 'ELOOP' ? 'symbolic link loop' : e.message} (${e.code})`);
  }
  if (!st.isFile()) throw new InputProblem(`${file}: is not a regular file (a folder, FIFO, socket or device); an environment file must be a regular file`);
  if (st.size > MAX_CONFIG_BYTES) throw new InputProblem(`${file}: is ${st.size} bytes (allowed at most ${MAX_CONFIG_BYTES}); an environment file is a few KiB`);
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (e: any) {
    throw new InputProblem(`${file}: cannot be read: ${e.code === 'EACCES' ? 'permission denied; fix its permissions' : e.message} (${e.code})`);
  }
  return decodeUtf8(file, bytes);
}

/** UTF-8 text of a file, or an InputProblem naming the line of the first invalid byte. */
export function decodeUtf8(file: string, bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    let i = 0;
    const ok = new TextDecoder('utf-8', { fatal: true });
    // Find the first bad byte: the longest prefix that decodes.
    let lo = 0;
    let hi = bytes.length;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      try { ok.decode(bytes.subarray(0, mid)); lo = mid; } catch { hi = mid - 1; }
    }
    i = lo;
    // A prefix may end inside a valid multi-byte sequence: step back to the start of a character.
    let line = 1;
    for (let k = 0; k < i; k++) if (bytes[k] === 0x0a) line++;
    throw new InputProblem(`${file}: line ${line}: is not valid UTF-8 (byte 0x${bytes[i]?.toString(16).padStart(2, '0')} at offset ${i}); save the file as UTF-8`);
  }
}

/**
 * Parses the YAML text of a config file strictly and returns plain data. Problems are `file: ...` lines:
 * syntax errors, more than one document, unknown tags, more than MAX_ALIASES aliases, numbers that are not
 * plain decimals (0x10, 0o17, 1e3, .inf).
 */
export function parseConfigYaml(file: string, text: string): unknown {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { prettyErrors: true, uniqueKeys: true, lineCounter, schema: 'core' });
  const list: Document[] = Array.isArray(docs) ? docs : [];
  if (list.length > 1) {
    const line = lineCounter.linePos((list[1] as any).range?.[0] ?? 0).line;
    throw new InputProblem(`${file}: line ${line}: a second YAML document ("---"); an environment file holds exactly one mapping`);
  }
  const doc = list[0];
  if (!doc) return {};
  const lineOf = (pos: number | undefined) => lineCounter.linePos(pos ?? 0).line;
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const line = e.linePos?.[0]?.line ?? lineOf(e.pos[0]);
    throw new InputProblem(`${file}: line ${line}: YAML syntax error: ${e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`);
  }
  const problems: string[] = [];
  let aliases = 0;
  visit(doc, (_key, node, pathOf) => {
    const where = keyPathOf(keysOf(pathOf as readonly unknown[]));
    if (isAlias(node)) {
      aliases++;
      if (aliases === MAX_ALIASES + 1) problems.push(`${file}: line ${lineOf(node.range?.[0])}: more than ${MAX_ALIASES} YAML aliases (allowed at most ${MAX_ALIASES}; write the values out)`);
      return;
    }
    const n = node as any;
    if (n && typeof n.tag === 'string' && !/^tag:yaml\.org,2002:(str|int|float|bool|null|map|seq)$/.test(n.tag)) {
      problems.push(`${file}: line ${lineOf(n.range?.[0])}: ${where}: unknown YAML tag "${n.tag}" (allowed: no tag)`);
    }
    if (isScalar(node) && typeof node.value === 'number' && node.type === 'PLAIN') {
      const src = String(node.source ?? '');
      if (!/^[-+]?(0|[1-9]\d*)(\.\d+)?$/.test(src)) {
        problems.push(`${file}: line ${lineOf(node.range?.[0])}: ${where}: "${src}" is not a plain decimal number (allowed: digits such as 16 or 0.5; hex, octal, exponents and .inf are refused)`);
      }
    }
  });
  for (const w of doc.warnings) {
    const line = w.linePos?.[0]?.line ?? lineOf(w.pos[0]);
    problems.push(`${file}: line ${line}: ${w.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`);
  }
  if (problems.length > 0) throw new InputProblem([...new Set(problems)].join('\n'));
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIASES * 10 });
  } catch (e: any) {
    throw new InputProblem(`${file}: cannot be read as data: ${String(e?.message ?? e).split('\n')[0]}`);
  }
}

/** Key names along a `visit` path (maps give their keys, sequences their indices). */
function keysOf(pathOf: readonly unknown[]): PropertyKey[] {
  const keys: PropertyKey[] = [];
  for (let i = 0; i < pathOf.length; i++) {
    const p = pathOf[i];
    if (isPair(p) && isScalar(p.key)) keys.push(String(p.key.value));
    else if (isSeq(p) && i + 1 < pathOf.length) keys.push(p.items.indexOf(pathOf[i + 1] as any));
    else if (isMap(p)) continue;
  }
  return keys;
}

/** Largest duration Prometheus accepts: 2^63-1 ns, i.e. 9223372036854 ms (promtool: "duration out of range" above). */
const PROMETHEUS_MAX_MS = 9223372036854n;
const UNIT_MS: Record<string, bigint> = { y: 31536000000n, w: 604800000n, d: 86400000n, h: 3600000n, m: 60000n, s: 1000n, ms: 1n };

/** Milliseconds of a Prometheus duration (30s, 1h30m), as a bigint; undefined when it is not one. */
export function prometheusMs(v: string): bigint | undefined {
  const re = /(\d+)(ms|y|w|d|h|m|s)/gy;
  let total = 0n;
  let m: RegExpExecArray | null;
  let at = 0;
  while ((m = re.exec(v))) {
    total += BigInt(m[1]) * UNIT_MS[m[2]];
    at = re.lastIndex;
  }
  return at === v.length && v.length > 0 ? total : undefined;
}

/** A Prometheus duration promtool accepts (at most 2^63-1 ns). */
export function prometheusDurationInRange(v: string): boolean {
  const ms = prometheusMs(v);
  return ms === undefined || ms <= PROMETHEUS_MAX_MS;
}

/** HAProxy timers are 32-bit milliseconds: `haproxy -c` calls a value above 2147483647 ms a timer overflow. */
export const HAPROXY_MAX_MS = 2147483647;

/** An HTTP path as kubelet's httpGet probe sends it (RFC 3986 path characters, optional query). */
export const HTTP_PATH = /^\/[A-Za-z0-9\-._~!$&'()*+,;=:@%/]*(\?[A-Za-z0-9\-._~!$&'()*+,;=:@%/?]*)?$/;

/** A Git revision Argo CD can resolve: branch, tag or commit, following git check-ref-format. */
export function gitRevisionProblem(v: string): string | undefined {
  if (v === 'HEAD') return undefined;
  if (!/^[A-Za-z0-9._/+-]+$/.test(v)) return 'must be a branch, tag or commit (letters, digits and . _ / + -; no spaces or control characters)';
  if (/(^|\/)\.|\.\.|\/\/|\.lock(\/|$)|\/$|^\/|\.$|@\{/.test(v)) return 'is not a valid Git ref name (git check-ref-format: no "..", no leading "." or "/", no trailing "/", ".lock" or ".")';
  return undefined;
}

type Ctx = z.RefinementCtx;
const issue = (ctx: Ctx, p: PropertyKey[], message: string) => ctx.addIssue({ code: 'custom', path: p, message });

/** Every string in the config with its key path (for the control-character rule). */
function* stringsOf(v: unknown, p: PropertyKey[] = []): Generator<[PropertyKey[], string]> {
  if (typeof v === 'string') yield [p, v];
  else if (Array.isArray(v)) for (let i = 0; i < v.length; i++) yield* stringsOf(v[i], [...p, i]);
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      yield [[...p, k], k];
      yield* stringsOf(x, [...p, k]);
    }
  }
}

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

/** Query parameter names that carry a credential (compared lower-case, `-` as `_`). */
const CREDENTIAL_PARAMETERS = new Set([
  'password', 'passwd', 'pass', 'pwd', 'sslpassword', 'secret', 'client_secret', 'token', 'access_token', 'auth_token',
  'private_token', 'id_token', 'refresh_token', 'key', 'api_key', 'apikey', 'access_key', 'secret_key', 'auth',
  'credential', 'credentials', 'sig', 'signature', 'x_amz_signature', 'x_amz_credential', 'x_amz_security_token',
]);

/** Why a query string holds a credential (the first such parameter), or undefined. */
export function credentialParameterOf(query: string): string | undefined {
  for (const [name] of new URLSearchParams(query)) {
    if (CREDENTIAL_PARAMETERS.has(name.toLowerCase().replace(/-/g, '_'))) return name;
  }
  return undefined;
}

/**
 * Why a URL in the config carries a credential, or undefined: a password (`user:token@`), a user name on
 * http(s) (a token passed as the user, `https://ghp_...@github.com`), or a credential-looking query parameter.
 * SSH user names (`git@github.com:...`, `ssh://git@...`) are not secrets.
 */
export function urlCredentialProblem(value: string): string | undefined {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return undefined;
  let u: URL;
  try { u = new URL(value); } catch { return undefined; }
  if (u.password) return 'holds a password or token in the URL (user:secret@)';
  if (u.username && /^https?:$/.test(u.protocol)) return 'holds a user name in an http(s) URL (where a token usually goes: https://token@host)';
  const p = credentialParameterOf(u.search);
  if (p) return `holds a credential-looking query parameter "${p}="`;
  return undefined;
}

/** The reserved and dangerous values of one environment (run as the config schema's last refinement). */
export function refineSafety(c: any, ctx: Ctx): void {
  // Control characters: every string lands in a header, a path, a script or a config file somewhere.
  for (const [p, s] of stringsOf(c)) {
    // eslint-disable-next-line no-control-regex
    const bad = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.exec(s);
    if (bad) issue(ctx, p, `contains the control character U+${bad[0].charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()} (newline, tab, ...); it would break the header, path, script or config file it ends up in (allowed: printable characters only)`);
  }
  // Credentials in URLs and connection queries: every config value ends up in dist/ (and in git), where
  // anyone who can read the repository or the objects reads them. Secrets come from Secrets (docs/secrets.md).
  for (const [p, s] of stringsOf(c)) {
    const why = urlCredentialProblem(s);
    if (why && p.length > 0 && s !== p[p.length - 1]) {
      const hint = p.join('.') === 'gitops.repoURL' ? 'give Argo CD the repository credentials as a repository Secret in its namespace' : 'pass the credential through a Secret';
      issue(ctx, p, `${why}; it would be written in plain text to dist/ and git (allowed: the URL without credentials; ${hint})`);
    }
  }
  const query = c.database?.cloudnativePg?.connectionQuery;
  const qp = typeof query === 'string' ? credentialParameterOf(query) : undefined;
  if (qp) issue(ctx, ['database', 'cloudnativePg', 'connectionQuery'], `holds a credential-looking parameter "${qp}=": DATABASE_URL is written in plain text to dist/ and git (allowed: connection options such as connect_timeout=10; the password comes from the role's Secret)`);
  // The namespace: never the cluster's or a tool's own.
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
  // Hosts: the API and the frontend are different Ingress rules; one host in both makes the controller pick one.
  const ing = c.ingress;
  if (ing && typeof ing.apiHost === 'string' && Array.isArray(ing.frontendHosts)) {
    ing.frontendHosts.forEach((h: string, i: number) => {
      if (h === ing.apiHost) issue(ctx, ['ingress', 'frontendHosts', i], `"${h}" is also ingress.apiHost: the API and the frontend need different hosts`);
      if (ing.frontendHosts.indexOf(h) !== i) issue(ctx, ['ingress', 'frontendHosts', i], `"${h}" is listed twice`);
    });
  }
  // Shutdown: the preStop sleep counts against the grace period; the kubelet kills the container when it runs out.
  const pod = c.pod;
  if (pod && typeof pod.preStopSleepSeconds === 'number' && pod.preStopSleepSeconds >= pod.terminationGracePeriodSeconds) {
    issue(ctx, ['pod', 'preStopSleepSeconds'], `must be less than pod.terminationGracePeriodSeconds (${pod.terminationGracePeriodSeconds}), got ${pod.preStopSleepSeconds}: the preStop sleep is part of the grace period, so the app would be killed before it can shut down`);
  }
  for (const part of ['backend', 'frontend'] as const) {
    const hp = c[part]?.healthPath;
    if (typeof hp === 'string' && !HTTP_PATH.test(hp)) {
      issue(ctx, [part, 'healthPath'], `must be an HTTP path such as /health (RFC 3986 path characters: letters, digits and -._~!$&'()*+,;=:@%/), got ${JSON.stringify(hp)}`);
    }
  }
  const paths: unknown = c.frontend?.writablePaths;
  if (Array.isArray(paths)) {
    const norm = paths.map((p) => (typeof p === 'string' ? path.posix.normalize(p).replace(/(.)\/$/, '$1') : p));
    norm.forEach((p, i) => {
      if (norm.indexOf(p) !== i) issue(ctx, ['frontend', 'writablePaths', i], `"${paths[i]}" is the same folder as "${paths[norm.indexOf(p)]}" (each path gets its own volume; list it once)`);
    });
  }
  for (const key of ['targetRevision', 'bootstrapRevision'] as const) {
    const r = c.gitops?.[key];
    const why = typeof r === 'string' ? gitRevisionProblem(r) : undefined;
    if (why) issue(ctx, ['gitops', key], `${why}, got ${JSON.stringify(r)}`);
  }
  const inter = c.redis?.haproxy?.checkIntervalMilliseconds;
  if (typeof inter === 'number' && inter > HAPROXY_MAX_MS) {
    issue(ctx, ['redis', 'haproxy', 'checkIntervalMilliseconds'], `must be at most ${HAPROXY_MAX_MS} (HAProxy timers are 32-bit milliseconds; haproxy -c calls more a timer overflow), got ${inter}`);
  }
  for (const k of ['downAfterMilliseconds', 'failoverTimeout'] as const) {
    const v = c.redis?.sentinel?.[k];
    if (typeof v === 'number' && v > HAPROXY_MAX_MS) issue(ctx, ['redis', 'sentinel', k], `must be at most ${HAPROXY_MAX_MS} milliseconds (about 24.8 days), got ${v}`);
  }
  // Prometheus durations anywhere in monitoring (scrapeInterval, alert `for:` windows).
  for (const [p, s] of stringsOf(c.monitoring, ['monitoring'])) {
    if (typeof p[p.length - 1] === 'string' && s !== p[p.length - 1] && prometheusMs(s) !== undefined && !prometheusDurationInRange(s)) {
      issue(ctx, p, `${s} is out of range for Prometheus (allowed at most 292y, 2^63-1 nanoseconds; promtool says "duration out of range")`);
    }
  }
}

/** The environment's identity for the cross-environment rules. */
export interface EnvIdentity {
  readonly name: string;
  readonly file: string;
  readonly config: {
    namespace: string; gitops: { enabled: boolean; destinationServer: string }; ingress: { apiHost: string; frontendHosts: string[] };
    database?: { mode: string; cloudnativePg?: { backup?: { objectStore?: { endpointURL?: string; destinationPath?: string } } } };
  };
}

/** Where an environment's backups go (endpoint and path, trailing slashes dropped), or undefined. */
function backupDestination(e: EnvIdentity): string | undefined {
  const store = e.config.database?.mode === 'cloudnative-pg' ? e.config.database.cloudnativePg?.backup?.objectStore : undefined;
  if (!store?.destinationPath) return undefined;
  return `${(store.endpointURL ?? '').replace(/\/+$/, '')} ${store.destinationPath.replace(/\/+$/, '')}`;
}

/** Rules across environments: names that collide with output folders, shared objects or hosts. */
export function crossEnvironmentProblems(envs: readonly EnvIdentity[]): string[] {
  const problems: string[] = [];
  for (const e of envs) {
    if (RESERVED_ENV_NAMES.includes(e.name)) {
      problems.push(`${e.file}: the environment name "${e.name}" is reserved (dist/${e.name}/ ${e.name === 'argocd' ? 'holds the Argo CD objects of every environment' : 'is not an environment folder'}); rename the file (reserved: ${RESERVED_ENV_NAMES.join(', ')})`);
    }
  }
  const owner = new Map<string, EnvIdentity>();
  const hosts = new Map<string, EnvIdentity>();
  const backups = new Map<string, EnvIdentity>();
  for (const e of envs) {
    const dest = backupDestination(e);
    const other = dest ? backups.get(dest) : undefined;
    if (other) {
      problems.push(`${e.file}: database.cloudnativePg.backup.objectStore.destinationPath: "${dest!.split(' ')[1]}" is also ${other.name}'s backup destination (${other.file}); each environment needs its own (its WAL would be archived into, and restores would read, the other's backups)`);
    } else if (dest) backups.set(dest, e);
    // Only Argo CD environments name their cluster; one applied with kubectl may go anywhere.
    const key = !e.config.gitops.enabled ? `kubectl ${e.name}` : `${e.config.gitops.destinationServer.replace(/\/+$/, '').replace(/:443$/, '')} ${e.config.namespace}`;
    const o = owner.get(key);
    if (o) {
      problems.push(`${e.file}: namespace: "${e.config.namespace}" on ${e.config.gitops.destinationServer} is also ${o.name}'s (${o.file}); two environments would own the same objects and fight under Argo CD (change namespace or gitops.destinationServer)`);
    } else owner.set(key, e);
    const mine = [e.config.ingress.apiHost, ...e.config.ingress.frontendHosts];
    for (const h of new Set(mine)) {
      const other = hosts.get(h);
      if (other) problems.push(`${e.file}: ingress: host "${h}" is also served by ${other.name} (${other.file}); each host belongs to one environment`);
      else hosts.set(h, e);
    }
  }
  return problems;
}
