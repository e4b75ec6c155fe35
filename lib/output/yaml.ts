/**
 * A dedicated YAML emitter for the plain JSON data we write (maps, lists, strings, numbers, booleans, null).
 *
 * Its output is byte-identical to `yaml` 2.9.1's `stringify(value, { lineWidth: 0, minContentWidth: 0,
 * indentSeq: true, compat })` with `compat` the YAML 1.1 readers' tags of ./yaml11.ts: a string that kubectl
 * (go-yaml v2) or PyYAML would read as a boolean, number, null, date, merge key or `=` is quoted, keys
 * included, even where YAML 1.2 would read it plain as a string (`on`, `y`, `1_000`, `2024-01-15`). (The `yaml` package stays pinned; `test/yaml-emitter.test.ts` compares both byte for
 * byte over every synthesized object and a generated adversarial corpus). It mirrors the structure of
 * `yaml/dist/stringify/*.js` for exactly that option set: with `lineWidth: 0` no line is ever folded, so
 * block scalars are always literal (`|`), and quoted scalars are never wrapped.
 *
 * Why: `yaml` builds a document node tree for every value and tests each scalar against every tag of the
 * schema; for our output that was the largest phase of a synth (bench/README.md). This walks the data once.
 *
 * Anything outside plain JSON data is handed to `yaml` itself for the whole document (correctness first):
 * shared or circular object references (`yaml` writes anchors and aliases), values that are not plain
 * objects/arrays/strings/finite-or-not numbers/booleans/null (Date, Map, class instances, `toJSON`, bigint,
 * `undefined` in a list, functions, symbols), keys whose rendering exceeds 1024 characters (`yaml` switches
 * to an explicit `? key`) and a scalar at the document root.
 */
import { stringify as yamlStringify } from 'yaml';
import { mayBeSpecialIn11, notAStringIn11, READER_TAGS, YAML11_SCHEMA_TAGS } from './yaml11';

/**
 * The options every caller of this module relies on; `yaml` gets exactly these when a document is delegated.
 * `compat`: a string is written plain only when YAML 1.1 readers read it as that string too (./yaml11.ts).
 */
export const YAML_OPTIONS = { lineWidth: 0, minContentWidth: 0, indentSeq: true, compat: [...YAML11_SCHEMA_TAGS, ...READER_TAGS] as any[] } as const;

/** Thrown (and caught in `toYamlDocument`) when a value needs `yaml` itself. */
const DELEGATE: unique symbol = Symbol('delegate to yaml');

const INDENT_STEP = '  ';

// yaml/dist/stringify/stringifyString.js
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u{D800}-\u{DFFF}]/u;
const NOT_PLAIN = /^[\n\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|[\n:][ \t]|[ \t]\n|[\n\t ]#|[\n\t :]$/;
const DOCUMENT_MARKER = /^(%|---|\.\.\.)/m;
const WS_AROUND_NEWLINE = /[ \t]\n|\n[ \t]/;
const BLOCK_TRAILING_WS = /\n[\t ]+$/;
const BLOCK_END_NEWLINES = /(^|(?<!\n))\n+(?!\n|$)/g;
// The tests of the YAML 1.2 core schema's default tags other than str (yaml/dist/schema/core/*.js,
// schema/common/null.js): a plain scalar matching one would read back as null, a boolean or a number.
const CORE_TAG_TESTS = [
  /^(?:~|[Nn]ull|NULL)?$/,
  /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/,
  /^0o[0-7]+$/,
  /^[-+]?[0-9]+$/,
  /^0x[0-9a-fA-F]+$/,
  /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
  /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/,
  /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/,
];

/** Whether some core tag could match a string starting with this character (all of them start with one of `~nNtTfF0-9+-.`, or are empty). */
function mayMatchCoreTag(s: string): boolean {
  if (s.length === 0) return true;
  const c = s.charCodeAt(0);
  // ~ n N t T f F + - . 0-9
  return c === 126 || c === 110 || c === 78 || c === 116 || c === 84 || c === 102 || c === 70 || c === 43 || c === 45 || c === 46 || (c >= 48 && c <= 57);
}

function doubleQuoted(value: string, implicitKey: boolean, ctxIndent: string): string {
  const json = JSON.stringify(value);
  const indent = ctxIndent || (DOCUMENT_MARKER.test(value) ? '  ' : '');
  let str = '';
  let start = 0;
  for (let i = 0, ch = json[i]; ch; ch = json[++i]) {
    if (ch === ' ' && json[i + 1] === '\\' && json[i + 2] === 'n') {
      // a space before a newline is escaped so that it is not folded
      str += json.slice(start, i) + '\\ ';
      i += 1;
      start = i;
      ch = '\\';
    }
    if (ch === '\\') {
      switch (json[i + 1]) {
        case 'u': {
          str += json.slice(start, i);
          const code = json.substr(i + 2, 4);
          switch (code) {
            case '0000': str += '\\0'; break;
            case '0007': str += '\\a'; break;
            case '000b': str += '\\v'; break;
            case '001b': str += '\\e'; break;
            case '0085': str += '\\N'; break;
            case '00a0': str += '\\_'; break;
            case '2028': str += '\\L'; break;
            case '2029': str += '\\P'; break;
            default:
              if (code.substr(0, 2) === '00') str += '\\x' + code.substr(2);
              else str += json.substr(i, 6);
          }
          i += 5;
          start = i + 1;
          break;
        }
        case 'n':
          // doubleQuotedMinMultiLineLength: 40
          if (implicitKey || json[i + 2] === '"' || json.length < 40) {
            i += 1;
          } else {
            // folding eats the first newline
            str += json.slice(start, i) + '\n\n';
            while (json[i + 2] === '\\' && json[i + 3] === 'n' && json[i + 4] !== '"') {
              str += '\n';
              i += 2;
            }
            str += indent;
            // a space after a newline is escaped so that it is not folded
            if (json[i + 2] === ' ') str += '\\';
            i += 1;
            start = i + 1;
          }
          break;
        default:
          i += 1;
      }
    }
  }
  return start ? str + json.slice(start) : json;
}

function singleQuoted(value: string, implicitKey: boolean, ctxIndent: string): string {
  if ((implicitKey && value.includes('\n')) || WS_AROUND_NEWLINE.test(value)) return doubleQuoted(value, implicitKey, ctxIndent);
  const indent = ctxIndent || (DOCUMENT_MARKER.test(value) ? '  ' : '');
  return "'" + value.replace(/'/g, "''").replace(/\n+/g, `$&\n${indent}`) + "'";
}

function quoted(value: string, implicitKey: boolean, ctxIndent: string): string {
  // singleQuote: null (the default): prefer double quotes unless the value holds only double quotes
  const hasDouble = value.includes('"');
  const hasSingle = value.includes("'");
  if (hasDouble && !hasSingle) return singleQuoted(value, implicitKey, ctxIndent);
  return doubleQuoted(value, implicitKey, ctxIndent);
}

/** A literal block scalar (with lineWidth 0 `yaml` never chooses the folded style). */
function block(value: string, implicitKey: boolean, ctxIndent: string): string {
  if (BLOCK_TRAILING_WS.test(value)) return quoted(value, implicitKey, ctxIndent);
  // ctxIndent is never '' here (no root scalars), so forceBlockIndent does not apply
  const indent = ctxIndent || (DOCUMENT_MARKER.test(value) ? '  ' : '');
  if (!value) return '|\n';
  let endStart: number;
  for (endStart = value.length; endStart > 0; --endStart) {
    const ch = value[endStart - 1];
    if (ch !== '\n' && ch !== '\t' && ch !== ' ') break;
  }
  let end = value.substring(endStart);
  const endNlPos = end.indexOf('\n');
  let chomp: string;
  if (endNlPos === -1) chomp = '-';
  else if (value === end || endNlPos !== end.length - 1) chomp = '+';
  else chomp = '';
  if (end) {
    value = value.slice(0, -end.length);
    if (end[end.length - 1] === '\n') end = end.slice(0, -1);
    end = end.replace(BLOCK_END_NEWLINES, `$&${indent}`);
  }
  let startWithSpace = false;
  let startEnd: number;
  let startNlPos = -1;
  for (startEnd = 0; startEnd < value.length; ++startEnd) {
    const ch = value[startEnd];
    if (ch === ' ') startWithSpace = true;
    else if (ch === '\n') startNlPos = startEnd;
    else break;
  }
  let start = value.substring(0, startNlPos < startEnd ? startNlPos + 1 : startEnd);
  if (start) {
    value = value.substring(start.length);
    start = start.replace(/\n+/g, `$&${indent}`);
  }
  const header = (startWithSpace ? (indent ? '2' : '1') : '') + chomp;
  value = value.replace(/\n+/g, `$&${indent}`);
  return `|${header}\n${indent}${start}${value}${end}`;
}

function plain(value: string, implicitKey: boolean, indent: string): string {
  if (implicitKey && value.includes('\n')) return quoted(value, implicitKey, indent);
  if (NOT_PLAIN.test(value)) {
    return implicitKey || !value.includes('\n') ? quoted(value, implicitKey, indent) : block(value, implicitKey, indent);
  }
  if (!implicitKey && value.includes('\n')) return block(value, implicitKey, indent);
  // (indent is never '' here: that is the document root, which is delegated)
  if (implicitKey && indent === INDENT_STEP && DOCUMENT_MARKER.test(value)) return quoted(value, implicitKey, indent);
  const str = value.includes('\n') ? value.replace(/\n+/g, `$&\n${indent}`) : value;
  if (mayMatchCoreTag(str)) {
    for (const re of CORE_TAG_TESTS) if (re.test(str)) return quoted(value, implicitKey, indent);
  }
  // and what a YAML 1.1 reader (kubectl, Argo CD, the API server, PyYAML) would read as something else
  if (mayBeSpecialIn11(str) && notAStringIn11(str)) return quoted(value, implicitKey, indent);
  return str;
}

/** A string scalar, as a map key (`implicitKey`) or a value, with `indent` the context's indentation. */
function scalarString(value: string, implicitKey: boolean, indent: string): string {
  if (CONTROL.test(value)) return doubleQuoted(value, implicitKey, indent);
  return plain(value, implicitKey, indent);
}

function number(n: number): string {
  if (!isFinite(n)) return Number.isNaN(n) ? '.nan' : n < 0 ? '-.inf' : '.inf';
  return Object.is(n, -0) ? '-0' : JSON.stringify(n);
}

function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v);
  return (proto === Object.prototype || proto === null) && typeof (v as any).toJSON !== 'function';
}

/** One node; `indent` is the context's indentation (the caller places the first line). */
function node(v: unknown, indent: string, seen: Set<object>): string {
  switch (typeof v) {
    case 'string':
      return scalarString(v, false, indent);
    case 'number':
      return number(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'object':
      if (v === null) return 'null';
      if (seen.has(v)) throw DELEGATE; // shared or circular: yaml writes an anchor and aliases
      seen.add(v);
      if (Array.isArray(v)) {
        if (Object.getPrototypeOf(v) !== Array.prototype) throw DELEGATE;
        return seq(v, indent, seen);
      }
      if (!isPlainObject(v)) throw DELEGATE;
      return map(v as Record<string, unknown>, indent, seen);
    default:
      throw DELEGATE; // undefined in a list, bigint, function, symbol
  }
}

function seq(items: unknown[], indent: string, seen: Set<object>): string {
  if (items.length === 0) return '[]';
  const itemIndent = indent + INDENT_STEP;
  let out = '';
  for (let i = 0; i < items.length; i++) {
    if (i > 0) out += '\n' + indent;
    out += '- ' + node(items[i], itemIndent, seen);
  }
  return out;
}

function map(obj: Record<string, unknown>, indent: string, seen: Set<object>): string {
  const pairIndent = indent + INDENT_STEP;
  let out = '';
  let first = true;
  for (const key of Object.keys(obj)) {
    const v = obj[key];
    if (v === undefined) continue; // keepUndefined: false
    const k = scalarString(key, true, pairIndent);
    if (k.length > 1024) throw DELEGATE; // yaml writes an explicit `? key`
    if (first) first = false;
    else out += '\n' + indent;
    out += k + ':';
    if (v !== null && typeof v === 'object') {
      const s = node(v, pairIndent, seen);
      // a non-empty collection starts on its own line; an empty one is a flow `{}` / `[]`
      out += s === '{}' || s === '[]' ? ' ' + s : '\n' + pairIndent + s;
    } else {
      out += ' ' + node(v, pairIndent, seen);
    }
  }
  return first ? '{}' : out;
}

/**
 * The document this emitter writes for `value`, or `undefined` when it must be delegated to `yaml` (see
 * the module comment). Exported for the differential test.
 */
export function emitPlain(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return undefined; // a root scalar
  try {
    return node(value, '', new Set()) + '\n';
  } catch (e) {
    if (e !== DELEGATE) throw e;
    return undefined;
  }
}

/** One YAML document (no `---`), ending with a newline: exactly `yaml.stringify(value, YAML_OPTIONS)`. */
export function toYamlDocument(value: unknown): string {
  return emitPlain(value) ?? yamlStringify(value, YAML_OPTIONS);
}
