/**
 * What a YAML 1.1 reader makes of a plain (unquoted) scalar. kubectl, Argo CD and the API server read YAML
 * with go-yaml v2 (through sigs.k8s.io/yaml), Ansible and pre-commit's check-yaml with PyYAML: both resolve
 * plain scalars with YAML 1.1 rules, where `on`, `y`, `1_000`, `0b101`, `1:20`, `2024-01-15`, `<<` and `=`
 * are not strings. The emitter (./yaml.ts) quotes every string that matches one of these tests, keys
 * included; the validation gate (lib/validate/yaml11.ts) reads every output file with them and refuses a
 * value that reads differently than under YAML 1.2.
 *
 * The tests are the union of:
 * - the YAML 1.1 type repository as `yaml`'s `yaml-1.1` schema implements it (bool incl. y/n, null, int in
 *   bases 2/8/10/16 and base 60 with `_`, float incl. base 60, .inf/.nan, timestamp, merge `<<`);
 * - go-yaml v2's resolver (resolve.go): numbers are parsed after removing every `_`, with Go's
 *   `strconv.ParseInt(s, 0, 64)` (so `0o17`, `0O17`, `0X1F`, `0B101`, `-_1`, `0_x1F` are ints) and floats
 *   with `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$` (so `1e1_0` is a float); a scalar starting
 *   with `.` goes to `strconv.ParseFloat`; timestamps `2006-1-2[( |t|T)15:4:5...]`;
 * - PyYAML's resolver (resolver.py): the `value` type `=` (a bare `=` cannot be loaded at all: "could not
 *   determine a constructor for the tag 'tag:yaml.org,2002:value'"), timestamps with a bare `.` fraction or
 *   a one- or two-digit zone.
 * Quoting more than a reader needs costs nothing (a quoted scalar is a string to every reader); quoting
 * less breaks the output, so the tests err on the broad side.
 */
import { Schema } from 'yaml';

/** go-yaml v2: a scalar starting with a sign or digit, read after removing every `_`. */
const GO_NUMBER = /^[-+]?(?:0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO][0-7]+|(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?)$/;
/** go-yaml v2: a scalar starting with `.` goes to strconv.ParseFloat (underscores allowed between digits). */
const GO_DOT_FLOAT = /^\.[0-9]+(?:[eE][-+]?[0-9]+)?$/;
/** go-yaml v2 and PyYAML timestamps, broadly: a date, alone or followed by a time. */
const DATE_LIKE = /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:$|[Tt \t])/;

function goNumber(s: string): boolean {
  const c = s.charCodeAt(0);
  if (c === 46 /* . */) return GO_DOT_FLOAT.test(s.replace(/_/g, ''));
  if (!(c === 43 || c === 45 || (c >= 48 && c <= 57))) return false;
  return GO_NUMBER.test(s.replace(/_/g, ''));
}

/**
 * The tests of the YAML 1.1 readers beyond `yaml`'s own `yaml-1.1` schema, as `yaml` tags (a `test` with a
 * `test(str)` method, which is all `yaml` calls): `compat` for `yaml.stringify` (the emitter's reference in
 * test/yaml-corpus.ts) and `customTags` for `yaml.parse` (the gate's YAML 1.1 reading, where they resolve to
 * what go-yaml or PyYAML would make of the scalar).
 */
export const READER_TAGS = [
  {
    tag: 'tag:yaml.org,2002:value',
    default: true,
    test: /^=$/,
    // PyYAML refuses the document; as a stand-in, something that is not the string "=".
    resolve: () => ({ 'PyYAML cannot load': '=' }),
  },
  {
    tag: 'tag:yaml.org,2002:int',
    format: 'GO',
    default: true,
    test: { test: goNumber } as unknown as RegExp,
    resolve: (s: string) => {
      const p = s.replace(/_/g, '');
      const sign = p[0] === '-' ? -1 : 1;
      const u = p.replace(/^[-+]/, '');
      const radix = /^0[xX]/.test(u) ? 16 : /^0[bB]/.test(u) ? 2 : /^0[oO]/.test(u) ? 8 : 0;
      return sign * (radix ? parseInt(u.slice(2), radix) : Number(u));
    },
  },
  {
    tag: 'tag:yaml.org,2002:timestamp',
    format: 'DATE-LIKE',
    default: true,
    test: DATE_LIKE,
    resolve: (s: string) => ({ 'timestamp': s }),
  },
];

/**
 * `yaml`'s float tests narrowed to what a reader takes for a float: `yaml` also reads `e8` (no digit before the
 * exponent) and `.`, `+.` (no digit at all) as floats, which neither go-yaml nor PyYAML does (a tag `e8` would be
 * refused by the gate for nothing). PyYAML's `\.[0-9_]+` stays (it reads `._` as a float and fails).
 */
const NARROWED_FLOAT: Record<string, RegExp> = {
  EXP: /^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9_]+)[eE][-+]?[0-9]+$/,
  '': /^[-+]?(?:[0-9][0-9_]*\.[0-9_]*|\.[0-9_]+)$/,
};

const narrowed = (t: any) => (t.tag === 'tag:yaml.org,2002:float' && (t.format ?? '') in NARROWED_FLOAT && !/nan|inf/i.test(String(t.test))
  ? { ...t, test: NARROWED_FLOAT[t.format ?? ''] } : t);

/** `yaml`'s yaml-1.1 schema tags that resolve a plain scalar implicitly (not the collection or explicit-only ones), floats narrowed. */
export const YAML11_SCHEMA_TAGS = new Schema({ schema: 'yaml-1.1' }).tags.filter((t: any) => t.default && t.test).map(narrowed);

/** Options for `yaml`'s parse functions: a document as the YAML 1.1 readers read it (the gate's YAML 1.1 reading). */
export const YAML11_PARSE_OPTIONS = { version: '1.1', customTags: (tags: any[]) => [...tags.map(narrowed), ...READER_TAGS] } as const;

const YAML11_TESTS: RegExp[] = YAML11_SCHEMA_TAGS.map((t: any) => t.test as RegExp);

/** Whether some YAML 1.1 reader (go-yaml v2, PyYAML, the 1.1 type repository) reads this plain scalar as anything but this string. */
export function notAStringIn11(s: string): boolean {
  if (s === '=') return true;
  if (goNumber(s) || DATE_LIKE.test(s)) return true;
  for (const re of YAML11_TESTS) if (re.test(s)) return true;
  return false;
}

/** Whether a plain scalar could be special to a YAML 1.1 reader at all: every test above needs one of these first characters (or an empty string). */
export function mayBeSpecialIn11(s: string): boolean {
  if (s.length === 0) return true;
  const c = s.charCodeAt(0);
  // ~ = < . + - 0-9 and the letters of null/true/false/yes/no/on/off/y/n
  return c === 126 || c === 61 || c === 60 || c === 46 || c === 43 || c === 45 || (c >= 48 && c <= 57)
    || c === 110 || c === 78 || c === 116 || c === 84 || c === 102 || c === 70 || c === 121 || c === 89 || c === 111 || c === 79;
}
