/**
 * How the command-line tools (synth, validate, diff, docs) fail: one or a few lines naming the file and what
 * to do, a documented exit code (docs/cli.md), and never a stack trace unless PENSIOEN_DEBUG=1 asks for one.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ConfigError } from '../config';

/** Exit codes shared by every command (docs/cli.md is the reference; keep both in step). */
export const EXIT = {
  ok: 0,
  /** The input was refused: configuration problems, validation findings. */
  invalid: 1,
  /** Bad usage: unknown or missing argument, a path that is not what the option needs. */
  usage: 2,
  /** The output could not be written, or synth refused to replace a folder it does not own. */
  output: 3,
  /** A bug: an error nobody anticipated (the message says how to get details). */
  internal: 70,
} as const;

/** A failure with its exit code and the lines to print (no stack trace). */
export class CliError extends Error {
  constructor(readonly lines: string[], readonly exitCode: number) {
    super(lines.join('\n'));
    this.name = 'CliError';
  }
}

/** The project root: the folder with cdk8s.yaml above this module (also from a bundle in .build/ or a snapshot). */
export function projectRoot(): string {
  let d = __dirname;
  for (;;) {
    if (fs.existsSync(path.join(d, 'cdk8s.yaml')) && fs.existsSync(path.join(d, 'package.json'))) return d;
    const up = path.dirname(d);
    if (up === d) return process.cwd();
    d = up;
  }
}

/** A path as the user should read it: relative to the working folder when inside it, else absolute. */
export function shown(p: string): string {
  const rel = path.relative(process.cwd(), p);
  return rel === '' ? '.' : rel.startsWith('..') || path.isAbsolute(rel) ? p : rel;
}

const OS_ADVICE: Record<string, string> = {
  ENOENT: 'it does not exist (or is a dangling symbolic link); check the path',
  EACCES: 'permission denied; fix the permissions (e.g. chmod u+rw) or run as the owner',
  EPERM: 'operation not permitted; fix the permissions or run as the owner',
  ENOSPC: 'no space left on the device; free some space and run again',
  EDQUOT: 'disk quota exceeded; free some space and run again',
  EROFS: 'the file system is read-only; choose another location',
  EISDIR: 'is a folder where a file was expected',
  ENOTDIR: 'a part of the path is a file where a folder was expected',
  ELOOP: 'too many levels of symbolic links (a symlink loop)',
  EMFILE: 'too many open files; raise the limit (ulimit -n) and run again',
  ENAMETOOLONG: 'the path is too long',
  EIO: 'input/output error from the device',
  EBUSY: 'the file or folder is busy (in use by another process)',
  ENOTEMPTY: 'the folder is not empty',
  EEXIST: 'already exists',
  EXDEV: 'cannot move across file systems',
};

/** One line for an OS error (fs.* failure): `<tool>: <path>: <what> (<code>)`. */
export function describeOsError(tool: string, e: NodeJS.ErrnoException): string | undefined {
  if (!e || typeof e.code !== 'string' || !/^E[A-Z0-9]+$/.test(e.code)) return undefined;
  const file = e.path ? shown(String(e.path)) : (e as any).dest ? shown(String((e as any).dest)) : undefined;
  const what = OS_ADVICE[e.code] ?? (e.message ?? '').replace(/^E[A-Z]+: /, '').split('\n')[0];
  return `${tool}: ${file ? `${file}: ` : ''}${what} (${e.code}${e.syscall ? ` in ${e.syscall}` : ''})`;
}

const debug = () => /^(1|true|yes)$/i.test(process.env.PENSIOEN_DEBUG ?? '');

/**
 * Runs a command's body and turns whatever it throws into lines on stderr and an exit code:
 * ConfigError -> `invalidCode` (1 for synth and diff, 2 for validate), CliError -> its code, an OS error
 * -> one line with the path and `osCode`, anything else -> "internal error" (70). PENSIOEN_DEBUG=1 adds the
 * stack trace.
 */
export function runCli(tool: string, body: () => number, opts: { invalidCode?: number; osCode?: number; trailer?: (n: number) => string } = {}): number {
  try {
    return body();
  } catch (e: any) {
    let lines: string[];
    let code: number;
    if (e instanceof CliError) { lines = e.lines; code = e.exitCode; }
    else if (e instanceof ConfigError) {
      lines = [...e.problems];
      if (opts.trailer) lines.push(opts.trailer(e.problems.length));
      code = opts.invalidCode ?? EXIT.invalid;
    } else {
      const os = describeOsError(tool, e);
      if (os) { lines = [os]; code = opts.osCode ?? EXIT.output; }
      else if (e instanceof RangeError && /call stack|Invalid string length|Array buffer allocation/.test(String(e.message))) {
        lines = [`${tool}: the input is too large or too deeply nested to process (${e.message})`];
        code = opts.invalidCode ?? EXIT.invalid;
      } else {
        lines = [`${tool}: internal error: ${String(e?.message ?? e).split('\n')[0]}`, `${tool}: this is a bug; rerun with PENSIOEN_DEBUG=1 for the stack trace and report it`];
        code = EXIT.internal;
      }
    }
    process.stderr.write(`${lines.join('\n')}\n`);
    if (debug() && e?.stack) process.stderr.write(`${e.stack}\n`);
    return code;
  }
}
