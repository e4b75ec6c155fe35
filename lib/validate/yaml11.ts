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

/** Whether a plain scalar token needs the close look (it may read differently under YAML 1.1). */
const suspicious = (tok: string) => mayBeSpecialIn11(tok) && notAStringIn11(tok) && !SAME_IN_BOTH.test(tok);

/**
 * Whether some unquoted scalar of the text could read differently under YAML 1.1: a line scan of the block
 * YAML synth's emitter writes (`quickMayDiffer`), and the `yaml` lexer (`lexerMayDiffer`) for any text the
 * scan does not take. The lexer costs about 0.2 ms per kilobyte even when warm, the scan a few percent of it.
 */
export function mayDifferIn11(text: string): boolean {
  return quickMayDiffer(text) ?? lexerMayDiffer(text);
}

/** The quick lexer pass: every token of `yaml`'s lexer. */
export function lexerMayDiffer(text: string): boolean {
  let plainNext = false;
  let afterBlockHeader = false;
  for (const tok of new Lexer().lex(text)) {
    if (tok === '\x1f') { plainNext = !afterBlockHeader; afterBlockHeader = false; continue; }
    const c = tok[0];
    if (c === '|' || c === '>') afterBlockHeader = true;
    else if (c === '!' || c === '&' || c === '*') return true; // tags, anchors and aliases (merge keys): read closely
    if (plainNext) {
      plainNext = false;
      if (suspicious(tok)) return true;
    }
  }
  return false;
}

const SPACE = 32;
const HASH = 35;
const DASH = 45;
const COLON = 58;
const DQUOTE = 34;
const SQUOTE = 39;
/** Characters that make a line leave the quick scan: control characters, DEL and C1, NEL, the line and paragraph separators, BOM. */
const UNUSUAL = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff]/;
/**
 * A plain scalar or key may not start with these (`yaml`'s lexer reads an indicator, a tag, an anchor or an
 * alias there; `-`, `?` and `:` only when a space or the line's end follows); nor with a space (the scan does
 * not trim).
 */
const INDICATOR_START = /^[ ,[\]{}#&*!|>'"%@`]|^[?:-](?: |$)/;

/**
 * The same answer as `lexerMayDiffer` for the block YAML synth writes (lib/output/yaml.ts: block maps and lists,
 * one scalar per line, plain, quoted on one line or a literal block, `[]`/`{}`, `---` between documents, comments
 * only before the first), without the lexer; undefined for any text outside that form (flow collections, tags,
 * anchors, multi-line plain or quoted scalars, comments after content, blank lines, tabs and other
 * whitespace where indentation or plain scalar ends are read, folded blocks, explicit indentation indicators),
 * which the lexer then reads. Every plain scalar, key or value, is tested as the lexer's token would be.
 * test/yaml11.test.ts holds it to the lexer's answer over every fixture's output and the emitter's corpus.
 */
export function quickMayDiffer(text: string): boolean | undefined {
  if (text.includes('\r') || text.includes('\t') || UNUSUAL.test(text)) return undefined;
  const lines = text.split('\n');
  const n = lines[lines.length - 1] === '' ? lines.length - 1 : lines.length;
  let found = false;
  let content = false; // past the first `---` or content line: comments are no longer taken
  /** After a line that ended in a scalar: the next line's indentation must not exceed this (no continuation). */
  let maxNextIndent = Infinity;
  for (let i = 0; i < n; i++) {
    const line = lines[i];
    if (line === '---') { content = true; maxNextIndent = Infinity; continue; }
    if (line.startsWith('---') || line.startsWith('...')) return undefined; // a marker with content, a document end
    let col = 0;
    while (line.charCodeAt(col) === SPACE) col++;
    if (col === line.length) return undefined; // blank line
    if (line.charCodeAt(col) === HASH) {
      if (content || col > 0) return undefined;
      continue;
    }
    content = true;
    if (col > maxNextIndent) return undefined;
    if (line.charCodeAt(line.length - 1) === SPACE) return undefined;
    // `- ` items: the node's indentation is the last dash's column
    let node = col;
    while (line.charCodeAt(col) === DASH && line.charCodeAt(col + 1) === SPACE) { node = col; col += 2; }
    if (line.charCodeAt(col) === DASH && col === line.length - 1) return undefined; // `-` alone
    // a key?
    let rest: string;
    const c = line.charCodeAt(col);
    if (c === DQUOTE || c === SQUOTE) {
      const end = quotedEnd(line, col);
      if (end < 0) return undefined;
      if (end === line.length) { // a list item's quoted value
        if (node === col) return undefined;
        maxNextIndent = node;
        continue;
      }
      if (line.charCodeAt(end) !== COLON) return undefined;
      node = col;
      if (end + 1 === line.length) { maxNextIndent = Infinity; continue; } // `"key":`
      if (line.charCodeAt(end + 1) !== SPACE) return undefined;
      rest = line.slice(end + 2);
    } else {
      const k = keyEnd(line, col);
      if (k === -2) return undefined;
      if (k === -1) {
        // no key: a list item's scalar (a bare scalar line may be read as the first line of a multi-line key)
        if (node === col) return undefined;
        rest = line.slice(col);
      } else {
        const key = line.slice(col, k);
        if (!plainOk(key)) return undefined;
        if (suspicious(key)) found = true;
        node = col;
        if (k + 1 === line.length) { maxNextIndent = Infinity; continue; } // `key:`
        rest = line.slice(k + 2);
      }
    }
    // the value
    const v = rest.charCodeAt(0);
    if (v === DQUOTE || v === SQUOTE) {
      if (quotedEnd(rest, 0) !== rest.length) return undefined;
    } else if (v === 124 /* | */) {
      if (rest !== '|' && rest !== '|-' && rest !== '|+') return undefined;
      // the literal block: every following line indented deeper than its first, or blank
      let j = i + 1;
      let indent = -1;
      let lead = 0; // spaces of the longest blank line before the first content line
      for (; j < n; j++) {
        const l = lines[j];
        let s = 0;
        while (l.charCodeAt(s) === SPACE) s++;
        if (s === l.length) { if (indent < 0) lead = Math.max(lead, s); continue; }
        if (indent < 0) {
          if (s <= node) break; // an empty block
          if (lead > s) return undefined;
          indent = s;
          const first = l.charCodeAt(s); // the lexer's block token starts here: `!&*|>` would change its reading
          if (first === 33 || first === 38 || first === 42 || first === 124 || first === 62) return undefined;
        } else if (s < indent) {
          if (s > node) return undefined;
          break;
        }
      }
      if (indent < 0) return undefined; // empty or only blank lines
      i = j - 1;
      maxNextIndent = node;
      continue;
    } else if (rest === '[]' || rest === '{}') {
      // an empty flow collection
    } else {
      if (!plainOk(rest) || rest.includes(': ') || rest.endsWith(':')) return undefined;
      if (suspicious(rest)) found = true;
    }
    maxNextIndent = node;
  }
  return found;
}

/** A plain scalar the scan can take as one token: no indicator first, no comment, not empty. */
function plainOk(s: string): boolean {
  return s.length > 0 && !INDICATOR_START.test(s) && !s.includes(' #');
}

/**
 * Where the plain key starting at `from` ends (the index of its `:`), -1 when the line holds no key there
 * (`: ` nowhere, no `:` at the end), -2 when the scan should not guess (a ` #` before it).
 */
function keyEnd(line: string, from: number): number {
  const i = line.indexOf(': ', from);
  const end = i >= 0 ? i : line.charCodeAt(line.length - 1) === COLON ? line.length - 1 : -1;
  if (end < 0) return -1;
  const h = line.indexOf(' #', from);
  return h >= 0 && h < end ? -2 : end;
}

/** The index after the quoted scalar starting at `from`, or -1 when it does not end on this line. */
function quotedEnd(line: string, from: number): number {
  const q = line.charCodeAt(from);
  for (let i = from + 1; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (q === DQUOTE && c === 92 /* \\ */) { i++; continue; }
    if (c === q) {
      if (q === SQUOTE && line.charCodeAt(i + 1) === SQUOTE) { i++; continue; }
      return i + 1;
    }
  }
  return -1;
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
