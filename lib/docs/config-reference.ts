/**
 * The configuration reference: a Markdown table of every key of the schema in `lib/config/index.ts`, with its
 * type, default and description, generated (not hand-kept) from the schema's JSON Schema form.
 */
import { z } from 'zod';
import { configSchema } from '../config';

interface Row { key: string; type: string; def: string; description: string }

function typeOf(s: any): string {
  if (s.anyOf) return s.anyOf.map(typeOf).join(' or ');
  if (s.enum) return s.enum.map((v: unknown) => `\`${JSON.stringify(v)}\``).join(', ');
  if (s.const !== undefined) return `\`${JSON.stringify(s.const)}\``;
  if (s.type === 'array') return `list of ${typeOf(s.items ?? {})}`;
  if (s.type === 'object' && s.additionalProperties && typeof s.additionalProperties === 'object' && !s.properties) {
    return `map of ${typeOf(s.additionalProperties)}`;
  }
  if (s.type === 'string' && s.format) return `string (${s.format})`;
  if (s.type === 'integer') {
    const lo = s.minimum ?? s.exclusiveMinimum;
    const hi = s.maximum !== undefined && s.maximum < Number.MAX_SAFE_INTEGER ? s.maximum : undefined;
    return lo !== undefined && hi !== undefined ? `integer ${lo}–${hi}` : lo !== undefined ? `integer ≥ ${lo}` : 'integer';
  }
  return s.type ?? 'any';
}

function walk(s: any, prefix: string, rows: Row[], required: boolean): void {
  const isObject = s.type === 'object' && s.properties;
  if (prefix) {
    const def = s.default !== undefined ? `\`${JSON.stringify(s.default)}\``
      : isObject ? '' : required ? '**required**' : '(none)';
    if (!isObject || s.description) {
      rows.push({ key: prefix, type: isObject ? 'object' : typeOf(s), def, description: (s.description ?? '').replace(/\|/g, '\\|') });
    }
  }
  if (isObject) {
    const req = new Set<string>(s.required ?? []);
    for (const [k, v] of Object.entries<any>(s.properties)) walk(v, prefix ? `${prefix}.${k}` : k, rows, req.has(k) && v.default === undefined);
  }
  if (s.type === 'array' && s.items?.type === 'object' && s.items.properties) {
    for (const [k, v] of Object.entries<any>(s.items.properties)) walk(v, `${prefix}[].${k}`, rows, (s.items.required ?? []).includes(k));
  }
}

export function configReference(): string {
  const schema = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as any;
  const rows: Row[] = [];
  walk(schema, '', rows, true);
  const lines = ['| key | type | default | description |', '| --- | --- | --- | --- |'];
  for (const r of rows) lines.push(`| \`${r.key}\` | ${r.type} | ${r.def} | ${r.description} |`);
  return lines.join('\n');
}

export const REFERENCE_START = '<!-- config-reference:start -->';
export const REFERENCE_END = '<!-- config-reference:end -->';

/** The text of docs/configuration.md with the generated reference between the markers. */
export function withReference(readme: string): string {
  const a = readme.indexOf(REFERENCE_START);
  const b = readme.indexOf(REFERENCE_END);
  if (a < 0 || b < a) throw new Error(`docs/configuration.md lacks the markers ${REFERENCE_START} ... ${REFERENCE_END}`);
  return `${readme.slice(0, a + REFERENCE_START.length)}\n${configReference()}\n${readme.slice(b)}`;
}
