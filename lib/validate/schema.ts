/** Schema rules: every object against its built-in OpenAPI schema or its CRD's schema. */
import { hasBuiltinSchema, isBuiltinApiVersion, validateBuiltin } from './builtin-schema';
import { type CrdRegistry, validateCustomResource } from './crd-schema';
import { type Finding, type K8sObject, findingOf } from './types';

export function schemaFindings(o: K8sObject, crds: CrdRegistry): Finding[] {
  if (typeof o?.apiVersion !== 'string' || typeof o?.kind !== 'string' || !o.apiVersion || !o.kind) {
    return [findingOf(o, 'schema-required', 'apiVersion and kind are required')];
  }
  if (typeof o.metadata?.name !== 'string' || o.metadata.name === '') {
    return [findingOf(o, 'schema-required', '/metadata/name: required field is missing')];
  }
  if (hasBuiltinSchema(o)) return validateBuiltin(o);
  const crd = crds.get(`${o.apiVersion}/${o.kind}`);
  if (crd) return validateCustomResource(o, crd);
  if (isBuiltinApiVersion(o.apiVersion)) {
    return [findingOf(o, 'schema-unknown-kind', `no schema for ${o.apiVersion} ${o.kind} (add it to KINDS in scripts/gen-k8s-schemas.js and run it)`)];
  }
  return [findingOf(o, 'schema-unknown-kind', `no CRD in crds/ serves ${o.apiVersion} ${o.kind}`)];
}
