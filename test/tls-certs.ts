/** Throwaway certificates for the real-server TLS tests (openssl): a CA, and server certificates it signs. */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const ssl = (dir: string, ...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });

/** A CA (`<name>.crt`, `<name>.key`) in `dir`, ECDSA P-256 like the cache's own CA. */
export function makeCa(dir: string, name: string): void {
  ssl(dir, 'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.crt`, '-subj', `/CN=${name} test CA`, '-days', '1');
}

/**
 * A server certificate `<out>.crt` + `<out>.key` signed by CA `ca`, for these DNS names, with the usages of the
 * generated Certificate (server and client auth). Also `<out>.crt.key`: where HAProxy looks for the key.
 */
export function makeServerCert(dir: string, ca: string, out: string, dnsNames: string[]): void {
  ssl(dir, 'req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${out}.key`, '-out', `${out}.csr`, '-subj', `/CN=${dnsNames[0]}`);
  fs.writeFileSync(path.join(dir, `${out}.ext`), `subjectAltName=${dnsNames.map((n) => `DNS:${n}`).join(',')}\nextendedKeyUsage=serverAuth,clientAuth\nkeyUsage=digitalSignature\n`);
  ssl(dir, 'x509', '-req', '-in', `${out}.csr`, '-CA', `${ca}.crt`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-out', `${out}.crt`, '-days', '1', '-extfile', `${out}.ext`);
  fs.copyFileSync(path.join(dir, `${out}.key`), path.join(dir, `${out}.crt.key`));
}

/** The serial number of a PEM certificate file (openssl's hex). */
export function serialOf(file: string): string {
  return execFileSync('openssl', ['x509', '-noout', '-serial', '-in', file]).toString().trim().replace(/^serial=/, '');
}
