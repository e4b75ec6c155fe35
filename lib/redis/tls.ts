/**
 * TLS of the in-cluster cache (`redis.tls`): the server certificate from cert-manager, where its files are in the
 * pods, the TLS lines of redis.conf / sentinel.conf, the arguments redis-cli (probes, scripts, `kubectl exec`)
 * needs, and the CA file the backend and the exporter verify the servers with.
 *
 * One certificate serves every name a client uses: each pod under the headless Service (replication, Sentinel,
 * HAProxy's servers), the headless and Sentinel Services and HAProxy's Service `redis` (REDIS_URL). Clients
 * authenticate with their ACL users' passwords, not with certificates (`tls-auth-clients no`).
 *
 * The issuer: `redis.tls.issuerRef` (an existing Issuer or ClusterIssuer, referenced), else a CA of the cache's
 * own in the namespace: SelfSigned Issuer → CA Certificate → CA Issuer (docs/security.md: who holds its key).
 */
import { Construct } from 'constructs';
import { Certificate, CertificateSpecPrivateKeyAlgorithm, CertificateSpecPrivateKeyRotationPolicy, CertificateSpecUsages } from '../../imports/certmanager-certificates-cert-manager.io';
import { Issuer } from '../../imports/certmanager-issuers-cert-manager.io';
import { k8s } from '../k8s';
import { meta } from '../k8s/labels';
import { type CacheEnv, type CacheNames, MANAGED_CA_DIR, MANAGED_CA_FILE, PROXY_SERVICE, cacheNames, podHosts } from './topology';
import { managedCaVolume } from './managed';

/** Where the certificate Secret's files are in every container that uses them. */
export const TLS_DIR = '/etc/pensioen/redis-tls';
export const TLS_CERT_FILE = `${TLS_DIR}/tls.crt`;
export const TLS_KEY_FILE = `${TLS_DIR}/tls.key`;
export const TLS_CA_FILE = `${TLS_DIR}/ca.crt`;
/** HAProxy reads the key of `crt <file>` from `<file>.key` when the file holds no key (ssl-load-extra-files). */
const HAPROXY_KEY_PATH = 'tls.crt.key';

/** The cache's own CA (without `tls.issuerRef`): a SelfSigned Issuer signs it, a CA Issuer signs with it. */
export const CACHE_CA_BOOTSTRAP_ISSUER = 'redis-tls-selfsigned';
export const CACHE_CA = 'redis-tls-ca';

/** The server certificate's validity and when cert-manager renews it (cert-manager's own defaults, written out). */
export const SERVER_CERT_DURATION = '2160h';
export const SERVER_CERT_RENEW_BEFORE = '720h';

const TLS_LABELS = { name: 'redis', component: 'tls' };

export function cacheTlsEnabled(env: CacheEnv): boolean {
  const r = env.config.redis;
  return r.mode !== 'managed' && r.tls.enabled;
}

/** Certificate and Secret of the servers (per engine: the names it covers are the engine's pods). */
export function serverCertificateName(n: CacheNames): string {
  return `${n.statefulset}-tls`;
}

/** Stakater Reloader's annotation: a rolling restart of the annotated workload when the named Secret changes. */
export const RELOADER_SECRET_ANNOTATION = 'secret.reloader.stakater.com/reload';

/**
 * Annotations of the cache StatefulSet and the HAProxy Deployment (the workloads' own metadata, where Reloader
 * reads them): with `tls.restartOnRenewal: reloader`, Reloader rolls them when cert-manager writes a renewed
 * certificate into the Secret, since the servers, Sentinels and HAProxy load it only at start. None otherwise.
 */
export function tlsReloadAnnotations(env: CacheEnv): Record<string, string> | undefined {
  if (!cacheTlsEnabled(env) || env.config.redis.tls.restartOnRenewal !== 'reloader') return undefined;
  return { [RELOADER_SECRET_ANNOTATION]: serverCertificateName(cacheNames(env)) };
}

/** Every name a client of the cache connects to. */
export function certificateDnsNames(env: CacheEnv): string[] {
  const n = cacheNames(env);
  const ns = env.config.namespace;
  const domain = env.config.redis.clusterDomain;
  const service = (s: string) => [s, `${s}.${ns}`, `${s}.${ns}.svc`, `${s}.${ns}.svc.${domain}`];
  return [...podHosts(env), ...service(PROXY_SERVICE), ...service(n.headless), ...service(n.sentinelService)];
}

/** redis-cli's TLS arguments (no client certificate: the ACL user authenticates), or none without TLS. */
export function cliTlsArgs(env: CacheEnv): string[] {
  return cacheTlsEnabled(env) ? ['--tls', '--cacert', TLS_CA_FILE] : [];
}

/** The engine's redis-cli with its TLS arguments, as the probes and scripts run it. */
export function cliCommand(env: CacheEnv): string[] {
  return [cacheNames(env).cli, ...cliTlsArgs(env)];
}

/**
 * The listening and TLS lines of redis.conf (`portPlaceholder` @REDIS_PORT@) or sentinel.conf (@SENTINEL_PORT@):
 * without TLS the plain port; with TLS no plain port at all, the same port number over TLS, and TLS for the
 * connections the server opens itself (a replica to its primary, Sentinel to the servers and to other Sentinels).
 */
export function listenLines(env: CacheEnv, portPlaceholder: string): string[] {
  if (!cacheTlsEnabled(env)) return [`port ${portPlaceholder}`];
  return [
    'port 0',
    `tls-port ${portPlaceholder}`,
    `tls-cert-file ${TLS_CERT_FILE}`,
    `tls-key-file ${TLS_KEY_FILE}`,
    `tls-ca-cert-file ${TLS_CA_FILE}`,
    '# Clients authenticate with their ACL user and password; no client certificate.',
    'tls-auth-clients no',
    'tls-replication yes',
  ];
}

/** The certificate Secret as a volume: `haproxy` names the key file as HAProxy looks for it. */
export function tlsVolume(env: CacheEnv, name: string, files: 'server' | 'haproxy' | 'ca'): k8s.Volume {
  const items = files === 'ca' ? [{ key: 'ca.crt', path: 'ca.crt' }] : [
    { key: 'tls.crt', path: 'tls.crt' },
    { key: 'tls.key', path: files === 'haproxy' ? HAPROXY_KEY_PATH : 'tls.key' },
    { key: 'ca.crt', path: 'ca.crt' },
  ];
  // Readable by the pod's fsGroup (every container runs with it as a supplementary group), not by others.
  return { name, secret: { secretName: serverCertificateName(cacheNames(env)), items, defaultMode: 0o440 } };
}

export function tlsMount(name: string): k8s.VolumeMount {
  return { name, mountPath: TLS_DIR, readOnly: true };
}

/**
 * The CA a client of the cache verifies it with, as a volume of the backend (REDIS_TLS_CA_FILE): a managed
 * cache's private CA (`managed.caSecret`), or with `redis.tls` the ca.crt of the servers' certificate Secret
 * (only that key is projected).
 */
export function cacheCaVolume(env: CacheEnv): { volume: k8s.Volume; mount: k8s.VolumeMount } | undefined {
  const r = env.config.redis;
  if (r.mode === 'managed') return managedCaVolume(env);
  const file = MANAGED_CA_FILE.slice(MANAGED_CA_DIR.length + 1);
  const mount = { name: 'redis-ca', mountPath: MANAGED_CA_DIR, readOnly: true };
  if (!r.tls.enabled) return undefined;
  return { volume: { name: 'redis-ca', secret: { secretName: serverCertificateName(cacheNames(env)), items: [{ key: 'ca.crt', path: file }], defaultMode: 0o444 } }, mount };
}

/**
 * The cert-manager objects: the server certificate, and without `tls.issuerRef` the cache's own CA chain.
 * cert-manager renews the server certificate SERVER_CERT_RENEW_BEFORE before it expires (docs/cache.md: how the
 * pods pick it up).
 */
export class CacheCertificates extends Construct {
  constructor(scope: Construct, id: string, env: CacheEnv) {
    super(scope, id);
    const r = env.config.redis;
    const n = cacheNames(env);
    let issuerRef = r.tls.issuerRef;
    if (!issuerRef) {
      new Issuer(this, 'selfsigned', { metadata: meta(env, CACHE_CA_BOOTSTRAP_ISSUER, TLS_LABELS), spec: { selfSigned: {} } });
      new Certificate(this, 'ca', {
        metadata: meta(env, CACHE_CA, TLS_LABELS),
        spec: {
          secretName: CACHE_CA,
          isCa: true,
          commonName: `pensioen cache CA (${env.config.namespace})`,
          // Long-lived, and renewed with the SAME key: certificates the pods loaded before a CA renewal still verify
          // against the renewed CA (same subject and key), so no pod has to restart in step with it.
          duration: '87600h',
          renewBefore: '2160h',
          privateKey: { algorithm: CertificateSpecPrivateKeyAlgorithm.ECDSA, size: 256, rotationPolicy: CertificateSpecPrivateKeyRotationPolicy.NEVER },
          usages: [CertificateSpecUsages.CERT_SIGN, CertificateSpecUsages.CRL_SIGN, CertificateSpecUsages.DIGITAL_SIGNATURE],
          issuerRef: { group: 'cert-manager.io', kind: 'Issuer', name: CACHE_CA_BOOTSTRAP_ISSUER },
        },
      });
      new Issuer(this, 'ca-issuer', { metadata: meta(env, CACHE_CA, TLS_LABELS), spec: { ca: { secretName: CACHE_CA } } });
      issuerRef = { group: 'cert-manager.io', kind: 'Issuer', name: CACHE_CA };
    }
    new Certificate(this, 'server', {
      metadata: meta(env, serverCertificateName(n), TLS_LABELS),
      spec: {
        secretName: serverCertificateName(n),
        commonName: `${PROXY_SERVICE}.${env.config.namespace}.svc`,
        dnsNames: certificateDnsNames(env),
        duration: SERVER_CERT_DURATION,
        renewBefore: SERVER_CERT_RENEW_BEFORE,
        privateKey: { algorithm: CertificateSpecPrivateKeyAlgorithm.ECDSA, size: 256, rotationPolicy: CertificateSpecPrivateKeyRotationPolicy.ALWAYS },
        // Server and client: a replica and Sentinel present it when they connect (not required by the servers).
        usages: [CertificateSpecUsages.SERVER_AUTH, CertificateSpecUsages.CLIENT_AUTH, CertificateSpecUsages.DIGITAL_SIGNATURE],
        issuerRef: { group: issuerRef.group, kind: issuerRef.kind, name: issuerRef.name },
      },
    });
  }
}


