/**
 * Reading a `config/<env>.yaml`: which files of the config folder are environments, and each read strictly
 * (a regular file of at most 1 MiB, UTF-8 only, one YAML document, no tags, few aliases, decimal numbers only).
 * A problem is an InputProblem, `file: [line N: ]what (allowed ...)`; docs/validation-rules.md lists each rule
 * with its reason.
 */
import * as fs from 'fs';
import * as path from 'path';
import { type Document, isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, visit } from 'yaml';

/** Aliases (`*name`) a config file may use: enough for sharing a block, far from an alias bomb. */
export const MAX_ALIASES = 10;
/** Largest config file read (a real one is a few KiB). */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/** A problem with the file as a whole or at a key path: `file: where: what (allowed ...)`. */
export class InputProblem extends Error {}

/** A key path as problems print it: `backend.databasePool`, `ingress.frontendHosts[1]`, `(top level)`. */
export function keyPathOf(p: readonly PropertyKey[]): string {
  if (p.length === 0) return '(top level)';
  return p.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? String(k) : `.${String(k)}`)).join('');
}

/** Lists the environment files of a config folder; other YAML spellings are refused, not ignored. */
export function configFilesOf(configDir: string): { files: string[]; problems: string[] } {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(configDir, { withFileTypes: true });
  } catch (e: any) {
    const why = e.code === 'ENOENT' ? 'the config folder does not exist; pass --config DIR or run from a clone that has config/'
      : e.code === 'ENOTDIR' ? 'is not a folder; --config takes the folder that holds <env>.yaml files'
        : e.code === 'EACCES' ? 'cannot be read (permission denied); fix its permissions'
          : `cannot be read (${e.code ?? e.message})`;
    return { files: [], problems: [`${configDir}: ${why} (${e.code ?? 'error'})`] };
  }
  const files: string[] = [];
  const problems: string[] = [];
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (e.name.endsWith('.yaml')) files.push(e.name);
    else if (/\.ya?ml$/i.test(e.name)) {
      const stem = e.name.replace(/\.ya?ml$/i, '');
      problems.push(`${path.join(configDir, e.name)}: environment files must end in ".yaml" exactly; rename it to ${stem}.yaml (it would otherwise be ignored)`);
    }
  }
  if (files.length === 0 && problems.length === 0) problems.push(`${configDir}: no *.yaml environment files found`);
  return { files, problems };
}

/** Reads one config file as text: a regular file, not too large, valid UTF-8. Throws InputProblem. */
export function readConfigText(file: string): string {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch (e: any) {
    const dangling = e.code === 'ENOENT' && (() => { try { return fs.lstatSync(file).isSymbolicLink(); } catch { return false; } })();
    throw new InputProblem(`${file}: cannot be read: ${dangling ? 'it is a symbolic link to a file that does not exist; fix or remove the link' : e.code === 'EACCES' ? 'permission denied; fix its permissions' : e.code === 'ELOOP' ? 'symbolic link loop' : e.message} (${e.code})`);
  }
  if (!st.isFile()) throw new InputProblem(`${file}: is not a regular file (a folder, FIFO, socket or device); an environment file must be a regular file`);
  if (st.size > MAX_CONFIG_BYTES) throw new InputProblem(`${file}: is ${st.size} bytes (allowed at most ${MAX_CONFIG_BYTES}); an environment file is a few KiB`);
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (e: any) {
    throw new InputProblem(`${file}: cannot be read: ${e.code === 'EACCES' ? 'permission denied; fix its permissions' : e.message} (${e.code})`);
  }
  return decodeUtf8(file, bytes);
}

/** UTF-8 text of a file, or an InputProblem naming the line of the first invalid byte. */
export function decodeUtf8(file: string, bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    let i = 0;
    const ok = new TextDecoder('utf-8', { fatal: true });
    // Find the first bad byte: the longest prefix that decodes.
    let lo = 0;
    let hi = bytes.length;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      try { ok.decode(bytes.subarray(0, mid)); lo = mid; } catch { hi = mid - 1; }
    }
    i = lo;
    // A prefix may end inside a valid multi-byte sequence: step back to the start of a character.
    let line = 1;
    for (let k = 0; k < i; k++) if (bytes[k] === 0x0a) line++;
    throw new InputProblem(`${file}: line ${line}: is not valid UTF-8 (byte 0x${bytes[i]?.toString(16).padStart(2, '0')} at offset ${i}); save the file as UTF-8`);
  }
}

/**
 * Parses the YAML text of a config file strictly and returns plain data. Problems are `file: ...` lines:
 * syntax errors, more than one document, unknown tags, more than MAX_ALIASES aliases, numbers that are not
 * plain decimals (0x10, 0o17, 1e3, .inf).
 */
export function parseConfigYaml(file: string, text: string): unknown {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { prettyErrors: true, uniqueKeys: true, lineCounter, schema: 'core' });
  const list: Document[] = Array.isArray(docs) ? docs : [];
  if (list.length > 1) {
    const line = lineCounter.linePos((list[1] as any).range?.[0] ?? 0).line;
    throw new InputProblem(`${file}: line ${line}: a second YAML document ("---"); an environment file holds exactly one mapping`);
  }
  const doc = list[0];
  if (!doc) return {};
  const lineOf = (pos: number | undefined) => lineCounter.linePos(pos ?? 0).line;
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const line = e.linePos?.[0]?.line ?? lineOf(e.pos[0]);
    throw new InputProblem(`${file}: line ${line}: YAML syntax error: ${e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`);
  }
  const problems: string[] = [];
  let aliases = 0;
  visit(doc, (_key, node, pathOf) => {
    const where = keyPathOf(keysOf(pathOf as readonly unknown[]));
    if (isAlias(node)) {
      aliases++;
      if (aliases === MAX_ALIASES + 1) problems.push(`${file}: line ${lineOf(node.range?.[0])}: more than ${MAX_ALIASES} YAML aliases (allowed at most ${MAX_ALIASES}; write the values out)`);
      return;
    }
    const n = node as any;
    if (n && typeof n.tag === 'string' && !/^tag:yaml\.org,2002:(str|int|float|bool|null|map|seq)$/.test(n.tag)) {
      problems.push(`${file}: line ${lineOf(n.range?.[0])}: ${where}: unknown YAML tag "${n.tag}" (allowed: no tag)`);
    }
    if (isScalar(node) && typeof node.value === 'number' && node.type === 'PLAIN') {
      const src = String(node.source ?? '');
      if (!/^[-+]?(0|[1-9]\d*)(\.\d+)?$/.test(src)) {
        problems.push(`${file}: line ${lineOf(node.range?.[0])}: ${where}: "${src}" is not a plain decimal number (allowed: digits such as 16 or 0.5; hex, octal, exponents and .inf are refused)`);
      }
    }
  });
  for (const w of doc.warnings) {
    const line = w.linePos?.[0]?.line ?? lineOf(w.pos[0]);
    problems.push(`${file}: line ${line}: ${w.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`);
  }
  if (problems.length > 0) throw new InputProblem([...new Set(problems)].join('\n'));
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIASES * 10 });
  } catch (e: any) {
    throw new InputProblem(`${file}: cannot be read as data: ${String(e?.message ?? e).split('\n')[0]}`);
  }
}

/** Key names along a `visit` path (maps give their keys, sequences their indices). */
function keysOf(pathOf: readonly unknown[]): PropertyKey[] {
  const keys: PropertyKey[] = [];
  for (let i = 0; i < pathOf.length; i++) {
    const p = pathOf[i];
    if (isPair(p) && isScalar(p.key)) keys.push(String(p.key.value));
    else if (isSeq(p) && i + 1 < pathOf.length) keys.push(p.items.indexOf(pathOf[i + 1] as any));
    else if (isMap(p)) continue;
  }
  return keys;
}
