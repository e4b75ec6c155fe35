/**
 * Custom resources against the `openAPIV3Schema` of their CRD in `crds/` (any CRD file there, found by
 * group/version/kind), strictly: `additionalProperties: false` wherever `properties` are given unless
 * `x-kubernetes-preserve-unknown-fields`; `x-kubernetes-int-or-string` and
 * `x-kubernetes-embedded-resource` as the API server reads them; Go patterns rewritten for JavaScript
 * (lib/validate/go-regex.ts). CEL rules (`x-kubernetes-validations`) are evaluated by lib/validate/cel.ts
 * (on a skeleton of the schema: its rules, types and defaults, kept in the build cache).
 *
 * Speed: CRD files are parsed once and kept as JSON in the build cache (lib/validate/cache.ts); a schema
 * is read only when a kind it serves is in the output and its validator is not cached; ajv compiles only
 * the part of a schema that the objects of that kind use (`pruneSchema`): the full Argo CD or External
 * Secrets schemas compile to megabytes of code, the part our objects touch to a few kilobytes, with the
 * same result for them; and that code is kept in the build cache (ajv standalone, keyed by CRD file,
 * kind and the objects' shape), so a later run loads it without reading the schema.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import type { default as AjvType, ValidateFunction } from 'ajv';
import ajvPackage from 'ajv/package.json';
import { parseAllDocuments } from 'yaml';
import { OBJECT_META, messageOf, ruleOfKeyword, unknownFields } from './builtin-schema';
import { cacheRead, cacheWrite, loadModule } from './cache';
import { celProblems, celSkeleton, rulePaths, typesOnly } from './cel';
import { jsPatternOf } from './go-regex';
import { type Finding, type K8sObject, findingOf } from './types';

export interface CrdVersion {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly namespaced: boolean;
  /** The CRD's own name, `<plural>.<group>` (what `kubectl get crd` takes). */
  readonly crdName: string;
  readonly file: string;
  /** The version's openAPIV3Schema, read when first needed. */
  readonly schema: () => Record<string, any>;
  /** Identifies the CRD file's content in the build cache (none: not cached). */
  readonly cacheKey?: string;
}

/** Every CRD version in a folder, by `group/version/kind`. */
export type CrdRegistry = Map<string, CrdVersion>;

/** Bumped whenever the cached forms change shape, so old cache entries are never read. */
const CACHE_FORMAT = 6;
type Meta = Omit<CrdVersion, 'schema' | 'file' | 'cacheKey'>;
type Parsed = { meta: Meta; schema: Record<string, any> }[];

const gvkOf = (v: Meta) => `${v.group}/${v.version}/${v.kind}`;

function parseCrdText(text: string): Parsed {
  const out: Parsed = [];
  for (const doc of parseAllDocuments(text)) {
    const crd = doc.toJS({ maxAliasCount: -1 });
    if (crd?.kind !== 'CustomResourceDefinition' || !crd.spec?.names?.kind) continue;
    for (const v of crd.spec.versions ?? []) {
      const schema = v.schema?.openAPIV3Schema;
      if (schema) out.push({ meta: { group: crd.spec.group, version: v.name, kind: crd.spec.names.kind, namespaced: crd.spec.scope !== 'Cluster', crdName: crd.metadata.name }, schema });
    }
  }
  return out;
}

/** The CRD versions in one file's text. */
export function crdVersionsOf(text: string, file: string): CrdVersion[] {
  return parseCrdText(text).map(({ meta, schema }) => ({ ...meta, file, schema: () => schema }));
}

const files = new Map<string, { metas: Meta[]; schemas?: Record<string, Record<string, any>> }>(); // by file key

/** Reads every CRD file (*.yaml, *.yml, *.json) in `dir`: from memory or the build cache when unchanged. */
export function loadCrds(dir: string): CrdRegistry {
  const registry: CrdRegistry = new Map();
  if (!fs.existsSync(dir)) return registry;
  for (const name of fs.readdirSync(dir).filter((f) => /\.(ya?ml|json)$/.test(f)).sort()) {
    const file = path.join(dir, name);
    const st = fs.statSync(file);
    const key = crypto.createHash('sha256').update(`${CACHE_FORMAT}\0${path.resolve(file)}\0${st.size}\0${st.mtimeMs}`).digest('hex').slice(0, 40);
    let entry = files.get(key);
    if (!entry) {
      const index = cacheRead(dir, `crd-${key}.index.json`);
      if (index !== undefined) entry = { metas: JSON.parse(index) };
      else {
        const parsed = parseCrdText(fs.readFileSync(file, 'utf8'));
        entry = { metas: parsed.map((p) => p.meta), schemas: Object.fromEntries(parsed.map((p) => [gvkOf(p.meta), p.schema])) };
        cacheWrite(dir, `crd-${key}.schemas.json`, JSON.stringify(entry.schemas));
        cacheWrite(dir, `crd-${key}.index.json`, JSON.stringify(entry.metas));
      }
      files.set(key, entry);
    }
    const e = entry;
    const schemas = () => {
      if (!e.schemas) {
        const cached = cacheRead(dir, `crd-${key}.schemas.json`);
        e.schemas = cached !== undefined ? JSON.parse(cached)
          : Object.fromEntries(parseCrdText(fs.readFileSync(file, 'utf8')).map((p) => [gvkOf(p.meta), p.schema]));
      }
      return e.schemas!;
    };
    for (const m of e.metas) registry.set(gvkOf(m), { ...m, file, cacheKey: key, schema: () => schemas()[gvkOf(m)] });
  }
  return registry;
}

/**
 * Keeps what this process compiled (validators, CEL skeletons) but drops what it parsed to compile them: the
 * CRDs' full schemas (megabytes once parsed; read again from the build cache when a new shape needs one) and
 * ajv itself. The startup snapshot calls it after its warm-up, so that its heap holds no schema.
 */
export function releaseParsedSchemas(): void {
  for (const entry of files.values()) delete entry.schemas;
  // A validator ajv compiled here (not loaded from the build cache) holds ajv and its schema: drop them all then.
  if (ajv) compiled.clear();
  ajv = undefined;
}

/** Forgets what this process parsed and compiled (tests of the build cache). */
export function clearMemoryCaches(): void {
  files.clear();
  compiled.clear();
  skeletons.clear();
}

const skeletons = new Map<string, any>(); // by CRD file key and gvk: the CEL skeleton (null: no rules)
let celCodeId: string | undefined;

/** The CEL skeleton of a CRD version's schema (lib/validate/cel.ts): from memory, the build cache, or built. */
export function celSchemaOf(v: CrdVersion): any {
  celCodeId ??= crypto.createHash('sha256').update([CACHE_FORMAT, celSkeleton, rulePaths, typesOnly].map(String).join('\0')).digest('hex').slice(0, 16);
  const key = `${celCodeId}\0${v.cacheKey ?? v.file}\0${v.group}/${v.version}/${v.kind}`;
  if (skeletons.has(key)) return skeletons.get(key);
  const dir = path.dirname(v.file);
  const name = v.cacheKey ? `cel-${crypto.createHash('sha256').update(key).digest('hex').slice(0, 40)}.json` : undefined;
  const cached = name ? cacheRead(dir, name) : undefined;
  let skeleton: any;
  if (cached !== undefined) skeleton = JSON.parse(cached);
  else {
    skeleton = celSkeleton(v.schema()) ?? null;
    if (name) cacheWrite(dir, name, JSON.stringify(skeleton));
  }
  skeletons.set(key, skeleton);
  return skeleton;
}

const PASS_THROUGH = new Set(['description', 'example', 'externalDocs', 'nullable']);

/**
 * The CRD schema made strict for ajv (see the file comment); the input is not changed. Inside
 * allOf/anyOf/oneOf/not (value validations only, in a structural schema) nothing is made stricter.
 */
export function strictSchema(s: any, isRoot = false, inCombinator = false): any {
  if (!s || typeof s !== 'object' || Array.isArray(s)) return s;
  const out: Record<string, any> = {};
  for (const [k, v] of Object.entries(s) as [string, any][]) {
    if (k === 'properties' || k === 'patternProperties') out[k] = Object.fromEntries(Object.entries(v).map(([p, sub]) => [p, strictSchema(sub, false, inCombinator)]));
    else if (k === 'items') out[k] = Array.isArray(v) ? v.map((x) => strictSchema(x, false, inCombinator)) : strictSchema(v, false, inCombinator);
    else if (k === 'additionalProperties') out[k] = typeof v === 'object' ? strictSchema(v, false, inCombinator) : v;
    else if (k === 'not') out[k] = strictSchema(v, false, true);
    else if (k === 'allOf' || k === 'anyOf' || k === 'oneOf') out[k] = v.map((x: any) => strictSchema(x, false, true));
    else if (k === 'pattern') out[k] = jsPatternOf(v);
    else if (k.startsWith('x-kubernetes-') || PASS_THROUGH.has(k)) continue;
    else out[k] = v;
  }
  if (s['x-kubernetes-int-or-string']) {
    delete out.type;
    if (!out.anyOf) out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  if (s.nullable && out.type) out.type = [...(Array.isArray(out.type) ? out.type : [out.type]), 'null'];
  if (s['x-kubernetes-embedded-resource'] || isRoot) {
    out.type = 'object';
    out.properties = { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' }, ...(out.properties ?? {}) };
    if (s['x-kubernetes-embedded-resource']) out.required = [...new Set([...(out.required ?? []), 'apiVersion', 'kind'])];
  }
  if (!inCombinator && out.properties && !s['x-kubernetes-preserve-unknown-fields'] && s.additionalProperties === undefined) out.additionalProperties = false;
  return out;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * The part of schema `s` that applies to `values` (every instance at this place of the object): the
 * `properties` none of them has are left out, `items` and `additionalProperties` are pruned for the
 * elements there are. A property that is absent is never validated by its subschema, so the pruned
 * schema gives exactly the same result for these values; allOf/anyOf/oneOf/not are kept whole.
 */
export function pruneSchema(s: any, values: unknown[]): any {
  if (!isObject(s)) return s;
  const out: Record<string, any> = { ...s };
  const objects = values.filter(isObject);
  if (isObject(s.properties)) {
    out.properties = {};
    for (const [k, sub] of Object.entries(s.properties)) {
      const present = objects.filter((o) => k in o).map((o) => o[k]);
      if (present.length > 0) out.properties[k] = pruneSchema(sub, present);
    }
  }
  if (isObject(s.additionalProperties)) {
    const known = isObject(s.properties) ? s.properties : {};
    out.additionalProperties = pruneSchema(s.additionalProperties, objects.flatMap((o) => Object.keys(o).filter((k) => !(k in known)).map((k) => o[k])));
  }
  if (isObject(s.items)) out.items = pruneSchema(s.items, values.filter(Array.isArray).flat());
  return out;
}

// ajv is loaded only on a cache miss (a new CRD or a new object shape): most runs never need it.
let ajv: AjvType | undefined;
function ajvInstance(): AjvType {
  if (!ajv) {
    const { default: Ajv, _ } = require('ajv') as typeof import('ajv');
    const addFormats = (require('ajv-formats') as { default: typeof import('ajv-formats').default }).default;
    ajv = new Ajv({
      strict: false, allErrors: true, logger: false, unicodeRegExp: false, validateSchema: false, addUsedSchema: false,
      code: { source: true, formats: _`require("ajv-formats/dist/formats").fullFormats` },
    });
    addFormats(ajv);
  }
  return ajv;
}

function standaloneCodeOf(fn: ValidateFunction): string {
  const standaloneCode = (require('ajv/dist/standalone') as { default: typeof import('ajv/dist/standalone').default }).default;
  return standaloneCode(ajvInstance(), fn);
}

const compiled = new Map<string, ValidateFunction>(); // by CRD file, kind and objects' shape
const primed = new WeakMap<object, ValidateFunction>(); // object -> validator compiled for it and its kind-mates

let codeId: string | undefined;
/** Identifies the code that turns a CRD schema into a validator: a change to it never reuses cached validators. */
function codeVersion(): string {
  codeId ??= crypto.createHash('sha256').update([CACHE_FORMAT, strictSchema, pruneSchema, jsPatternOf, ajvPackage.version].map(String).join('\0')).digest('hex').slice(0, 16);
  return codeId;
}

/** Every key path in `values` (list indexes collapsed): what `pruneSchema` keeps depends on nothing else. */
export function shapeOf(values: unknown[]): string {
  const paths = new Set<string>();
  const walk = (v: unknown, at: string): void => {
    if (Array.isArray(v)) for (const x of v) walk(x, `${at}[]`);
    else if (isObject(v)) for (const k of Object.keys(v)) { const p = `${at}/${JSON.stringify(k)}`; paths.add(p); walk(v[k], p); }
  };
  for (const v of values) walk(v, '');
  return [...paths].sort().join('\n');
}

/**
 * The validator of the part of `v`'s schema that `objects` use: from memory, else from the build cache
 * (ajv standalone code, keyed by the CRD file, the kind and the objects' shape, so the schema is not
 * even read), else compiled.
 */
function validatorFor(v: CrdVersion, objects: K8sObject[]): ValidateFunction {
  const shape = shapeOf(objects);
  const memoryKey = `${codeVersion()}\0${v.cacheKey ?? v.file}\0${v.group}/${v.version}/${v.kind}\0${shape}`;
  let fn = compiled.get(memoryKey);
  if (fn) return fn;
  const dir = path.dirname(v.file);
  const name = v.cacheKey ? `ajv${CACHE_FORMAT}-${crypto.createHash('sha256').update(memoryKey).digest('hex').slice(0, 40)}.js` : undefined;
  const code = name ? cacheRead(dir, name) : undefined;
  if (code !== undefined) fn = workingValidator(loadModule(code));
  if (!fn) {
    fn = ajvInstance().compile(strictSchema(pruneSchema(v.schema(), objects), true));
    if (name) cacheWrite(dir, name, standaloneCodeOf(fn));
  }
  compiled.set(memoryKey, fn);
  return fn;
}

/** A cached validator that runs (an entry written by another ajv version may not); else undefined. */
function workingValidator(fn: unknown): ValidateFunction | undefined {
  if (typeof fn !== 'function') return undefined;
  try {
    (fn as ValidateFunction)({});
    return fn as ValidateFunction;
  } catch {
    return undefined;
  }
}

/** Compiles one validator per kind for all custom resources of that kind in `objects` (instead of one per object). */
export function primeCrdValidators(objects: K8sObject[], crds: CrdRegistry): void {
  const byKind = new Map<CrdVersion, K8sObject[]>();
  for (const o of objects) {
    const v = crds.get(`${o?.apiVersion}/${o?.kind}`);
    if (v) byKind.set(v, [...(byKind.get(v) ?? []), o]);
  }
  for (const [v, list] of byKind) {
    const fn = validatorFor(v, list);
    for (const o of list) primed.set(o, fn);
  }
}

/** The strict validator of the part of `v`'s schema that object `o` uses. */
export function crdValidator(v: CrdVersion, o: K8sObject): ValidateFunction {
  return primed.get(o) ?? validatorFor(v, [o]);
}

/** Schema findings of one custom resource (`v` is its CRD version). */
export function validateCustomResource(o: K8sObject, v: CrdVersion): Finding[] {
  const out: Finding[] = [];
  const validate = crdValidator(v, o);
  if (!validate(o)) {
    const seen = new Set<string>();
    for (const e of validate.errors ?? []) {
      const msg = messageOf(e);
      if (!seen.has(msg)) out.push(findingOf(o, ruleOfKeyword(e.keyword), `${msg} (CRD ${path.basename(v.file)})`));
      seen.add(msg);
    }
  }
  const cel = celSchemaOf(v);
  if (cel) {
    for (const p of celProblems(o, cel)) out.push(findingOf(o, p.rule, `${p.path}: ${p.message} (CEL, CRD ${path.basename(v.file)})`));
  }
  for (const p of unknownFields(o.metadata, OBJECT_META, '/metadata')) out.push(findingOf(o, 'schema-unknown-field', `${p}: unknown field (not in ObjectMeta)`));
  if (v.namespaced !== (o.metadata?.namespace !== undefined)) {
    out.push(findingOf(o, 'schema-scope', v.namespaced ? `${v.kind} is namespaced: metadata.namespace is required` : `${v.kind} is cluster-scoped: metadata.namespace must not be set`));
  }
  return out;
}
