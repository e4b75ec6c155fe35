/**
 * Built-in kinds against the Kubernetes OpenAPI schema, strictly: types, required fields, enums and
 * formats come from the precompiled validators of `kubernetes-models`; unknown fields (which those
 * validators accept) are found by walking the object along the field list of the same package's type
 * declarations. Both are generated into schemas/k8s/ by scripts/gen-k8s-schemas.js.
 */
import fields from '../../schemas/k8s/fields.json';
import { validators } from '../../schemas/k8s/validators';
import { type Finding, type K8sObject, findingOf } from './types';

type FieldType = string | null | { items: FieldType } | { values: FieldType };
const DEFS = (fields as unknown as { defs: Record<string, Record<string, FieldType>> }).defs;
export const OBJECT_META = 'apimachinery/apis/meta/v1/ObjectMeta';

/** Groups served by the API server itself (a `*.k8s.io` kind that is no built-in one needs a CRD too, e.g. Gateway API). */
export function isBuiltinApiVersion(apiVersion: string): boolean {
  if (!apiVersion.includes('/')) return true; // core: v1
  const group = apiVersion.split('/')[0];
  return !group.includes('.') || group.endsWith('.k8s.io');
}

export function builtinKey(o: K8sObject): string {
  return `${o.apiVersion}/${o.kind}`;
}

export function hasBuiltinSchema(o: K8sObject): boolean {
  return builtinKey(o) in validators;
}

/** Fields not in the schema, as JSON pointers below `base`. */
export function unknownFields(value: unknown, type: FieldType, base = ''): string[] {
  const out: string[] = [];
  const walk = (v: any, t: FieldType, at: string): void => {
    if (t === null || v === null || typeof v !== 'object') return;
    if (typeof t === 'string') {
      const def = DEFS[t];
      if (!def || Array.isArray(v)) return;
      for (const key of Object.keys(v)) {
        if (!(key in def)) out.push(`${at}/${key}`);
        else walk(v[key], def[key], `${at}/${key}`);
      }
    } else if ('items' in t) {
      if (Array.isArray(v)) v.forEach((item, i) => walk(item, t.items, `${at}/${i}`));
    } else if (!Array.isArray(v)) {
      for (const key of Object.keys(v)) walk(v[key], t.values, `${at}/${key}`);
    }
  };
  walk(value, type, base);
  return out;
}

/** Rule name for an ajv error keyword. */
export function ruleOfKeyword(keyword: string): string {
  switch (keyword) {
    case 'required': return 'schema-required';
    case 'type': return 'schema-type';
    case 'enum': return 'schema-enum';
    case 'additionalProperties': return 'schema-unknown-field';
    default: return 'schema-invalid';
  }
}

/** A readable message for one ajv error. */
export function messageOf(e: { instancePath: string; keyword: string; params: Record<string, any>; message?: string }): string {
  const at = e.instancePath || '/';
  switch (e.keyword) {
    case 'required': return `${e.instancePath || ''}/${e.params.missingProperty}: required field is missing`;
    case 'type': return `${at}: must be ${e.params.type}`;
    case 'enum': return `${at}: must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'additionalProperties': return `${e.instancePath}/${e.params.additionalProperty}: unknown field`;
    case 'format': return `${at}: must be a valid ${e.params.format}`;
    default: return `${at}: ${e.message ?? e.keyword} (${e.keyword})`;
  }
}

/** Schema findings of one built-in object (the caller checked `hasBuiltinSchema`). */
export function validateBuiltin(o: K8sObject): Finding[] {
  const key = builtinKey(o);
  const validate = validators[key]();
  const out: Finding[] = [];
  if (!validate(o)) {
    const seen = new Set<string>();
    for (const e of validate.errors ?? []) {
      const msg = messageOf(e);
      if (!seen.has(msg)) out.push(findingOf(o, ruleOfKeyword(e.keyword), msg));
      seen.add(msg);
    }
  }
  for (const p of unknownFields(o, key)) out.push(findingOf(o, 'schema-unknown-field', `${p}: unknown field (not in the ${key} schema)`));
  return out;
}
