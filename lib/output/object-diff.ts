/**
 * Object-level diff of two sets of rendered manifests (`dist/` as committed vs a fresh synth): which objects
 * were added, removed or changed, and for changed ones each changed field path with its old and new value.
 *
 * Secret values are never printed: for a `Secret` object every value under `data`/`stringData` is shown as
 * `(redacted)` (the path still shows that it changed), and so is any field whose name says it holds a secret
 * value (password, token, secret key, private key), whatever the kind.
 */
import { parseAllDocuments } from 'yaml';

export type K8sObject = Record<string, any>;

/** One object with where it came from. */
export interface LocatedObject {
  readonly file: string;
  readonly object: K8sObject;
}

export interface FieldChange {
  readonly path: string;
  /** undefined: the field did not exist on that side. */
  readonly before: unknown;
  readonly after: unknown;
}

export interface ObjectDiff {
  readonly added: { id: string; file: string }[];
  readonly removed: { id: string; file: string }[];
  readonly changed: { id: string; file: string; fields: FieldChange[] }[];
  /** Objects that moved to another file without other changes (apply order changed). */
  readonly moved: { id: string; from: string; to: string }[];
}

export const REDACTED = '(redacted)';
const SECRET_FIELD = /(^|[-_.])(password|passwd|token|secret[-_]?key|private[-_]?key|api[-_]?key|client[-_]?secret)$/i;

/** A stable identity: `<group>/<kind> <namespace>/<name>` (the group without its version). */
export function objectId(o: K8sObject): string {
  const av = String(o.apiVersion ?? '');
  const group = av.includes('/') ? av.slice(0, av.indexOf('/')) : 'core';
  const ns = o.metadata?.namespace ? `${o.metadata.namespace}/` : '';
  return `${group}/${o.kind} ${ns}${o.metadata?.name}`;
}

/** Every object in a set of YAML files (path to content), in file then document order. */
export function objectsOfFiles(files: Map<string, string>): LocatedObject[] {
  const out: LocatedObject[] = [];
  for (const [file, text] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
    for (const doc of parseAllDocuments(text)) {
      const o = doc.toJS();
      if (o && typeof o === 'object') out.push({ file, object: o });
    }
  }
  return out;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function pathOf(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? (base ? `${base}.${key}` : key) : `${base}[${JSON.stringify(key)}]`;
}

/**
 * The fields that identify an item of a Kubernetes list, in the order they are tried: `name` (containers, env,
 * volumes, ports, rules of a PrometheusRule group), group and kind (an AppProject's whitelists), `alert` and
 * `record` (rules), `key`, `port`/`containerPort`, `topologyKey`, `path`. A list is matched by the first one
 * that every item on both sides has, with no value twice, as `kubectl diff` and dyff match list items.
 */
const ITEM_KEYS: readonly (readonly string[])[] = [['name'], ['group', 'kind'], ['alert'], ['record'], ['key'], ['port'], ['containerPort'], ['topologyKey'], ['path']];

/** The name of every item of both lists by one shared identifying field, or undefined (compare by position). */
export function itemNames(before: unknown[], after: unknown[]): { before: string[]; after: string[] } | undefined {
  const items = [...before, ...after];
  if (items.length === 0 || !items.every(isPlainObject)) return undefined;
  for (const fields of ITEM_KEYS) {
    const nameOf = (x: unknown) => fields.map((f) => (x as Record<string, unknown>)[f]);
    if (!items.every((x) => nameOf(x).every((v) => typeof v === 'string' || typeof v === 'number'))) continue;
    const names = (xs: unknown[]) => xs.map((x) => nameOf(x).join('/'));
    const b = names(before);
    const a = names(after);
    if (new Set(b).size === b.length && new Set(a).size === a.length) return { before: b, after: a };
  }
  return undefined;
}

/** The changed leaves between two values (objects by key, lists by item name where they have one, else by index). */
export function fieldChanges(before: unknown, after: unknown, base = ''): FieldChange[] {
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => fieldChanges(before[k], after[k], pathOf(base, k)));
  }
  const named = Array.isArray(before) && Array.isArray(after) ? itemNames(before, after) : undefined;
  if (named && Array.isArray(before) && Array.isArray(after)) {
    const b = new Map(named.before.map((n, i) => [n, before[i]]));
    const a = new Map(named.after.map((n, i) => [n, after[i]]));
    const out: FieldChange[] = [];
    for (const n of [...named.before, ...named.after.filter((x) => !b.has(x))]) out.push(...fieldChanges(b.get(n), a.get(n), `${base}[${n}]`));
    const kept = named.before.filter((n) => a.has(n));
    const keptAfter = named.after.filter((n) => b.has(n));
    if (kept.join('\n') !== keptAfter.join('\n')) out.push({ path: `${base} (order)`, before: kept, after: keptAfter });
    return out;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const n = Math.max(before.length, after.length);
    const out: FieldChange[] = [];
    for (let i = 0; i < n; i++) out.push(...fieldChanges(before[i], after[i], pathOf(base, i)));
    return out;
  }
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  return [{ path: base, before, after }];
}

/** Whether the value at this path of this object must not be printed. */
export function isSecretPath(o: K8sObject | undefined, path: string): boolean {
  if (o?.kind === 'Secret' && /^(data|stringData)([.[]|$)/.test(path)) return true;
  return path.split(/[.[\]"]+/).filter(Boolean).some((segment) => SECRET_FIELD.test(segment));
}

function redact(o: K8sObject | undefined, c: FieldChange): FieldChange {
  if (!isSecretPath(o, c.path)) return c;
  return { path: c.path, before: c.before === undefined ? undefined : REDACTED, after: c.after === undefined ? undefined : REDACTED };
}

/**
 * The identity of an object in the output tree: its top folder (the environment, or `argocd`) and its
 * `objectId`, since every environment ships the same names into its own cluster.
 */
export function locatedId(x: LocatedObject): string {
  const slash = x.file.indexOf('/');
  return slash < 0 ? objectId(x.object) : `${x.file.slice(0, slash)}: ${objectId(x.object)}`;
}

/** Compares two object sets by identity. */
export function diffObjects(before: LocatedObject[], after: LocatedObject[]): ObjectDiff {
  const index = (xs: LocatedObject[]) => new Map(xs.map((x) => [locatedId(x), x] as const));
  const b = index(before);
  const a = index(after);
  const diff: ObjectDiff = { added: [], removed: [], changed: [], moved: [] };
  for (const [id, x] of a) if (!b.has(id)) diff.added.push({ id, file: x.file });
  for (const [id, x] of b) if (!a.has(id)) diff.removed.push({ id, file: x.file });
  for (const [id, x] of a) {
    const old = b.get(id);
    if (!old) continue;
    const fields = fieldChanges(old.object, x.object).map((c) => redact(x.object.kind === 'Secret' ? x.object : old.object, c));
    if (fields.length > 0) diff.changed.push({ id, file: x.file, fields });
    else if (old.file !== x.file) diff.moved.push({ id, from: old.file, to: x.file });
  }
  const byId = (p: { id: string }, q: { id: string }) => p.id.localeCompare(q.id);
  diff.added.sort(byId); diff.removed.sort(byId); diff.changed.sort(byId); diff.moved.sort(byId);
  return diff;
}

function show(v: unknown): string {
  if (v === undefined) return '(absent)';
  const s = typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v);
  return s.length > 200 ? `${s.slice(0, 197)}...` : s;
}

/** The diff as Markdown (it is written to the GitHub job summary), one line per object or field. */
export function formatDiff(diff: ObjectDiff, title = 'Rendered manifests: object-level diff'): string {
  const lines = [`## ${title}`, ''];
  const total = diff.added.length + diff.removed.length + diff.changed.length + diff.moved.length;
  if (total === 0) return [...lines, 'No object changes.', ''].join('\n');
  lines.push(`${diff.added.length} added, ${diff.removed.length} removed, ${diff.changed.length} changed, ${diff.moved.length} moved.`, '');
  if (diff.added.length) lines.push('### Added', '', ...diff.added.map((x) => `- \`${x.id}\` (${x.file})`), '');
  if (diff.removed.length) lines.push('### Removed', '', ...diff.removed.map((x) => `- \`${x.id}\` (${x.file})`), '');
  if (diff.changed.length) {
    lines.push('### Changed', '');
    for (const c of diff.changed) {
      lines.push(`- \`${c.id}\` (${c.file})`);
      for (const f of c.fields) lines.push(`  - \`${f.path}\`: ${show(f.before)} → ${show(f.after)}`);
    }
    lines.push('');
  }
  if (diff.moved.length) lines.push('### Moved to another file', '', ...diff.moved.map((x) => `- \`${x.id}\`: ${x.from} → ${x.to}`), '');
  return lines.join('\n');
}
