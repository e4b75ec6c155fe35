/**
 * The validation gate: every object of an environment against its schema (built-in or CRD), the Pod
 * Security Standards "restricted" profile, kube-score/kube-linter best practices and its references.
 * Synth runs it before writing dist/; `npm run validate [DIR]` runs it on a tree of YAML files.
 * A finding is waived only in config (`validation.waivers`: kind, name, rule, reason).
 */
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { projectRoot } from '../cli/errors';
import { apiServerFindings, sectionOfFile } from './apiserver';
import type { Environment } from '../config';
import { scalingFindings, podPracticeFindings } from './best-practices';
import { type CrdRegistry, loadCrds, primeCrdValidators } from './crd-schema';
import { type ExternalSecret, externalSecretsOf } from './external-secrets';
import { type KnownGateway, gatewayReferenceFindings } from './gateway-refs';
import { podSecurityFindings } from './pod-security';
import { referenceFindings } from './references';
import { schemaFindings } from './schema';
import { type Finding, type K8sObject, CLUSTER_SCOPE, findingOf, sortFindings } from './types';
import { podTemplateOf } from './workloads';
import { configKeyOfValue, yaml11Findings } from './yaml11';
import { unproducedSeries } from '../monitoring/targets';

export { formatFinding, type Finding } from './types';
export { externalSecretsOf } from './external-secrets';

export interface Waiver { readonly kind: string; readonly name: string; readonly rule: string; readonly reason: string }

export interface GateContext {
  readonly crds: CrdRegistry;
  readonly externalSecrets: readonly ExternalSecret[];
  readonly waivers: readonly Waiver[];
  /** Gateways the routes may attach to that are not in the output (config `edge.gateway.shared`). */
  readonly gateways?: readonly KnownGateway[];
}

/** Where the CRDs are: `crds/` of the project, wherever the command is started. */
export const DEFAULT_CRD_DIR = path.join(projectRoot(), 'crds');

/** The gate's context for an environment (its waivers and external Secrets), or for a tree without config. */
export function contextOf(env: Environment | undefined, crdDir = DEFAULT_CRD_DIR): GateContext {
  return {
    crds: loadCrds(crdDir),
    externalSecrets: env ? externalSecretsOf(env.config) : [],
    waivers: env ? env.config.validation.waivers : [],
    gateways: sharedGatewaysOf(env),
  };
}

function sharedGatewaysOf(env: Environment | undefined): KnownGateway[] {
  const s = env?.config.edge.kind === 'gateway' ? env.config.edge.gateway.shared : undefined;
  return s ? [{ namespace: s.namespace, name: s.name, listeners: [s.httpSectionName, s.apiSectionName, s.frontendSectionName] }] : [];
}

/** Every finding, waived ones included, sorted. */
export function allFindings(objects: K8sObject[], ctx: GateContext): Finding[] {
  const out: Finding[] = [];
  const seen = new Set<string>();
  primeCrdValidators(objects, ctx.crds);
  for (const o of objects) {
    out.push(...schemaFindings(o, ctx.crds), ...apiServerFindings(o));
    const id = `${o?.apiVersion?.split('/')[0]}/${o?.kind}/${o?.metadata?.namespace ?? CLUSTER_SCOPE}/${o?.metadata?.name}`;
    if (seen.has(id)) out.push(findingOf(o, 'duplicate-object', 'the output has this object more than once'));
    seen.add(id);
    const t = podTemplateOf(o);
    if (t) out.push(...podSecurityFindings(t), ...podPracticeFindings(t, objects));
  }
  out.push(...scalingFindings(objects), ...referenceFindings(objects, [...ctx.externalSecrets]), ...gatewayReferenceFindings(objects, ctx.gateways));
  return sortFindings(out);
}

/** The findings that count: waived ones removed, plus one for each waiver that matched nothing. */
export function validateObjects(objects: K8sObject[], ctx: GateContext): Finding[] {
  const findings = allFindings(objects, ctx);
  const used = new Set<Waiver>();
  const kept = findings.filter((f) => {
    const w = ctx.waivers.find((x) => x.kind === f.kind && x.name === f.name && x.rule === f.rule);
    if (w) used.add(w);
    return !w;
  });
  for (const w of ctx.waivers) {
    if (used.has(w)) continue;
    const target = objects.find((o) => o?.kind === w.kind && o?.metadata?.name === w.name);
    const why = target ? `waiver of ${w.rule} matches no finding` : `waiver of ${w.rule} names an object that is not in the output`;
    kept.push({ kind: w.kind, namespace: target?.metadata?.namespace ?? CLUSTER_SCOPE, name: w.name, rule: 'waiver-unused', message: `${why}; remove it from validation.waivers` });
  }
  return kept;
}

/**
 * Parses a tree of YAML files (relative path -> text) into objects; unparsable files, and documents that
 * are not one Kubernetes object (a list, a scalar, an object without apiVersion, kind or metadata.name),
 * become findings naming the file.
 */
/** The file (relative path) each object read by objectsOfFiles came from, for the section blame. */
const FILE_OF_OBJECT = new WeakMap<object, string>();

export function objectsOfFiles(files: Map<string, string>, shownDir = ''): { objects: Map<string, K8sObject[]>; problems: Finding[] } {
  const objects = new Map<string, K8sObject[]>();
  const problems: Finding[] = [];
  for (const [rel, text] of files) {
    if (!/\.(ya?ml|json)$/.test(rel)) continue;
    const group = rel.includes('/') ? rel.split('/')[0] : '.';
    const list = objects.get(group) ?? [];
    const file = shownDir ? `${shownDir}/${rel}` : rel;
    const problem = (rule: string, message: string) => problems.push({ kind: 'File', namespace: group, name: rel, rule, message, file });
    parseAllDocuments(text, { maxAliasCount: 100 } as any).forEach((doc, i) => {
      const at = `document ${i + 1}`;
      if (doc.errors.length > 0) return void problem('yaml-parse', `${at}: ${doc.errors[0].message.split('\n')[0]}`);
      let o: unknown;
      try {
        o = doc.toJS({ maxAliasCount: 100 });
      } catch (e: any) {
        return void problem('yaml-parse', `${at}: ${String(e?.message ?? e).split('\n')[0]}`);
      }
      if (o === null || o === undefined) return;
      if (typeof o !== 'object' || Array.isArray(o)) {
        return void problem('not-an-object', `${at} is ${Array.isArray(o) ? 'a list' : `a ${typeof o}`}; each document must be one Kubernetes object (apiVersion, kind, metadata)`);
      }
      const obj = o as K8sObject;
      const missing = ['apiVersion', 'kind'].filter((k) => typeof obj[k] !== 'string' || obj[k] === '');
      if (typeof obj.metadata?.name !== 'string' || obj.metadata.name === '') missing.push('metadata.name');
      if (missing.length > 0) return void problem('object-identity', `${at} has no ${missing.join(', ')}; every object needs apiVersion, kind and metadata.name`);
      list.push(obj);
      FILE_OF_OBJECT.set(obj, rel);
    });
    objects.set(group, list);
  }
  return { objects, problems };
}

/**
 * The gate on a whole output tree: files are grouped by their first folder (the environment, e.g.
 * `production/`); an environment with a config gets its waivers and external Secrets.
 */
export function validateTree(files: Map<string, string>, envs: Environment[], crdDir = DEFAULT_CRD_DIR, shownDir = ''): Finding[] {
  const { objects, problems } = objectsOfFiles(files, shownDir);
  const out = [...problems, ...yaml11TreeFindings(files, envs, shownDir)];
  for (const [group, list] of [...objects].sort(([a], [b]) => a.localeCompare(b))) {
    const files = list.map((o) => ({ path: FILE_OF_OBJECT.get(o), objects: [o] }));
    out.push(...withSectionBlame(validateObjects(list, contextOf(envs.find((e) => e.name === group), crdDir)), files).map((f) => ({ ...f, env: group === '.' ? undefined : group })));
  }
  return out;
}

/** The gate on synthesized environments (each with its own waivers and external Secrets), before anything is written. */
export function validateEnvironments(synthesized: { env: Environment; files: { path?: string; objects: K8sObject[] }[] }[], crdDir = DEFAULT_CRD_DIR): Finding[] {
  return synthesized.flatMap(({ env, files }) => {
    const objects = files.flatMap((f) => f.objects);
    // Alert and recording rules read only series a scrape target of the environment produces (lib/monitoring/targets.ts).
    return withSectionBlame([...validateObjects(objects, contextOf(env, crdDir)), ...unproducedSeries(env, objects)], files)
      .map((f) => ({ ...f, env: env.name }));
  });
}

/**
 * Findings that name no config key get the config section of the file their object is in (`database
 * (08-database.yaml)`): every finding points at the config, at least at the section that built the object.
 */
export function withSectionBlame(findings: Finding[], files: { path?: string; objects: K8sObject[] }[]): Finding[] {
  const fileOf = new Map<string, string>();
  for (const f of files) {
    if (!f.path) continue;
    for (const o of f.objects) fileOf.set(`${o?.kind}/${o?.metadata?.namespace ?? CLUSTER_SCOPE}/${o?.metadata?.name}`, f.path);
  }
  return findings.map((f) => {
    if (f.configKey || f.file) return f;
    const file = fileOf.get(`${f.kind}/${f.namespace}/${f.name}`);
    const key = file ? sectionOfFile(file) : undefined;
    return key ? { ...f, configKey: key } : f;
  });
}

/**
 * Every file read as YAML 1.1 too (kubectl, Argo CD, the API server, PyYAML: lib/validate/yaml11.ts): a value
 * that reads differently than under YAML 1.2 is a finding on its object, with the config key it came from
 * (the environment's config, by the file's first folder; for other files, such as argocd/, every config).
 */
export function yaml11TreeFindings(files: Map<string, string>, envs: Environment[], shownDir = ''): Finding[] {
  const out: Finding[] = [];
  for (const [rel, text] of files) {
    if (!/\.ya?ml$/.test(rel)) continue;
    const group = rel.includes('/') ? rel.split('/')[0] : '.';
    const env = envs.find((e) => e.name === group);
    const keyOf = (scalar: string) => env
      ? configKeyOfValue(env.config, scalar, env.name)
      : envs.map((e) => { const k = configKeyOfValue(e.config, scalar, e.name); return k && `${e.file}: ${k}`; }).find((k) => k);
    const shown = shownDir ? `${shownDir}/${rel}` : rel;
    out.push(...yaml11Findings(text, shown, keyOf).map((f) => ({ ...f, env: group === '.' ? undefined : group })));
  }
  return out;
}
