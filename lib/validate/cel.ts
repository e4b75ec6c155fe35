/**
 * CEL rules of CRDs (`x-kubernetes-validations`), evaluated the way the API server does on create:
 * each rule with `self` bound to the value at its schema node (every element of a list, every value of
 * a map), only where that value is present, after the schema's `default`s are applied (structural
 * defaulting runs before validation); integers are CEL `int`, `type: number` is `double`.
 *
 * - Transition rules (they read `oldSelf`) need the stored object: a synthesized object is always a
 *   create, so they are skipped (and counted: `celProblems`' `stats.skippedTransition`).
 * - `messageExpression` gives the message when it evaluates to a string, else `message`, else the rule.
 * - `fieldPath` is appended to the rule's own path; `reason` is shown.
 * - A rule the library cannot compile is never passed silently: an object that reaches it gets a
 *   `cel-unsupported` finding, and `docs/cel-rules.md` (generated) lists every such rule in crds/.
 * - A rule that fails at run time (no such key, no matching overload) is a `cel-error` finding: the API
 *   server rejects the object then too.
 *
 * The library is @marcbachmann/cel-js (CEL spec with the string extensions, `matches`, `duration`,
 * macros `has`/`all`/`exists`/`exists_one`/`filter`/`map`). Its `has()` accepts only a chain of field
 * selections from a variable (`has(self.a.b)`); CEL allows any operand (`has(self.matches[0].path)`,
 * used by HTTPRoute), so such calls are rewritten to `__has(<operand>, "<field>")`, which evaluates
 * the operand (an error stays an error) and tests the field's presence: the same semantics.
 * Kubernetes' own library functions (`isURL`, `url`, `quantity`, `ip`, `cidr`, ...) are registered as
 * far as the pinned CRDs use them (`docs/cel-rules.md` lists the functions every rule calls); none of
 * the pinned CRDs calls one today, and a future CRD that does shows up as `cel-unsupported`.
 *
 * Every rule is compiled once per process (cache by its text).
 */
import { Environment, type ParseResult } from '@marcbachmann/cel-js';

export interface CelRule {
  readonly rule: string;
  readonly message?: string;
  readonly messageExpression?: string;
  readonly fieldPath?: string;
  readonly reason?: string;
  readonly optionalOldSelf?: boolean;
}

/** A CEL finding of one object (the caller turns it into a gate Finding). */
export interface CelProblem {
  readonly rule: 'cel-rule' | 'cel-error' | 'cel-unsupported';
  /** JSON path of the value, e.g. `.spec.rules[0]` (plus the rule's `fieldPath`). */
  readonly path: string;
  readonly message: string;
}

const isObject = (v: unknown): v is Record<string, any> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Reads the stored object: transition rules only, skipped for a create. */
export const isTransitionRule = (r: CelRule) => /\boldSelf\b/.test(r.rule);

/** `has(<operand>.<field>)` where the operand is more than a chain of field selections, rewritten (see file comment). */
export function rewriteHas(expr: string): string {
  let out = '';
  let i = 0;
  while (i < expr.length) {
    const c = expr[i];
    if (c === '"' || c === "'") { // copy string literals (incl. raw and triple-quoted) untouched
      const triple = expr.startsWith(c.repeat(3), i);
      const q = triple ? c.repeat(3) : c;
      const raw = /[rR]$/.test(out);
      let j = i + q.length;
      while (j < expr.length && !expr.startsWith(q, j)) j += !raw && expr[j] === '\\' ? 2 : 1;
      out += expr.slice(i, j + q.length);
      i = j + q.length;
      continue;
    }
    if (expr.startsWith('has(', i) && !/[\w.]$/.test(out)) {
      const end = matchingParen(expr, i + 3);
      if (end > 0) {
        const arg = expr.slice(i + 4, end).trim();
        const dot = lastTopLevelDot(arg);
        if (dot > 0 && !/^[A-Za-z_]\w*(\s*\.\s*[A-Za-z_]\w*)+$/.test(arg)) {
          out += `__has(${rewriteHas(arg.slice(0, dot))}, "${arg.slice(dot + 1).trim()}")`;
          i = end + 1;
          continue;
        }
      }
    }
    out += c;
    i++;
  }
  return out;
}

function matchingParen(s: string, open: number): number {
  let depth = 0;
  for (let j = open; j < s.length; j++) {
    const c = s[j];
    if (c === '"' || c === "'") { j++; while (j < s.length && s[j] !== c) j += s[j] === '\\' ? 2 : 1; continue; }
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') { depth--; if (depth === 0) return c === ')' ? j : -1; }
  }
  return -1;
}

function lastTopLevelDot(s: string): number {
  let depth = 0;
  let last = -1;
  for (let j = 0; j < s.length; j++) {
    const c = s[j];
    if (c === '"' || c === "'") { j++; while (j < s.length && s[j] !== c) j += s[j] === '\\' ? 2 : 1; continue; }
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (c === '.' && depth === 0 && !/\d/.test(s[j + 1] ?? '')) last = j;
  }
  return last;
}

let environment: Environment | undefined;
function celEnvironment(): Environment {
  environment ??= new Environment({ unlistedVariablesAreDyn: true, homogeneousAggregateLiterals: false })
    .registerFunction('__has(dyn, string): bool', (o: unknown, f: string) =>
      o instanceof Map ? o.has(f) : isObject(o) ? Object.prototype.hasOwnProperty.call(o, f) && o[f] !== undefined : false);
  return environment;
}

export type Compiled = { ok: true; run: ParseResult } | { ok: false; error: string };
const compiled = new Map<string, Compiled>();

/** Parses and type-checks an expression once (cached by its text); `self` is dynamically typed. */
export function compileCel(expr: string): Compiled {
  let c = compiled.get(expr);
  if (!c) {
    try {
      const run = celEnvironment().parse(rewriteHas(expr));
      const checked = run.check();
      c = checked.valid ? { ok: true, run } : { ok: false, error: firstLine(checked.error?.message ?? 'type check failed') };
    } catch (e) {
      c = { ok: false, error: firstLine((e as Error).message) };
    }
    compiled.set(expr, c);
  }
  return c;
}

const firstLine = (s: string) => s.split('\n')[0];

/** Schema type of a node, as the API server's CEL type mapping reads it. */
function toCel(v: unknown, s: any): unknown {
  // Array.from, not v.map: an array from another realm (structuredClone, a Jest sandbox) stays foreign
  // under map(), and the library does not take it as a list.
  if (Array.isArray(v)) return Array.from(v, (x) => toCel(x, s?.items));
  if (isObject(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = toCel(x, s?.properties?.[k] ?? (isObject(s?.additionalProperties) ? s.additionalProperties : undefined));
    return out;
  }
  if (typeof v === 'number') return s?.type === 'number' || !Number.isInteger(v) ? v : BigInt(v);
  return v;
}

/** The value with the schema's defaults applied where a field is absent (a copy; recursive, like the API server). */
export function withDefaults(v: unknown, s: any): unknown {
  if (!isObject(s)) return v;
  if (Array.isArray(v)) return Array.from(v, (x) => withDefaults(x, s.items));
  if (!isObject(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = withDefaults(x, s.properties?.[k] ?? (isObject(s.additionalProperties) ? s.additionalProperties : undefined));
  for (const [k, sub] of Object.entries((s.properties ?? {}) as Record<string, any>)) {
    if (!(k in out) && sub?.default !== undefined) out[k] = withDefaults(JSON.parse(JSON.stringify(sub.default)), sub);
  }
  return out;
}

/**
 * The CEL findings of one object against its CRD version's schema (or a skeleton of it, see
 * `celSkeleton`). `stats` counts evaluated and skipped rules (tests and docs).
 */
export function celProblems(o: unknown, schema: any, stats?: { evaluated: number; skippedTransition: number }): CelProblem[] {
  const out: CelProblem[] = [];
  const walk = (v: unknown, s: any, at: string): void => {
    if (v === undefined || v === null || !isObject(s)) return;
    const rules: CelRule[] = s['x-kubernetes-validations'] ?? [];
    if (rules.length > 0) {
      let self: unknown;
      for (const r of rules) {
        if (isTransitionRule(r)) { if (stats) stats.skippedTransition++; continue; }
        const where = `${at}${r.fieldPath ?? ''}` || '.';
        const c = compileCel(r.rule);
        if (!c.ok) { out.push({ rule: 'cel-unsupported', path: where, message: `rule cannot be evaluated (${c.error}): ${r.rule}` }); continue; }
        self ??= toCel(v, s);
        if (stats) stats.evaluated++;
        let result: unknown;
        try {
          result = c.run({ self });
        } catch (e) {
          out.push({ rule: 'cel-error', path: where, message: `evaluating ${JSON.stringify(r.rule)}: ${firstLine((e as Error).message)}` });
          continue;
        }
        if (result === true) continue;
        let message = r.message ?? `failed rule: ${r.rule}`;
        if (r.messageExpression) {
          const m = compileCel(r.messageExpression);
          if (m.ok) { try { const x = m.run({ self }); if (typeof x === 'string' && x !== '') message = x; } catch { /* message stays */ } }
        }
        out.push({ rule: 'cel-rule', path: where, message: `${message}${r.reason ? ` (${r.reason})` : ''}` });
      }
    }
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, s.items, `${at}[${i}]`));
    else if (isObject(v)) {
      for (const [k, x] of Object.entries(v)) {
        const sub = s.properties?.[k] ?? (isObject(s.additionalProperties) ? s.additionalProperties : undefined);
        walk(x, sub, s.properties?.[k] ? `${at}.${k}` : `${at}[${JSON.stringify(k)}]`);
      }
    }
  };
  walk(withDefaults(o, schema), schema, '');
  return out;
}

const KEEP = new Set(['type', 'default', 'x-kubernetes-validations', 'x-kubernetes-int-or-string']);

/**
 * What `celProblems` needs of a schema: rules, types and defaults along the paths that lead to a rule,
 * and everything below a rule (its `self`'s types and defaults); descriptions, patterns and rule-free
 * branches are dropped. Undefined when the schema has no rule at all. Kept in the build cache.
 */
export function celSkeleton(s: any): any {
  if (!isObject(s)) return undefined;
  const hasRules = Array.isArray(s['x-kubernetes-validations']) && s['x-kubernetes-validations'].length > 0;
  return hasRules ? typesOnly(s) : rulePaths(s);
}

export function typesOnly(s: any): any {
  if (!isObject(s)) return undefined;
  const out: Record<string, any> = {};
  for (const k of KEEP) if (s[k] !== undefined) out[k] = s[k];
  if (isObject(s.properties)) out.properties = Object.fromEntries(Object.entries(s.properties).map(([k, x]) => [k, typesOnly(x)]));
  if (isObject(s.items)) out.items = typesOnly(s.items);
  if (isObject(s.additionalProperties)) out.additionalProperties = typesOnly(s.additionalProperties);
  return out;
}

export function rulePaths(s: any): any {
  const out: Record<string, any> = {};
  let any = false;
  if (isObject(s.properties)) {
    const props: Record<string, any> = {};
    for (const [k, x] of Object.entries(s.properties)) {
      const sub = celSkeleton(x);
      // A property with a default but no rule still matters: defaulting may create the value a rule reads.
      if (sub) { props[k] = sub; any = true; } else if (isObject(x) && (x as any).default !== undefined) props[k] = typesOnly(x);
    }
    if (any) out.properties = props;
  }
  for (const k of ['items', 'additionalProperties'] as const) {
    const sub = celSkeleton(s[k]);
    if (sub) { out[k] = sub; any = true; }
  }
  if (!any) return undefined;
  if (s.type) out.type = s.type;
  return out;
}

/** Every rule in a schema (for the report): JSON path of its node and the rule. */
export function rulesOf(s: any, at = ''): { path: string; rule: CelRule }[] {
  if (!isObject(s)) return [];
  const out = ((s['x-kubernetes-validations'] ?? []) as CelRule[]).map((rule) => ({ path: at || '.', rule }));
  for (const [k, x] of Object.entries((s.properties ?? {}) as Record<string, any>)) out.push(...rulesOf(x, `${at}.${k}`));
  if (isObject(s.items)) out.push(...rulesOf(s.items, `${at}[*]`));
  if (isObject(s.additionalProperties)) out.push(...rulesOf(s.additionalProperties, `${at}[*]`));
  return out;
}
