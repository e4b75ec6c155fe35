/**
 * `npm run validate [DIR] [--config DIR] [--crds DIR]`: the synth's validation gate on an existing tree of
 * YAML files (default: the project's `dist/`, wherever the command is started), e.g. a hand-edited or older
 * tree. Files are grouped by their first folder (the environment); `config/<env>.yaml`, when there, supplies
 * that environment's waivers and the Secrets it declares as provided from outside.
 * Exit 0: no findings; 1: findings; 2: bad usage or input (a missing folder, an unreadable or invalid config);
 * 70: internal error (docs/cli.md).
 */
import * as fs from 'fs';
import * as path from 'path';
import { type Environment, loadEnvironments } from '../config';
import { CliError, EXIT, projectRoot, runCli, shown } from '../cli/errors';
import { formatFinding, validateTree } from './';
import type { Finding } from './types';

interface Options { dir: string; configDir: string; crdDir: string; configSet: boolean }

const USAGE = 'usage: validate [DIR] [--config DIR] [--crds DIR]';

function parseArgs(argv: string[]): Options {
  const root = projectRoot();
  const opts: Options = { dir: path.join(root, 'dist'), configDir: path.join(root, 'config'), crdDir: path.join(root, 'crds'), configSet: false };
  let dirSet = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--config' || a === '--crds') {
      const v = argv[++i];
      if (!v || v.startsWith('--')) throw new CliError([`validate: ${a} needs a folder (${USAGE})`], EXIT.usage);
      if (a === '--config') { opts.configDir = path.resolve(v); opts.configSet = true; } else opts.crdDir = path.resolve(v);
    } else if (a === '--help' || a === '-h') throw new CliError([USAGE, 'exit 0: no findings; 1: findings; 2: bad usage or input; 70: internal error (docs/cli.md)'], EXIT.ok);
    else if (!a.startsWith('-') && !dirSet) { opts.dir = path.resolve(a); dirSet = true; }
    else throw new CliError([`validate: unknown argument "${a}" (${USAGE})`], EXIT.usage);
  }
  return opts;
}

/** A folder an option names: it must exist and be a folder (never opened as a file: a FIFO would block). */
function requireFolder(p: string, what: string): void {
  let st: fs.Stats;
  try {
    st = fs.statSync(p);
  } catch (e: any) {
    throw new CliError([`validate: ${shown(p)}: ${what} ${e.code === 'ENOENT' ? 'does not exist (or is a dangling symbolic link)' : `cannot be read (${e.code})`}`], EXIT.usage);
  }
  if (!st.isDirectory()) throw new CliError([`validate: ${shown(p)}: ${what} is not a folder`], EXIT.usage);
}

/** Every regular *.yaml/*.json file below `dir`; anything else that is not a folder (FIFO, socket, dangling link) is a finding. */
function readYamlTree(dir: string): { files: Map<string, string>; problems: Finding[] } {
  const files = new Map<string, string>();
  const problems: Finding[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(d, e.name);
      const rel = path.relative(dir, p).split(path.sep).join('/');
      if (e.isDirectory()) { walk(p); continue; }
      if (!/\.(ya?ml|json)$/.test(e.name)) continue;
      let st: fs.Stats;
      try { st = fs.statSync(p); } catch (err: any) {
        problems.push({ kind: 'File', namespace: '', name: rel, rule: 'file-unreadable', message: `${err.code === 'ENOENT' ? 'a dangling symbolic link' : `cannot be read (${err.code})`}`, file: `${shown(dir)}/${rel}` });
        continue;
      }
      if (!st.isFile()) {
        problems.push({ kind: 'File', namespace: '', name: rel, rule: 'file-unreadable', message: 'is not a regular file (a FIFO, socket or device); skipped', file: `${shown(dir)}/${rel}` });
        continue;
      }
      files.set(rel, fs.readFileSync(p, 'utf8'));
    }
  };
  walk(dir);
  return { files, problems };
}

export function main(argv: string[]): number {
  return runCli('validate', () => {
    const opts = parseArgs(argv);
    requireFolder(opts.dir, 'the tree to validate');
    requireFolder(opts.crdDir, '--crds');
    if (opts.configSet) requireFolder(opts.configDir, '--config');
    const envs: Environment[] = fs.existsSync(opts.configDir) ? loadEnvironments(opts.configDir) : [];
    const { files, problems } = readYamlTree(opts.dir);
    const findings = [...problems, ...validateTree(files, envs, opts.crdDir, shown(opts.dir))];
    if (findings.length > 0) {
      process.stderr.write(`${findings.map(formatFinding).join('\n')}\nvalidate: ${findings.length} finding(s) in ${shown(opts.dir)}/\n`);
      return EXIT.invalid;
    }
    process.stdout.write(`validate: ${files.size} files in ${shown(opts.dir)}/, no findings\n`);
    return EXIT.ok;
  }, { invalidCode: EXIT.usage, osCode: EXIT.usage });
}
