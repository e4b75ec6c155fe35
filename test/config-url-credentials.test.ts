/**
 * No secret reaches dist/ through a URL: credentials in URLs (user:token@, a token as the user name) and
 * credential-looking query parameters are refused by the config, naming the key and the reason. In-process.
 */
import { stringify } from 'yaml';
import { urlCredentialProblem } from '../lib/config/url-credentials';
import { configProblems } from './helpers';
import { cnpgOverrides, cnpgYaml, merge } from './database-helpers';

type Obj = Record<string, any>;
const BASE: Obj = { registry: 'registry.example.nl/pensioen', certManager: { email: 'ops@example.nl' }, network: { databaseCidrs: ['10.0.0.0/8'] } };

const problems = (yaml: string) => configProblems(yaml);
const base = (o: Obj) => problems(stringify(merge(BASE, o)));
const db = (o: Obj) => problems(cnpgYaml(cnpgOverrides(o)));

test.each([
  ['https://user:token@github.com/org/pensioen-k8s.git', /holds a password or token in the URL \(user:secret@\)/],
  ['https://ghp_abcdef0123456789@github.com/org/pensioen-k8s.git', /holds a user name in an http\(s\) URL \(where a token usually goes: https:\/\/token@host\)/],
  ['https://github.com/org/pensioen-k8s.git?access_token=abc', /holds a credential-looking query parameter "access_token="/],
])('gitops.repoURL %s is refused, pointing at an Argo CD repository Secret', (url, re) => {
  const found = base({ gitops: { repoURL: url } });
  expect(found).toHaveLength(1);
  expect(found[0]).toMatch(new RegExp(`^config/x\\.yaml: gitops\\.repoURL: ${re.source}; it would be written in plain text to dist/ and git \\(allowed: the URL without credentials; give Argo CD the repository credentials as a repository Secret`));
});

test('SSH repository URLs with the git user pass', () => {
  expect(base({ gitops: { repoURL: 'git@github.com:org/pensioen-k8s.git' } })).toEqual([]);
  expect(base({ gitops: { repoURL: 'ssh://git@github.com/org/pensioen-k8s.git' } })).toEqual([]);
});

test.each([
  ['https://wiki-user:s3cret@wiki.example.nl/runbooks', /holds a password or token in the URL/],
  ['https://wiki.example.nl/runbooks?token=abc', /holds a credential-looking query parameter "token="/],
  ['https://wiki.example.nl/runbooks?X-Amz-Signature=abc', /holds a credential-looking query parameter "X-Amz-Signature="/],
])('monitoring.runbookBaseUrl %s is refused', (url, re) => {
  const found = base({ monitoring: { runbookBaseUrl: url } });
  expect(found).toHaveLength(1);
  expect(found[0]).toMatch(new RegExp(`^config/x\\.yaml: monitoring\\.runbookBaseUrl: ${re.source}`));
});

test('an object store endpoint with an access key in its query is refused', () => {
  expect(db({ backup: { objectStore: { endpointURL: 'https://minio.example.nl/?key=AKIA123' } } }))
    .toEqual([expect.stringMatching(/^config\/x\.yaml: database\.cloudnativePg\.backup\.objectStore\.endpointURL: holds a credential-looking query parameter "key="/)]);
});

test.each(['password=hunter2', 'connect_timeout=10&password=hunter2', 'connect_timeout=10&sslpassword=x'])('database.cloudnativePg.connectionQuery %s is refused (DATABASE_URL is plain text in dist/)', (q) => {
  expect(db({ connectionQuery: q })).toEqual([expect.stringMatching(/^config\/x\.yaml: database\.cloudnativePg\.connectionQuery: holds a credential-looking parameter "(ssl)?password=": DATABASE_URL is written in plain text to dist\/ and git \(allowed: connection options such as connect_timeout=10/)]);
});

test('connection options and plain URLs pass', () => {
  expect(db({ connectionQuery: 'connect_timeout=10&sslkey=tls.key' })).toEqual([]);
  expect(urlCredentialProblem('https://wiki.example.nl/runbooks?keyword=x&page=2')).toBeUndefined();
  expect(urlCredentialProblem('redis://redis:6379/0')).toBeUndefined();
});
