/** What the validation gate reports: one finding per object, rule and problem. */

/** A manifest object as it is written to YAML. */
export type K8sObject = Record<string, any>;

export interface Finding {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  /** Stable rule name, e.g. `schema-unknown-field`, `pss-run-as-non-root`, `ref-secret`. */
  readonly rule: string;
  readonly message: string;
  /** The environment the object belongs to (set by validateEnvironments and validateTree). */
  readonly env?: string;
  /** The configuration key the offending value came from, when the gate can tell. */
  readonly configKey?: string;
  /** For problems of a file rather than an object: its path (kind is then `File`). */
  readonly file?: string;
}

/** Cluster-scoped objects are shown with this in place of a namespace. */
export const CLUSTER_SCOPE = '(cluster)';

export function findingOf(o: K8sObject, rule: string, message: string): Finding {
  return {
    kind: String(o?.kind ?? '?'),
    namespace: String(o?.metadata?.namespace ?? CLUSTER_SCOPE),
    name: String(o?.metadata?.name ?? '?'),
    rule,
    message,
  };
}

/**
 * `[env: ]kind/namespace/name: rule: message[ (config key: k)]` (the line synth and `npm run validate` print);
 * a problem of a file as a whole is `file: rule: message`.
 */
export function formatFinding(f: Finding): string {
  if (f.file) return `${f.file}: ${f.rule}: ${f.message}`;
  return `${f.env ? `${f.env}: ` : ''}${f.kind}/${f.namespace}/${f.name}: ${f.rule}: ${f.message}${f.configKey ? ` (config key: ${f.configKey})` : ''}`;
}

/** Findings in a stable order: by object, then rule, then message. */
export function sortFindings(findings: Finding[]): Finding[] {
  return [...findings].sort((a, b) => formatFinding(a).localeCompare(formatFinding(b)));
}
