# The smoke test Job's script (python3 -c, with the backend image's Python; stdlib only). Configured only
# through SMOKE_* environment variables (lib/delivery/smoke.ts sets them and says what each check does), so
# test/smoke.tools.test.ts runs this very script against a stand-in server. This comment block is not part
# of the Job's command.
import json, os, ssl, sys, time, urllib.request, urllib.error

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
