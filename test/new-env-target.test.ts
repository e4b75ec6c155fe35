/**
 * `npm run new-env` refuses up front, with one line naming the file, what is wrong and what to do, and writes
 * nothing: names synth reserves, a symbolic link (dangling or not) or a folder at the target, a missing config
 * folder. In-process (createEnvironment on a temporary config folder with an inline source environment).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { RESERVED_ENV_NAMES } from '../lib/config/cross-environment';
import { createEnvironment, NewEnvError } from '../lib/config/new-env';

const SOURCE = stringify({ registry: 'registry.example.nl/pensioen', certManager: { email: 'ops@example.nl' }, network: { databaseCidrs: ['10.0.0.0/8'] } });

let dir: string;
let configDir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'new-env-target-'));
  configDir = path.join(dir, 'config');
  fs.mkdirSync(configDir);
  fs.writeFileSync(path.join(configDir, 'src.yaml'), SOURCE);
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The one-line refusal; and the config folder exactly as before. */
function refusal(name: string, from = 'src', folder = configDir): string {
  const before = fs.readdirSync(configDir).sort();
  let message = '';
  try {
    createEnvironment(folder, name, from);
  } catch (e) {
    if (!(e instanceof NewEnvError)) throw e;
    message = e.message;
  }
  expect(message).not.toBe('');
  expect(message.split('\n')).toHaveLength(1);
  expect(message).not.toMatch(/EEXIST|EISDIR|ENOENT|\n\s+at /);
  expect(fs.readdirSync(configDir).sort()).toEqual(before);
  return message;
}

test.each(RESERVED_ENV_NAMES.filter((n) => !['argocd', 'bootstrap', '00-default'].includes(n)))('the name %s, which synth refuses, is refused up front', (name) => {
  expect(refusal(name)).toMatch(new RegExp(`^new-env: "${name}" is reserved \\(synth refuses it: dist/${name}/ would not be an environment folder\\); choose another name \\(reserved: argocd, apps, `));
});

test.each([
  ['bootstrap', /^new-env: "bootstrap" is reserved \(synth refuses it: its AppProject would be the app-of-apps' own, <gitops.project>-bootstrap in dist\/argocd\/projects\/bootstrap.yaml\); choose another name/],
  ['00-default', /^new-env: "00-default" is reserved \(synth refuses it: dist\/argocd\/projects\/00-default.yaml is the locked-down default AppProject\)/],
])('the name %s, which would be one of the shared Argo CD objects, is refused up front', (name, message) => {
  expect(refusal(name)).toMatch(message);
});

test('a dangling symbolic link at the target: one line, nothing written', () => {
  fs.symlinkSync('/nonexistent/acceptance.yaml', path.join(configDir, 'acceptance.yaml'));
  expect(refusal('acceptance')).toMatch(/^new-env: .*config\/acceptance\.yaml: is a symbolic link to \/nonexistent\/acceptance\.yaml, which does not exist; new-env does not write through links: remove the link \(rm acceptance\.yaml\) or choose another name$/);
  expect(fs.existsSync('/nonexistent/acceptance.yaml')).toBe(false);
});

test('a symbolic link to an existing file is not written through either', () => {
  const target = path.join(dir, 'elsewhere.yaml');
  fs.writeFileSync(target, 'mine: true\n');
  fs.symlinkSync(target, path.join(configDir, 'acceptance.yaml'));
  expect(refusal('acceptance')).toMatch(/config\/acceptance\.yaml: is a symbolic link to .*elsewhere\.yaml; new-env does not write through links/);
  expect(fs.readFileSync(target, 'utf8')).toBe('mine: true\n');
});

test('a folder at the target: one line, nothing written', () => {
  fs.mkdirSync(path.join(configDir, 'acceptance.yaml'));
  expect(refusal('acceptance')).toMatch(/^new-env: .*config\/acceptance\.yaml: is a folder, not a file; remove or rename the folder, or choose another name$/);
});

test('no config folder: one line', () => {
  expect(refusal('acceptance', 'src', path.join(dir, 'nope'))).toMatch(/^new-env: .*nope: no config folder here; run new-env from the project root$/);
});

test('a free name is written, from the inline source', () => {
  const out = createEnvironment(configDir, 'acceptance', 'src');
  expect(out.file).toBe(path.join(configDir, 'acceptance.yaml'));
  expect(fs.readFileSync(out.file, 'utf8')).toContain('CHANGE-ME');
  expect(out.placeholders).toContain('namespace');
});
