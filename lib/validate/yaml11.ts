/**
 * The gate's YAML 1.1 reading: every output file is read as YAML 1.2 (what our tools and the `yaml` library
 * read) and as YAML 1.1 (what kubectl, Argo CD and the API server read with go-yaml v2, and Ansible or
 * pre-commit with PyYAML: lib/output/yaml11.ts), and any value that differs is a finding naming the object, the
 * path in it and, where the value comes from the config, the config key.
 *
 * Synth's own emitter quotes every such scalar, so in synth this is a second line of defence; `npm run validate`
 * needs it for hand-edited trees. A file is fully read twice only when its lexer tokens hold an unquoted
 * scalar that a 1.1 reader could resolve differently (numbers in plain decimal, `true`, `false`, `null`
 * read the same in both): normally none does, and the check costs one pass of the lexer.
 */
import { Lexer, parseAllDocuments } from 'yaml';
import { mayBeSpecialIn11, notAStringIn11, YAML11_PARSE_OPTIONS } from '../output/yaml11';
import { CLUSTER_SCOPE, type Finding } from './types';

/** Plain scalars that read the same under YAML 1.1 and 1.2 (and need no closer look). */
const SAME_IN_BOTH = /^(?:-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?|true|false|null)$/;

/** Whether some unquoted scalar of the text could read differently under YAML 1.1 (a quick lexer pass). */
export function mayDifferIn11(text: string): boolean {
  let plainNext = false;
  let afterBlockHeader = false;
  for (const tok of new Lexer().lex(text)) {
    if (tok === '\x1f') { plainNext = !afterBlockHeader; afterBlockHeader = false; continue; }
    const c = tok[0];
    if (c === '|' || c === '>') afterBlockHeader = true;
    else if (c === '!' || c === '&' || c === '*') return true; // tags, anchors and aliases (merge keys): read closely
    if (plainNext) {
      plainNext = false;
      if (mayBeSpecialIn11(tok) && notAStringIn11(tok) && !SAME_IN_BOTH.test(tok)) return true;
    }
  }
  return false;
}

/** A value of the YAML 1.1 reading, in words. */
function described(v: unknown): string {
  if (v === null) return 'null';
  if (v instanceof Date) return 'a timestamp';
  if (typeof v === 'boolean') return `the boolean ${v}`;
  if (typeof v === 'number') return `the number ${v}`;
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'object' && v && 'PyYAML cannot load' in v) return "PyYAML's value tag (PyYAML cannot load the file)";
  if (typeof v === 'object' && v && 'timestamp' in v) return 'a timestamp';
  return Array.isArray(v) ? 'a list' : 'a map';
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const step = (path: string, key: string | number) =>
  typeof key === 'number' ? `${path}[${key}]` : IDENT.test(key) ? (path ? `${path}.${key}` : key) : `${path}[${JSON.stringify(key)}]`;

export interface Difference { readonly path: string; readonly scalar: string; readonly message: string }

/** Where the YAML 1.1 reading `b` of a document differs from its YAML 1.2 reading `a`. */
export function differences(a: unknown, b: unknown, path = ''): Difference[] {
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object' && !(b instanceof Date)) {
    if (Array.isArray(a) !== Array.isArray(b)) return [{ path, scalar: '', message: `is ${described(a)} in YAML 1.2 and ${described(b)} in YAML 1.1` }];
    if (Array.isArray(a)) {
      const bb = b as unknown[];
      const out = a.flatMap((x, i) => differences(x, bb[i], step(path, i)));
      if (a.length !== bb.length) out.push({ path, scalar: '', message: `has ${a.length} items in YAML 1.2 and ${bb.length} in YAML 1.1` });
      return out;
    }
    const ea = Object.entries(a as object);
    const eb = Object.entries(b as object);
    const out: Difference[] = [];
    for (let i = 0; i < ea.length; i++) {
      const [ka, va] = ea[i];
      const kb = eb[i]?.[0];
      if (kb !== ka) {
        // a key such as `y`, `on` or `1_000` (go-yaml turns it into the string of the boolean or number it reads); `<<` merges
        out.push(ka === '<<'
          ? { path: step(path, ka), scalar: ka, message: 'the key "<<" is a merge key in YAML 1.1: it merges its value into the map instead of being a key' }
          : { path: step(path, ka), scalar: ka, message: `the key "${ka}" reads as ${kb === undefined ? 'nothing' : JSON.stringify(kb)} in YAML 1.1 (kubectl, Argo CD, the API server) and as "${ka}" in YAML 1.2: it must be quoted` });
        return out; // the keys are out of step from here on
      }
      out.push(...differences(va, eb[i][1], step(path, ka)));
    }
    if (ea.length !== eb.length) out.push({ path, scalar: '', message: `has ${ea.length} keys in YAML 1.2 and ${eb.length} in YAML 1.1` });
    return out;
  }
  if (Object.is(a, b) || (typeof a === 'number' && typeof b === 'number' && a === b)) return [];
  const scalar = typeof a === 'string' ? a : String(a);
  return [{
    path, scalar,
    message: `${typeof a === 'string' ? JSON.stringify(a) : described(a)} in YAML 1.2 reads as ${described(b)} in YAML 1.1 (kubectl, Argo CD, the API server; PyYAML)${typeof a === 'string' ? ': it must be quoted' : ''}`,
  }];
}

/**
 * Findings for one file's text: each value that reads differently under YAML 1.1, on the object it belongs
 * to (`file` names the file; `configKey` says where a value came from, when the caller can tell).
 */
export function yaml11Findings(text: string, file: string, configKey: (scalar: string) => string | undefined = () => undefined): Finding[] {
  if (!mayDifferIn11(text)) return [];
  const d12 = parseAllDocuments(text, { maxAliasCount: 100 } as any);
  const d11 = parseAllDocuments(text, { ...YAML11_PARSE_OPTIONS, maxAliasCount: 100 } as any);
  const out: Finding[] = [];
  d12.forEach((doc, i) => {
    if (doc.errors.length > 0 || d11[i]?.errors.length) return; // a parse error is the yaml-parse finding's
    let a: any;
    let b: any;
    try {
      a = doc.toJS({ maxAliasCount: 100 });
      b = d11[i].toJS({ maxAliasCount: 100 });
    } catch {
      return;
    }
    for (const d of differences(a, b)) {
      const named = a && typeof a === 'object' && typeof a.kind === 'string' && typeof a.metadata?.name === 'string';
      const key = d.scalar ? configKey(d.scalar) : undefined;
      out.push({
        kind: named ? a.kind : 'File',
        namespace: named ? String(a.metadata.namespace ?? CLUSTER_SCOPE) : '',
        name: named ? a.metadata.name : file,
        rule: 'yaml-1.1',
        message: `${file} (document ${i + 1}): ${d.path || '(document)'}: ${d.message}`,
        ...(key ? { configKey: key } : {}),
      });
    }
  });
  return out;
}

/**
 * The config keys a scalar of the output came from: a string value equal to it, a map key equal to it, or an
 * image reference whose tag it is (the release version label). The most specific match first.
 */
export function configKeyOfValue(config: unknown, scalar: string, envName?: string): string | undefined {
  const exact: string[] = [];
  const keys: string[] = [];
  const within: string[] = [];
  const walk = (v: unknown, path: string) => {
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${path}[${i}]`));
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        const p = path ? `${path}.${k}` : k;
        if (k === scalar) keys.push(p);
        walk(x, p);
      }
    } else if (typeof v === 'string') {
      if (v === scalar) exact.push(path);
      else if (v.endsWith(`:${scalar}`) || v.includes(`:${scalar}@`)) within.push(`${path} (its tag)`);
    }
  };
  walk(config, '');
  const found = [...exact, ...keys, ...within];
  if (found.length > 0) return found.slice(0, 3).join(', ');
  if (envName !== undefined && scalar === envName) return 'the environment name (the config file name)';
  return undefined;
}
