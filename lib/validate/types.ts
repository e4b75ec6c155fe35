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
  /** The environment (dist/<env>/) the object belongs to, when the gate ran on several. */
  readonly env?: string;
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

/** `[env: ]kind/namespace/name: rule: message` (the line synth and `npm run validate` print). */
export function formatFinding(f: Finding): string {
  return `${f.env ? `${f.env}: ` : ''}${f.kind}/${f.namespace}/${f.name}: ${f.rule}: ${f.message}`;
}

/** Findings in a stable order: by object, then rule, then message. */
export function sortFindings(findings: Finding[]): Finding[] {
  return [...findings].sort((a, b) => formatFinding(a).localeCompare(formatFinding(b)));
}
