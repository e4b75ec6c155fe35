/**
 * The smoke test (`delivery.smoke`): one Job that checks, from inside the namespace, what the deployment
 * guide's post-deployment checklist ticks by hand. It runs with the backend image's own Python (stdlib only:
 * no extra image to pin, pull or trust) and is configured only through environment variables, so the test
 * runs the very same script against a stand-in server (test/smoke.tools.test.ts).
 *
 * Checks, each retried `attempts` times `intervalSeconds` apart:
 *   backend-service   GET http://backend-service:<port><healthPath>       200
 *   readiness         the JSON of that answer: `statusKey` and every `readinessFields` entry healthy
 *   api-edge          GET https://<apiHost><healthPath>                   200 (TLS verified unless verifyEdgeTls: false)
 *   frontend-service  GET http://frontend-service:<port>/                 200, an HTML page
 *   frontend-edge     GET https://<first frontend host>/                  200, an HTML page
 * Every check prints one line (`ok <check>: ...` or `FAILED <check>: ...`); the last line names every check
 * that failed, and the exit code is 1 when any did.
 */
/// <reference path="../text-files.d.ts" />
import type { Environment } from '../config';
import { BACKEND_SERVICE, FRONTEND_SERVICE } from '../names';
import type { LabelSpec } from '../k8s/labels';
import { withoutLeadingComments } from '../script-files';
import smokePy from './smoke.py';

export const SMOKE_JOB = 'smoke-test';
export const SMOKE_LABELS: LabelSpec = { name: 'pensioen-smoke-test', component: 'smoke-test' };

/** The Job's script: lib/delivery/smoke.py without its leading comment block (lib/script-files.ts). */
export const SMOKE_SCRIPT = withoutLeadingComments(smokePy);

export const SMOKE_CA_DIR = '/etc/smoke-test/edge-ca';

/** The Secret and key of the CA certificate of the edge's namespaced CA Issuer (`tls.crt` of its Secret). */
export function edgeCaSecret(env: Environment): { name: string; key: string } | undefined {
  const c = env.config;
  const issuer = c.certManager.issuers.find((i) => i.name === c.ingress.clusterIssuer);
  return issuer?.type === 'ca' && issuer.kind === 'Issuer' ? { name: issuer.secretName, key: 'tls.crt' } : undefined;
}

/** How the edge checks verify TLS: `delivery.smoke.edgeTls`, or derived from the issuer of the edge. */
export function edgeTlsOf(env: Environment): 'public' | 'issuer-ca' | 'skip-verify' {
  const c = env.config;
  if (c.delivery.smoke.edgeTls) return c.delivery.smoke.edgeTls;
  const issuer = c.certManager.issuers.find((i) => i.name === c.ingress.clusterIssuer);
  // A namespaced CA Issuer's Secret is in this namespace (a ClusterIssuer's is in cert-manager's: not mountable).
  if (issuer?.type === 'ca') return issuer.kind === 'Issuer' ? 'issuer-ca' : 'skip-verify';
  // Vault's CA is private and not in the namespace; a platform-owned issuer is taken as public (override with edgeTls).
  if (issuer?.type === 'vault') return 'skip-verify';
  if (issuer && 'server' in issuer && /acme-staging/.test(String(issuer.server))) return 'skip-verify';
  return 'public';
}

/** The environment variables the script reads, for this environment. */
export function smokeEnv(env: Environment): { name: string; value: string }[] {
  const c = env.config;
  const s = c.delivery.smoke;
  return [
    { name: 'SMOKE_BACKEND_URL', value: `http://${BACKEND_SERVICE}:${c.backend.port}${c.backend.healthPath}` },
    { name: 'SMOKE_API_EDGE_URL', value: `https://${c.ingress.apiHost}${c.backend.healthPath}` },
    { name: 'SMOKE_FRONTEND_URL', value: `http://${FRONTEND_SERVICE}:${c.frontend.port}/` },
    { name: 'SMOKE_FRONTEND_EDGE_URL', value: `https://${c.ingress.frontendHosts[0]}/` },
    { name: 'SMOKE_READINESS_FIELDS', value: s.readinessFields.join(',') },
    { name: 'SMOKE_HEALTHY_VALUES', value: s.healthyValues.join(',') },
    { name: 'SMOKE_STATUS_FIELD', value: s.statusKey ?? '' },
    { name: 'SMOKE_EDGE_TLS', value: edgeTlsOf(env) },
    ...(edgeTlsOf(env) === 'issuer-ca' ? [{ name: 'SMOKE_EDGE_CA_FILE', value: `${SMOKE_CA_DIR}/ca.crt` }] : []),
    { name: 'SMOKE_ATTEMPTS', value: String(s.attempts) },
    { name: 'SMOKE_INTERVAL_SECONDS', value: String(s.intervalSeconds) },
    { name: 'SMOKE_TIMEOUT_SECONDS', value: String(s.timeoutSeconds) },
    { name: 'PYTHONDONTWRITEBYTECODE', value: '1' },
  ];
}
