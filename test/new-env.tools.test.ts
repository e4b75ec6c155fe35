/**
 * `npm run new-env -- <name> --from <env>`: the file it writes (placeholders where the source's value would
 * collide, comments and every other value kept), the loader refusing it until each placeholder is set, the synth
 * passing once they are, and the refusals of bad input.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseDocument } from 'yaml';
import { ConfigError, loadEnvironments, parseConfig } from '../lib/config';
import { newEnvironmentConfig } from '../lib/config/new-env';
import { PLACEHOLDER } from '../lib/config/placeholders';
import { main } from '../main';
import { FIXTURES, ROOT } from './helpers';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'new-env-')); // describe bodies below run the command at collection
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** A fresh project folder with a copy of config/; runs the command there. */
function newEnv(args: string[]): { status: number | null; stdout: string; stderr: string; dir: string } {
  const dir = fs.mkdtempSync(path.join(work, 'p-'));
  fs.cpSync(FIXTURES, path.join(dir, 'config'), { recursive: true });
  const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'run-ts.js'), path.join(ROOT, 'scripts', 'new-env.ts'), ...args], { cwd: dir, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, dir };
}

const source = (env: string) => fs.readFileSync(path.join(FIXTURES, `${env}.yaml`), 'utf8');
const problemsOf = (fn: () => unknown): string[] => {
  try { fn(); } catch (e) { if (e instanceof ConfigError) return e.problems; throw e; }
  throw new Error('expected a ConfigError');
};

/** Values for every placeholder of a new `acceptance` environment. */
const FILL: Record<string, unknown> = {
  'namespace': 'pensioen-acceptance',
  'gitops.destinationServer': 'https://aks-acceptance.pensioen-beslissingstool.nl:443',
  'ingress.apiHost': 'api.acceptance.pensioen-beslissingstool.nl',
  'ingress.frontendHosts[0]': ['acceptance.pensioen-beslissingstool.nl'],
  'ingress.cors.allowOrigins[0]': ['https://acceptance.pensioen-beslissingstool.nl'],
  'ingress.apiTlsSecretName': 'pensioen-acceptance-tls',
  'ingress.frontendTlsSecretName': 'pensioen-acceptance-frontend-tls',
  'ingress.clusterIssuer': 'letsencrypt-staging',
  'secretsProvider.store.aws.roleArn': 'arn:aws:iam::111122223333:role/pensioen-acceptance-external-secrets',
  'secretsProvider.store.azure.vaultUrl': 'https://pensioen-acceptance-kv.vault.azure.net',
  'secretsProvider.store.azure.clientId': '4c1d2e3f-5a6b-4c7d-8e9f-0a1b2c3d4e5f',
  'frontend.image': 'pensioen-frontend:1.0.0-acceptance',
};
function fill(text: string, placeholders: string[]): string {
  const doc = parseDocument(text);
  for (const p of placeholders) {
    expect(Object.keys(FILL)).toContain(p);
    doc.setIn(p.replace(/\[0\]$/, '').split('.'), doc.createNode(FILL[p]));
  }
  return doc.toString();
}

describe.each(['staging', 'production'])('new-env acceptance --from %s', (from) => {
  const r = newEnv(['acceptance', '--from', from]);
  const file = path.join(r.dir, 'config', 'acceptance.yaml');
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  const placeholders = r.stdout.split('\n').filter((l) => l.startsWith('  ')).map((l) => l.trim());

  test('writes config/acceptance.yaml, lists its placeholders, leaves the source alone', () => {
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`new-env: wrote config/acceptance.yaml from config/${from}.yaml`);
    expect(fs.readFileSync(path.join(r.dir, 'config', `${from}.yaml`), 'utf8')).toBe(source(from));
    // everything that would collide: deploy target, hosts, origins, TLS Secrets, issuer, the cloud identity
    expect(placeholders).toEqual(expect.arrayContaining(['namespace', 'gitops.destinationServer', 'ingress.apiHost', 'ingress.frontendHosts[0]',
      'ingress.cors.allowOrigins[0]', 'ingress.apiTlsSecretName', 'ingress.frontendTlsSecretName', 'ingress.clusterIssuer']));
    expect(placeholders).toContain(from === 'staging' ? 'secretsProvider.store.azure.clientId' : 'secretsProvider.store.aws.roleArn');
    expect(text.match(new RegExp(`(: |\\[ )${PLACEHOLDER}`, 'g'))!.length).toBe(placeholders.length); // values, not the header's mention
  });

  test('each placeholder says what the source had; the source\'s comments are kept', () => {
    const src = parseConfig(`config/${from}.yaml`, source(from));
    expect(text).toContain(`apiHost: CHANGE-ME # placeholder from new-env: ${from} has ${src.ingress.apiHost}`);
    expect(text).toContain(`namespace: CHANGE-ME # placeholder from new-env: ${from} has ${src.namespace}`);
    expect(text.split('\n')[0]).toBe(`# acceptance: created by \`npm run new-env -- acceptance --from ${from}\` from config/${from}.yaml (its comments kept below).`);
    for (const comment of source(from).split('\n').filter((l) => l.startsWith('#'))) expect(text).toContain(comment);
  });

  test('the loader refuses it with one line per placeholder, naming the key and what to set', () => {
    const problems = problemsOf(() => parseConfig('config/acceptance.yaml', text));
    expect(problems).toHaveLength(placeholders.length);
    expect(problems).toContain('config/acceptance.yaml: ingress.apiHost: placeholder from new-env: set the API host of this environment');
    expect(problems).toContain('config/acceptance.yaml: ingress.clusterIssuer: placeholder from new-env: set the issuer that signs this environment\'s certificates (allowed: letsencrypt-prod, letsencrypt-staging)');
    for (const p of problems) expect(p).toMatch(/^config\/acceptance\.yaml: [\w.[\]]+: placeholder from new-env: set /);
  });

  test('synth refuses while a placeholder is left and writes nothing', () => {
    const out = path.join(r.dir, 'dist');
    const errs: string[] = [];
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation((s: any) => { errs.push(String(s)); return true; });
    try { expect(main(['--config', path.join(r.dir, 'config'), '--out', out])).toBe(1); } finally { spy.mockRestore(); }
    expect(errs.join('')).toContain('config/acceptance.yaml: ingress.apiHost: placeholder from new-env: set the API host of this environment');
    expect(fs.existsSync(out)).toBe(false);
  });

  test('with the placeholders set, the synth passes and dist/acceptance/ follows the new values; all else equals the source', () => {
    const filled = fill(text, placeholders);
    const dir = fs.mkdtempSync(path.join(work, 'filled-'));
    fs.writeFileSync(path.join(dir, 'acceptance.yaml'), filled);
    const [env] = loadEnvironments(dir);
    const src = parseConfig(`config/${from}.yaml`, source(from));
    // the config is the source's except exactly the placeholders (and the instance, which follows the name)
    const strip = (c: any) => {
      const x = JSON.parse(JSON.stringify(c));
      for (const p of placeholders) {
        const keys = p.replace(/\[0\]$/, '').split('.');
        let o = x;
        for (const k of keys.slice(0, -1)) o = o[k];
        delete o[keys[keys.length - 1]];
      }
      return x;
    };
    expect(strip(env.config)).toEqual(strip(src));

    const out = path.join(dir, 'out');
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try { expect(main(['--config', dir, '--out', out])).toBe(0); } finally { spy.mockRestore(); }
    // a source on the Gateway API edge (staging) has the hosts and TLS Secret on its Gateway
    const gw = src.edge.kind === 'gateway';
    const ingress = fs.readFileSync(path.join(out, 'acceptance', gw ? '40-gateway.yaml' : '40-ingress.yaml'), 'utf8');
    expect(ingress).toContain(`${gw ? 'hostname' : 'host'}: api.acceptance.pensioen-beslissingstool.nl`);
    expect(ingress).toContain(`${gw ? 'name' : 'secretName'}: pensioen-acceptance-tls`);
    expect(ingress).not.toContain(src.ingress.apiHost);
    expect(fs.readFileSync(path.join(out, 'acceptance', '00-namespace.yaml'), 'utf8')).toContain('name: pensioen-acceptance');
    expect(fs.readFileSync(path.join(out, 'acceptance', '10-backend.yaml'), 'utf8')).toContain('app.kubernetes.io/instance: pensioen-acceptance');
    expect(fs.readFileSync(path.join(out, 'argocd', 'apps', 'acceptance.yaml'), 'utf8')).toContain('server: https://aks-acceptance.pensioen-beslissingstool.nl:443');
  });
});

test('from an environment without Argo CD or a secret store (onprem): no destination or store placeholders', () => {
  const r = newEnv(['lab', '--from', 'onprem']);
  expect(r.status).toBe(0);
  expect(r.stdout).not.toContain('gitops.destinationServer');
  expect(r.stdout).not.toContain('secretsProvider');
  expect(r.stdout).toContain('  ingress.apiHost');
});

test('an explicit instance, ENVIRONMENT and remote secret names become placeholders too', () => {
  const src = `${source('production')}instance: pensioen-prod\nappEnvironment: production\n`
    .replace('  refreshInterval: 1h\n', '  refreshInterval: 1h\n  remoteKeyPrefix: prod-\n  remoteKeys: { db-secrets: prod/db }\n');
  const out = newEnvironmentConfig('acceptance', 'production', src);
  expect(out.placeholders).toEqual(expect.arrayContaining(['instance', 'appEnvironment', 'secretsProvider.remoteKeyPrefix', 'secretsProvider.remoteKeys.db-secrets']));
  expect(problemsOf(() => parseConfig('config/acceptance.yaml', out.text))).toEqual(expect.arrayContaining([
    'config/acceptance.yaml: instance: placeholder from new-env: set the app.kubernetes.io/instance label of this environment (or remove the key: "pensioen-<environment>")',
    'config/acceptance.yaml: secretsProvider.remoteKeys.db-secrets: placeholder from new-env: set the remote secret of this environment',
  ]));
});

test.each([
  [['staging', '--from', 'production'], /^new-env: config\/staging\.yaml: already exists; choose another name or edit that file$/],
  [['Acceptance_1', '--from', 'staging'], /^new-env: "Acceptance_1" is not a valid environment name \(allowed: lower-case letters, digits and "-"/],
  [[`${'a'.repeat(55)}`, '--from', 'staging'], /is not a valid environment name .*at most 54 characters/],
  [['argocd', '--from', 'staging'], /^new-env: "argocd" is reserved/],
  [['acceptance'], /^new-env: missing --from <env> \(allowed: onprem, production, staging\)$/],
  [['acceptance', '--from', 'nope'], /^new-env: --from nope: no config\/nope\.yaml \(allowed: onprem, production, staging\)$/],
  [['--from', 'staging'], /^new-env: missing the environment name \(usage: npm run new-env -- <name> --from <env>\)$/],
  [['a', 'b', '--from', 'staging'], /^new-env: one environment name only/],
  [['acceptance', '--form', 'staging'], /^new-env: unknown option "--form"/],
])('refuses %j with one line, exit 1, nothing written', (args, message) => {
  const r = newEnv(args as string[]);
  expect(r.status).toBe(1);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr.trim()).toMatch(message);
  expect(fs.readdirSync(path.join(r.dir, 'config')).sort()).toEqual(fs.readdirSync(FIXTURES).sort());
});

test('a placeholder anywhere in a config is refused, even at a key new-env never writes', () => {
  const text = source('staging').replace('registry: ghcr.io/pensioen-beslissingstool', 'registry: CHANGE-ME');
  expect(problemsOf(() => parseConfig('config/staging.yaml', text))).toEqual(["config/staging.yaml: registry: placeholder from new-env: set a value of this environment's own"]);
});
