/**
 * `npm run new-env` never copies a value that must be unique to an environment: the CloudNativePG backup
 * destination, the cluster's API-server and node address ranges, hosts, issuers; its hints list what this
 * environment allows; and a config rule refuses two environments sharing a backup destination.
 */
import { parse, stringify } from 'yaml';
import { newEnvironmentConfig } from '../lib/config/new-env';
import { PLACEHOLDER } from '../lib/config/placeholders';
import { crossEnvironmentProblems } from '../lib/config/cross-environment';
import { configProblems, environment, fixtureText } from './helpers';

const problemsOf = (text: string) => configProblems(text, 'config/acceptance.yaml');

describe('from the on-prem fixture (CloudNativePG, private CA)', () => {
  const out = newEnvironmentConfig('acceptance', 'onprem', fixtureText('onprem'));
  const problems = problemsOf(out.text);

  test('the backup destination, the API-server and node address ranges become placeholders', () => {
    expect(out.placeholders).toEqual(expect.arrayContaining([
      'database.cloudnativePg.backup.objectStore.destinationPath', 'database.cloudnativePg.apiServerCidrs[0]', 'network.ingressControllerNodeCidrs[0]',
      'certManager.issuers.0.caCertificate.permittedDnsDomains[0]',
    ]));
    const doc = parse(out.text);
    expect(doc.database.cloudnativePg.backup.objectStore.destinationPath).toBe(PLACEHOLDER);
    expect(doc.database.cloudnativePg.apiServerCidrs).toEqual([PLACEHOLDER]);
    expect(doc.network.ingressControllerNodeCidrs).toEqual([PLACEHOLDER]);
    expect(out.text).toContain(`placeholder from new-env: onprem has ${environment('onprem').config.database.cloudnativePg!.backup.objectStore.destinationPath}`);
  });

  test('each is refused by name with what to set; the issuer hint lists this environment\'s issuers, not Let\'s Encrypt', () => {
    expect(problems).toEqual(expect.arrayContaining([
      expect.stringMatching(/^config\/acceptance\.yaml: database\.cloudnativePg\.backup\.objectStore\.destinationPath: placeholder from new-env: set where this environment's base backups and WAL go/),
      expect.stringMatching(/^config\/acceptance\.yaml: database\.cloudnativePg\.apiServerCidrs\[0\]: placeholder from new-env: set the addresses of this cluster's API server/),
      expect.stringMatching(/^config\/acceptance\.yaml: network\.ingressControllerNodeCidrs\[0\]: placeholder from new-env: set the node address range/),
    ]));
    const issuer = problems.find((p) => p.startsWith('config/acceptance.yaml: ingress.clusterIssuer:'))!;
    expect(issuer).toMatch(/\(allowed: pensioen-internal-ca\)$/);
    expect(issuer).not.toMatch(/letsencrypt/);
  });

  test('with every placeholder filled the new environment loads beside the others', () => {
    const doc = parse(out.text);
    doc.namespace = 'pensioen-acceptance';
    doc.ingress = { ...doc.ingress, apiHost: 'api.acceptance.example.nl', frontendHosts: ['acceptance.example.nl'], cors: { ...doc.ingress.cors, allowOrigins: ['https://acceptance.example.nl'] },
      apiTlsSecretName: 'acceptance-tls', frontendTlsSecretName: 'acceptance-frontend-tls', clusterIssuer: 'pensioen-internal-ca' };
    doc.database.cloudnativePg.backup.objectStore.destinationPath = 's3://pensioen-acceptance-db-backups/postgres';
    doc.database.cloudnativePg.apiServerCidrs = ['192.168.20.11/32'];
    doc.certManager.issuers[0].caCertificate.permittedDnsDomains = ['acceptance.example.nl'];
    doc.network.ingressControllerNodeCidrs = ['192.168.20.0/24'];
    doc.frontend.image = 'pensioen-frontend:1.0.0-acceptance';
    const text = stringify(doc);
    expect(text).not.toContain(PLACEHOLDER);
    expect(problemsOf(text)).toEqual([]);
  });
});

test('from the production fixture (Let\'s Encrypt): the issuer hint lists the Let\'s Encrypt issuers', () => {
  const out = newEnvironmentConfig('acceptance', 'production', fixtureText('production'));
  expect(problemsOf(out.text).find((p) => p.includes('ingress.clusterIssuer'))).toMatch(/\(allowed: letsencrypt-prod, letsencrypt-staging\)$/);
});

test('two environments sharing a backup destination are refused, naming both files and the key', () => {
  const onprem = environment('onprem');
  const copy = { ...onprem, name: 'acceptance', file: 'config/acceptance.yaml', config: { ...onprem.config, namespace: 'pensioen-acceptance',
    ingress: { ...onprem.config.ingress, apiHost: 'api.a.example.nl', frontendHosts: ['a.example.nl'] } } };
  expect(crossEnvironmentProblems([onprem, copy])).toEqual([
    expect.stringMatching(/^config\/acceptance\.yaml: database\.cloudnativePg\.backup\.objectStore\.destinationPath: "s3:\/\/\S+" is also onprem's backup destination \(\S*onprem\.yaml\); each environment needs its own/),
  ]);
  // Another path on the same store is fine.
  const other = structuredClone(copy);
  other.config.database.cloudnativePg!.backup.objectStore.destinationPath = 's3://pensioen-acceptance-db-backups/postgres';
  expect(crossEnvironmentProblems([onprem, other])).toEqual([]);
});

test('the frontend image is a placeholder unless it reads the API URL at run time (next build bakes NEXT_PUBLIC_API_URL in)', () => {
  const baked = newEnvironmentConfig('acceptance', 'staging', fixtureText('staging'));
  expect(baked.placeholders).toContain('frontend.image');
  expect(problemsOf(baked.text)).toEqual(expect.arrayContaining([expect.stringMatching(/^config\/acceptance\.yaml: frontend\.image: placeholder from new-env: set a frontend image built for this environment's API host/)]));
  const doc = parse(fixtureText('staging'));
  doc.frontend = { ...doc.frontend, runtimeApiUrl: true };
  expect(newEnvironmentConfig('acceptance', 'staging', stringify(doc)).placeholders).not.toContain('frontend.image');
});
