/**
 * The private CA declaration, checked with real openssl: the preflight check of a namespaced CA Issuer declared
 * an intermediate (lib/preflight.ts, caIntermediateCheck) passes for a name-constrained intermediate and fails for
 * the root itself, an unconstrained intermediate and one constrained elsewhere; and what the constraint buys
 * (docs/security.md, "Private CA"): OpenSSL refuses a certificate that intermediate signs for a name outside it.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { environment, objectsOf } from './helpers';
import { CA_INSPECT, passes, preflightChecks } from '../lib/preflight';

const DOMAIN = 'onprem.pensioen-beslissingstool.nl';

describe('the CA Secret holds what the config declares', () => {
  let tmp: string;
  const openssl = (args: string[], input?: string) => spawnSync('openssl', args, { cwd: tmp, encoding: 'utf8', input });
  const ok = (args: string[]) => { const r = openssl(args); if (r.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${r.stderr}`); };
  /** A CA certificate `name` signed by `issuer` (self-signed when undefined), with these extensions. */
  const ca = (name: string, issuer: string | undefined, ext: string) => {
    fs.writeFileSync(path.join(tmp, `${name}.ext`), `basicConstraints=critical,CA:true\nkeyUsage=critical,keyCertSign,cRLSign\n${ext}`);
    ok(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`]);
    if (issuer) ok(['x509', '-req', '-in', `${name}.csr`, '-CA', `${issuer}.crt`, '-CAkey', `${issuer}.key`, '-CAcreateserial', '-days', '2', '-extfile', `${name}.ext`, '-out', `${name}.crt`]);
    else ok(['x509', '-req', '-in', `${name}.csr`, '-key', `${name}.key`, '-days', '2', '-extfile', `${name}.ext`, '-out', `${name}.crt`]);
  };
  const leaf = (name: string, host: string, issuer: string) => {
    fs.writeFileSync(path.join(tmp, `${name}.ext`), `subjectAltName=DNS:${host}\n`);
    ok(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${host}`]);
    ok(['x509', '-req', '-in', `${name}.csr`, '-CA', `${issuer}.crt`, '-CAkey', `${issuer}.key`, '-CAcreateserial', '-days', '2', '-extfile', `${name}.ext`, '-out', `${name}.crt`]);
  };
  const inspect = (name: string) => openssl(CA_INSPECT.split(' ').slice(1), fs.readFileSync(path.join(tmp, `${name}.crt`), 'utf8'));

  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'preflight-ca-'));
    ca('org-root', undefined, '');
    ca('constrained', 'org-root', `nameConstraints=critical,permitted;DNS:${DOMAIN}\n`);
    ca('unconstrained', 'org-root', '');
    ca('elsewhere', 'org-root', 'nameConstraints=critical,permitted;DNS:other.example.nl\n');
    ca('self-constrained', undefined, `nameConstraints=critical,permitted;DNS:${DOMAIN}\n`);
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const check = preflightChecks(environment('onprem'), objectsOf('onprem')).find((c) => c.what.startsWith('Secret pensioen-ca in pensioen holds an intermediate CA'))!;

  test('the on-prem fixture gets the check, on its Secret, its domain', () => {
    expect(check.command).toBe(`kubectl -n pensioen get secret pensioen-ca -o jsonpath='{.data.tls\\.crt}' | base64 -d | ${CA_INSPECT}`);
    expect(check.what).toContain(DOMAIN);
  });

  test('passes for a name-constrained intermediate; fails for the root, an unconstrained intermediate, one constrained elsewhere, a self-signed constrained CA', () => {
    const verdict = (name: string) => { const r = inspect(name); return passes(check, r.status ?? 1, r.stdout); };
    expect(verdict('constrained')).toBe(true);
    expect(verdict('org-root')).toBe(false);
    expect(verdict('unconstrained')).toBe(false);
    expect(verdict('elsewhere')).toBe(false);
    expect(verdict('self-constrained')).toBe(false);
  });

  test('what the constraint buys: a certificate the intermediate signs outside its domain does not verify, one inside does', () => {
    leaf('inside', `api.${DOMAIN}`, 'constrained');
    leaf('outside', 'login.bank.example.com', 'constrained');
    const verify = (name: string) => openssl(['verify', '-CAfile', 'org-root.crt', '-untrusted', 'constrained.crt', `${name}.crt`]);
    expect(verify('inside')).toMatchObject({ status: 0 });
    const refused = verify('outside');
    expect(refused.status).not.toBe(0);
    expect(`${refused.stdout}${refused.stderr}`).toMatch(/permitted subtree violation/);
  });
});
