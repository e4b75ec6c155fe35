/**
 * The generated corpus of the YAML emitter tests (test/yaml-emitter.test.ts, and the larger
 * test/chaos/yaml-emitter-corpus.test.ts): seeded, so a failure reproduces.
 */
import { parse, stringify } from 'yaml';
import { emitPlain, toYamlDocument, YAML_OPTIONS } from '../lib/output/yaml';
import { YAML11_PARSE_OPTIONS } from '../lib/output/yaml11';

/** A document as a YAML 1.1 reader reads it (yaml's yaml-1.1 schema plus go-yaml's and PyYAML's own forms: the gate's reading). */
export const read11 = (text: string): unknown => parse(text, YAML11_PARSE_OPTIONS as any);

/** What the emitter must match: `yaml`'s own stringify with our options (YAML 1.1 readers' tags as `compat`: lib/output/yaml11.ts). */
export const reference = (v: unknown): string => stringify(v, YAML_OPTIONS);

/** mulberry32: a small deterministic PRNG. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Pieces that change how a scalar must be written: indicators, comment and mapping markers, document
// markers, core-schema look-alikes (null, booleans, ints, octal, hex, floats, .inf/.nan), YAML 1.1-only
// look-alikes (yes/on/0b/sexagesimal/timestamps, plain in 1.2), whitespace around newlines, tabs, control
// characters, the escapes yaml names (\0 \a \v \e \N \_ \L \P), unpaired surrogates and other unicode.
export const FRAGMENTS = [
  '', ' ', '  ', '\n', '\n\n', '\t', '\r', '\r\n', ':', ': ', ' :', '::', '#', ' #', '# ', '-', '- ', '--', '---', '...', '?', '? ',
  '%', '@', '`', '"', "'", "''", '|', '|-', '>', '&', '*', '!', '!!str', '[', ']', '{', '}', ',', '\\', '\\n', '=', '<<',
  'true', 'True', 'TRUE', 'tRue', 'false', 'FALSE', 'yes', 'No', 'on', 'OFF', 'y', 'null', 'Null', 'NULL', 'nULL', '~',
  '0', '00', '007', '-1', '+1', '12', '1_000', '0o17', '0o8', '0x1F', '0xg', '0b101', '1e3', '1E-3', '-1.5e+10', '.5', '1.', '+.5', '1.2.3',
  '.inf', '-.Inf', '+.INF', '.nan', '.NaN', 'nan', 'inf', '2001-12-14', '2001-12-14t21:59:43.10-05:00', '12:30:00', '1:20',
  // go-yaml v2 reads numbers after removing every `_`, with Go's prefixes in either case; PyYAML's timestamps
  '0B101', '0X1F', '0O17', '_', '-_1', '0_x1F', '1e1_0', '.5_0', '1_0.5', '2024_01_15', '2024-1-5', '2001-12-14 21:59:43.', 'Y', 'n', 'oN',
  'a', 'abc', 'word', 'key', 'app.kubernetes.io/name', 'https://example.com/x?y=1#z', 'x y', 'é', '€', 'ß', '日本', '😀',
  '\u2028', '\u2029', '\u0085', '\u00a0', '\ufeff', '\x00', '\x07', '\x08', '\x0b', '\x0c', '\x1b', '\x1f', '\x7f', '\x9f', '\ud800', '\udfff',
];

export function randomString(r: () => number): string {
  const pick = () => FRAGMENTS[Math.floor(r() * FRAGMENTS.length)];
  const n = 1 + Math.floor(r() * 6);
  let s = '';
  for (let i = 0; i < n; i++) s += pick();
  const shape = r();
  if (shape < 0.05) s = s.repeat(2 + Math.floor(r() * 30)); // long: doubleQuotedMinMultiLineLength (40), 1024-char keys
  else if (shape < 0.1) s = `line one\n${s}\n  indented\n\nlast${r() < 0.5 ? '\n' : ''}`; // multi-line, block scalars
  else if (shape < 0.13) s = `${' '.repeat(1 + Math.floor(r() * 3))}${s}\n${s}`; // leading spaces: indentation indicator
  else if (shape < 0.16) s = `${s}${'\n'.repeat(1 + Math.floor(r() * 3))}`; // trailing newlines: chomping
  return s;
}

export const NUMBERS = [0, -0, 1, -1, 42, 0.5, -0.25, 1e21, 1e-7, 123456789012, 2 ** 53, -(2 ** 53), 1.5e300, 5e-324, NaN, Infinity, -Infinity, 3.14159];

function randomScalar(r: () => number): unknown {
  const x = r();
  if (x < 0.6) return randomString(r);
  if (x < 0.8) return r() < 0.5 ? NUMBERS[Math.floor(r() * NUMBERS.length)] : Math.round((r() - 0.5) * 1e6) / (r() < 0.5 ? 1 : 1000);
  if (x < 0.9) return r() < 0.5;
  return null;
}

export function randomValue(r: () => number, depth: number): unknown {
  const x = r();
  if (depth <= 0 || x < 0.45) return randomScalar(r);
  const n = Math.floor(r() * 5); // 0: empty {} / []
  if (x < 0.7) return Array.from({ length: n }, () => randomValue(r, depth - 1));
  const o: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) o[r() < 0.6 ? randomString(r) : FRAGMENTS[Math.floor(r() * FRAGMENTS.length)]] = r() < 0.05 ? undefined : randomValue(r, depth - 1);
  return o;
}


/** `n` random documents: the emitter's own output equals yaml's; only keys longer than 1024 characters are delegated. */
export function checkDocuments(n: number, seed: number): void {
  const r = prng(seed);
  let delegated = 0;
  for (let i = 0; i < n; i++) {
    const doc = r() < 0.5 ? randomValue(r, 5) : { apiVersion: 'v1', kind: 'ConfigMap', data: randomValue(r, 4) };
    if (doc === null || typeof doc !== 'object') continue;
    const own = emitPlain(doc);
    if (own === undefined) {
      delegated++;
      expect(JSON.stringify(doc).length).toBeGreaterThan(1024);
    } else {
      expect(own).toBe(reference(doc));
    }
    expect(toYamlDocument(doc)).toBe(reference(doc));
  }
  expect(delegated).toBeLessThan(n / 50);
}

/**
 * `n` random strings (after one of each style), each as a value and as a key at several depths, in one
 * document each; and every style is reached: plain, both quotes, literal blocks with every chomping and
 * an indentation indicator. Each document reads the same under YAML 1.1 as under 1.2 (what the emitter writes,
 * kubectl and PyYAML read as it was meant).
 */
export function checkStrings(n: number, seed: number): void {
  const r = prng(seed);
  const styles = new Set<string>();
  // one of each style first, then the random ones
  const fixed = ['a b', '"q"', "it's", 'a\nb\n', 'a\nb', 'a\nb\n\n', '  a\nb\n', '  a\nb', '  a\nb\n\n'];
  for (let i = 0; i < fixed.length + n; i++) {
    const s = i < fixed.length ? fixed[i] : randomString(r);
    const doc = { k: s, [s]: 'v', l: [s], a: [s, { b: s }], n: [[s]], d: { b: { [s]: [s] } } };
    const own = emitPlain(doc);
    if (own === undefined) expect(s.length).toBeGreaterThan(500);
    else {
      expect(own).toBe(reference(doc));
      // Not YAML 1.1 matters, left out: a byte order mark that starts the document (every reader drops it), and a
      // literal block whose first line holds only spaces (`yaml` 1.2 keeps them; go-yaml, PyYAML and `yaml` in 1.1
      // mode drop them: config strings cannot hold a line break, so no output has one)
      if (!s.startsWith('\ufeff') && !/^[ \t]+\n/.test(s)) expect(read11(own)).toEqual(doc);
    }
    const v = emitPlain({ k: s });
    if (v !== undefined) styles.add(v.startsWith('k: |') ? `block ${v.slice(3, v.indexOf('\n'))}` : v[3] === '"' || v[3] === "'" ? `quoted ${v[3]}` : 'plain');
  }
  for (const style of ['plain', 'quoted "', "quoted '", 'block |', 'block |-', 'block |+', 'block |2', 'block |2-', 'block |2+']) expect(styles).toContain(style);
}
