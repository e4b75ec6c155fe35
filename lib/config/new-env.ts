/**
 * `npm run new-env -- <name> --from <env>`: a new config/<name>.yaml copied from config/<env>.yaml, comments
 * kept, with every value that would collide with the source replaced by the placeholder `CHANGE-ME` (loading
 * refuses it until it is set, see placeholders.ts): the namespace and Argo CD destination, hosts and CORS
 * origins, TLS Secrets, the ClusterIssuer choice, an explicit instance / ENVIRONMENT / remote secret names, and
 * the cloud identity the External Secrets store uses, the CloudNativePG backup destination and the cluster's
 * API-server and node address ranges. Values the source leaves to their default get the
 * placeholder too (production's hosts are defaults), so nothing is inherited silently.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseDocument, Scalar, YAMLSeq } from 'yaml';
import { ConfigError, type EnvConfig, parseConfig } from './index';
import { PLACEHOLDER } from './placeholders';
import { DNS_LABEL } from './types';
import { RESERVED_ENV_NAMES, reservedNameReason } from './cross-environment';

/** Names synth refuses for an environment (lib/config/cross-environment.ts): refused here up front, before a file exists. */
const RESERVED = new Set(RESERVED_ENV_NAMES);
/** app.kubernetes.io/instance defaults to `pensioen-<name>`: a label value of at most 63 characters. */
const MAX_NAME = 63 - 'pensioen-'.length;

export interface NewEnvironment {
  /** The text of config/<name>.yaml. */
  readonly text: string;
  /** Key paths that hold a placeholder, as the loader names them. */
  readonly placeholders: string[];
}

/** A problem with the command's input: one line, no stack trace. */
export class NewEnvError extends Error {}

/** Checks the new environment's name (and that config/<name>.yaml does not exist yet). */
export function checkName(name: string | undefined, configDir: string): string {
  if (!name) throw new NewEnvError('new-env: missing the environment name (usage: npm run new-env -- <name> --from <env>)');
  if (!DNS_LABEL.test(name) || name.length > MAX_NAME) {
    throw new NewEnvError(`new-env: ${JSON.stringify(name)} is not a valid environment name (allowed: lower-case letters, digits and "-", starting with a letter or digit, at most ${MAX_NAME} characters)`);
  }
  if (RESERVED.has(name)) {
    const reason = name === 'argocd' ? reservedNameReason(name) : `synth refuses it: ${reservedNameReason(name)!.replace(/ is not an environment folder$/, ' would not be an environment folder')}`;
    throw new NewEnvError(`new-env: "${name}" is reserved (${reason}); choose another name (reserved: ${RESERVED_ENV_NAMES.join(', ')})`);
  }
  const file = path.join(configDir, `${name}.yaml`);
  const shown = path.relative(process.cwd(), file) || file;
  const problem = targetProblem(file);
  if (problem) throw new NewEnvError(`new-env: ${shown}: ${problem}`);
  return name;
}

/** Why the new file cannot be written at `file` (something is already there), or undefined. One line each. */
function targetProblem(file: string): string | undefined {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(file);
  } catch (e: any) {
    if (e.code === 'ENOENT') return undefined;
    return `cannot be checked (${e.code ?? e.message}); fix the config folder's permissions`;
  }
  if (st.isSymbolicLink()) {
    const to = fs.readlinkSync(file);
    const dangling = !fs.existsSync(file);
    return `is a symbolic link to ${to}${dangling ? ', which does not exist' : ''}; new-env does not write through links: remove the link (rm ${path.basename(file)}) or choose another name`;
  }
  if (st.isDirectory()) return 'is a folder, not a file; remove or rename the folder, or choose another name';
  if (!st.isFile()) return 'exists and is not a regular file (a FIFO, socket or device); remove it or choose another name';
  return 'already exists; choose another name or edit that file';
}

/**
 * `npm run new-env`: checks everything first (the config folder, the source, the name, the target), then writes
 * config/<name>.yaml; on any problem a NewEnvError (one line) and nothing written.
 */
export function createEnvironment(configDir: string, name: string | undefined, from: string | undefined): { file: string; placeholders: string[] } {
  let entries: string[];
  try {
    entries = fs.readdirSync(configDir);
  } catch (e: any) {
    throw new NewEnvError(`new-env: ${path.relative(process.cwd(), configDir) || configDir}: ${e.code === 'ENOENT' ? 'no config folder here; run new-env from the project root' : e.code === 'ENOTDIR' ? 'is not a folder' : `cannot be read (${e.code ?? e.message})`}`);
  }
  const envs = entries.filter((f) => f.endsWith('.yaml')).map((f) => f.slice(0, -5)).sort();
  if (!from) throw new NewEnvError(`new-env: missing --from <env> (allowed: ${envs.join(', ')})`);
  if (!envs.includes(from)) throw new NewEnvError(`new-env: --from ${from}: no config/${from}.yaml (allowed: ${envs.join(', ')})`);
  checkName(name, configDir);
  let sourceText: string;
  try {
    sourceText = fs.readFileSync(path.join(configDir, `${from}.yaml`), 'utf8');
  } catch (e: any) {
    throw new NewEnvError(`new-env: config/${from}.yaml: cannot be read (${e.code === 'EISDIR' ? 'it is a folder' : e.code === 'ENOENT' ? 'a symbolic link to a file that does not exist' : e.code ?? e.message}); fix it or choose another --from`);
  }
  const out = newEnvironmentConfig(name!, from, sourceText);
  const file = path.join(configDir, `${name}.yaml`);
  try {
    fs.writeFileSync(file, out.text, { flag: 'wx' });
  } catch (e: any) {
    // Something appeared between the check and the write, or the folder is not writable.
    const why = e.code === 'EEXIST' || e.code === 'EISDIR' ? targetProblem(file) ?? 'already exists' : e.code === 'EACCES' ? 'permission denied; fix the config folder\'s permissions' : `cannot be written (${e.code ?? e.message})`;
    throw new NewEnvError(`new-env: ${path.relative(process.cwd(), file) || file}: ${why}`);
  }
  return { file, placeholders: out.placeholders };
}

/** The new config's text, from the source's text (its file name is only used in comments and messages). */
export function newEnvironmentConfig(name: string, sourceName: string, sourceText: string): NewEnvironment {
  let source: EnvConfig;
  try {
    source = parseConfig(`config/${sourceName}.yaml`, sourceText);
  } catch (e) {
    if (e instanceof ConfigError) throw new NewEnvError(`new-env: config/${sourceName}.yaml does not load, fix it first:\n${e.problems.join('\n')}`);
    throw e;
  }
  const doc = parseDocument(sourceText);
  const placeholders: string[] = [];
  const show = (v: unknown) => (Array.isArray(v) ? v.join(', ') : String(v));

  /** Sets a placeholder at `keys`, creating maps on the way, with a comment saying what the source had. */
  const mark = (keys: (string | number)[], had: unknown, list = false) => {
    const value = list ? Object.assign(new YAMLSeq(), { flow: true, items: [new Scalar(PLACEHOLDER)] }) : new Scalar(PLACEHOLDER);
    value.comment = ` placeholder from new-env: ${sourceName} has ${show(had)}`;
    doc.setIn(keys, value);
    placeholders.push(list ? `${keys.join('.')}[0]` : keys.join('.'));
  };
  const has = (keys: (string | number)[]) => doc.hasIn(keys);

  mark(['namespace'], source.namespace);
  // namespace first, where a reader looks for it (setIn appends a new key at the end)
  const root = doc.contents as unknown as { items: unknown[] };
  const at = root.items.findIndex((p: any) => (p.key?.value ?? p.key) === 'namespace');
  const first = root.items[0] as any;
  if (at > 0 && first?.key?.commentBefore) { // the source's opening comment stays at the top
    doc.commentBefore = [doc.commentBefore, first.key.commentBefore].filter(Boolean).join('\n');
    first.key.commentBefore = undefined;
  }
  if (at > 0) root.items.unshift(...root.items.splice(at, 1));
  if (has(['instance'])) mark(['instance'], source.instance);
  if (has(['appEnvironment'])) mark(['appEnvironment'], source.appEnvironment);
  if (source.gitops.enabled) mark(['gitops', 'destinationServer'], source.gitops.destinationServer);
  mark(['ingress', 'apiHost'], source.ingress.apiHost);
  mark(['ingress', 'frontendHosts'], source.ingress.frontendHosts, true);
  mark(['ingress', 'cors', 'allowOrigins'], source.ingress.cors.allowOrigins, true);
  mark(['ingress', 'apiTlsSecretName'], source.ingress.apiTlsSecretName);
  mark(['ingress', 'frontendTlsSecretName'], source.ingress.frontendTlsSecretName);
  mark(['ingress', 'clusterIssuer'], source.ingress.clusterIssuer);
  // A private intermediate is name-constrained to the source's domains: the new hosts need their own.
  source.certManager.issuers.forEach((i, n) => {
    const keys = ['certManager', 'issuers', n, 'caCertificate', 'permittedDnsDomains'];
    if (i.type === 'ca' && i.caCertificate.permittedDnsDomains && has(keys as string[])) mark(keys, i.caCertificate.permittedDnsDomains, true);
  });
  // Values of the source's cluster and storage: a copy would archive into the source's backups, or admit
  // (and call) the source cluster's API server and nodes.
  const cnpg = source.database.mode === 'cloudnative-pg' ? source.database.cloudnativePg : undefined;
  if (cnpg) {
    mark(['database', 'cloudnativePg', 'backup', 'objectStore', 'destinationPath'], cnpg.backup.objectStore.destinationPath);
    mark(['database', 'cloudnativePg', 'apiServerCidrs'], cnpg.apiServerCidrs, true);
  }
  if (source.network.ingressControllerNodeCidrs?.length) mark(['network', 'ingressControllerNodeCidrs'], source.network.ingressControllerNodeCidrs, true);
  // next build bakes NEXT_PUBLIC_API_URL into the frontend image: a new API host needs its own image,
  // unless the image reads the URL at run time (frontend.runtimeApiUrl).
  if (!source.frontend.runtimeApiUrl) mark(['frontend', 'image'], source.frontend.image);
  const sp = source.secretsProvider;
  if (has(['secretsProvider', 'remoteKeyPrefix'])) mark(['secretsProvider', 'remoteKeyPrefix'], sp.remoteKeyPrefix);
  for (const k of Object.keys(sp.remoteKeys ?? {})) mark(['secretsProvider', 'remoteKeys', k], sp.remoteKeys[k]);
  if (sp.type === 'external-secrets') {
    if (sp.store.backend === 'aws-secrets-manager' && sp.store.aws) mark(['secretsProvider', 'store', 'aws', 'roleArn'], sp.store.aws.roleArn);
    if (sp.store.backend === 'azure-key-vault' && sp.store.azure) {
      mark(['secretsProvider', 'store', 'azure', 'vaultUrl'], sp.store.azure.vaultUrl);
      mark(['secretsProvider', 'store', 'azure', 'clientId'], sp.store.azure.clientId);
    }
  }

  const header = [
    `${name}: created by \`npm run new-env -- ${name} --from ${sourceName}\` from config/${sourceName}.yaml (its comments kept below).`,
    `Every ${PLACEHOLDER} is a value that must not be ${sourceName}'s (it would deploy over it); the synth refuses the file until`,
    'each is set. Review the rest too: registry and images, replicas and resources, network.databaseCidrs, the',
    'External Secrets store, gitops.targetRevision. Keys and defaults: docs/configuration.md.',
  ];
  doc.commentBefore = [...header.map((l) => ` ${l}`), ...(doc.commentBefore ? ['', doc.commentBefore] : [])].join('\n');
  return { text: doc.toString({ lineWidth: 0 }), placeholders };
}
