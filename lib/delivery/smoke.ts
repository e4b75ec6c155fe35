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
import type { Environment } from '../config';
import { BACKEND_SERVICE, FRONTEND_SERVICE } from '../names';
import type { LabelSpec } from '../k8s/labels';

export const SMOKE_JOB = 'smoke-test';
export const SMOKE_LABELS: LabelSpec = { name: 'pensioen-smoke-test', component: 'smoke-test' };

export const SMOKE_SCRIPT = String.raw`import json, os, ssl, sys, time, urllib.request, urllib.error

env = os.environ
attempts = int(env.get("SMOKE_ATTEMPTS", "5"))
interval = float(env.get("SMOKE_INTERVAL_SECONDS", "6"))
timeout = float(env.get("SMOKE_TIMEOUT_SECONDS", "5"))
healthy = [v.strip().lower() for v in env["SMOKE_HEALTHY_VALUES"].split(",") if v.strip()]
keys = [k.strip() for k in env["SMOKE_READINESS_FIELDS"].split(",") if k.strip()]
status_key = env.get("SMOKE_STATUS_FIELD", "")
tls = ssl.create_default_context(cafile=env.get("SMOKE_EDGE_CA_FILE") or None)
if env.get("SMOKE_EDGE_TLS", "public") == "skip-verify":
    tls.check_hostname = False
    tls.verify_mode = ssl.CERT_NONE


def get(url):
    req = urllib.request.Request(url, headers={"User-Agent": "pensioen-smoke-test", "Accept": "*/*"})
    try:
        with urllib.request.urlopen(req, timeout=timeout, context=tls if url.startswith("https:") else None) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read(1 << 20)
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", ""), e.read(1 << 16)


def is_healthy(v):
    if isinstance(v, bool):
        v = "true" if v else "false"
    if isinstance(v, dict):
        v = v.get("status", "")
    return str(v).strip().lower() in healthy


def ok_200(url):
    status, _, body = get(url)
    if status != 200:
        return "HTTP %d from %s: %s" % (status, url, body[:200].decode("utf-8", "replace"))
    return None


def readiness(url):
    status, _, body = get(url)
    if status != 200:
        return "HTTP %d from %s" % (status, url)
    try:
        doc = json.loads(body)
    except ValueError:
        return "%s did not answer JSON: %s" % (url, body[:200].decode("utf-8", "replace"))
    if not isinstance(doc, dict):
        return "%s answered JSON that is not an object" % url
    bad = []
    for k in ([status_key] if status_key else []) + keys:
        if k not in doc:
            bad.append("%s missing" % k)
        elif not is_healthy(doc[k]):
            bad.append("%s=%s" % (k, json.dumps(doc[k])))
    if bad:
        return "%s reports %s (healthy: %s)" % (url, ", ".join(bad), "|".join(healthy))
    return None


def page(url):
    status, ctype, body = get(url)
    if status != 200:
        return "HTTP %d from %s" % (status, url)
    if "html" not in ctype.lower() or b"<html" not in body.lower():
        return "%s answered 200 but no HTML page (Content-Type %r)" % (url, ctype)
    return None


checks = [
    ("backend-service", ok_200, env["SMOKE_BACKEND_URL"]),
    ("readiness", readiness, env["SMOKE_BACKEND_URL"]),
    ("api-edge", ok_200, env["SMOKE_API_EDGE_URL"]),
    ("frontend-service", page, env["SMOKE_FRONTEND_URL"]),
    ("frontend-edge", page, env["SMOKE_FRONTEND_EDGE_URL"]),
]
failed = []
for name, check, url in checks:
    problem = None
    for attempt in range(1, attempts + 1):
        try:
            problem = check(url)
        except Exception as e:  # connection refused, DNS, TLS, timeout
            problem = "%s: %s" % (url, e)
        if problem is None:
            break
        if attempt < attempts:
            time.sleep(interval)
    if problem is None:
        print("ok %s: %s" % (name, url), flush=True)
    else:
        print("FAILED %s: %s (after %d attempts)" % (name, problem, attempts), flush=True)
        failed.append(name)
if failed:
    print("smoke test failed: %s" % ", ".join(failed), flush=True)
    sys.exit(1)
print("smoke test passed: %d checks" % len(checks), flush=True)
`;

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
