/**
 * `npm run validate [DIR] [--config DIR] [--crds DIR]`: the synth's validation gate on an existing tree of
 * YAML files (default `dist/`), e.g. a hand-edited or older tree. Files are grouped by their first folder
 * (the environment); `config/<env>.yaml`, when there, supplies that environment's waivers and the Secrets
 * it declares as provided from outside. Exit 0: no findings; 1: findings; 2: bad usage or input.
 */
import * as fs from 'fs';
import { ConfigError, type Environment, loadEnvironments } from '../config';
import { readTree } from '../output/write';
import { formatFinding, validateTree } from './';

interface Options { dir: string; configDir: string; crdDir: string }

function parseArgs(argv: string[]): Options {
  const opts: Options = { dir: 'dist', configDir: 'config', crdDir: 'crds' };
  let dirSet = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--config') opts.configDir = argv[++i];
    else if (a === '--crds') opts.crdDir = argv[++i];
    else if (!a.startsWith('-') && !dirSet) { opts.dir = a; dirSet = true; }
    else throw new ConfigError([`validate: unknown argument "${a}" (usage: validate [DIR] [--config DIR] [--crds DIR])`]);
  }
  return opts;
}

export function main(argv: string[]): number {
  try {
    const opts = parseArgs(argv);
    if (!fs.existsSync(opts.dir) || !fs.statSync(opts.dir).isDirectory()) throw new ConfigError([`validate: ${opts.dir} is not a folder`]);
    const envs: Environment[] = fs.existsSync(opts.configDir) ? loadEnvironments(opts.configDir) : [];
    const files = readTree(opts.dir);
    const findings = validateTree(files, envs, opts.crdDir);
    if (findings.length > 0) {
      process.stderr.write(`${findings.map(formatFinding).join('\n')}\nvalidate: ${findings.length} finding(s) in ${opts.dir}/\n`);
      return 1;
    }
    process.stdout.write(`validate: ${files.size} files in ${opts.dir}/, no findings\n`);
    return 0;
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.problems.join('\n')}\n`);
      return 2;
    }
    throw e;
  }
}
