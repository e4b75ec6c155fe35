/**
 * Configuration rules: every kind of bad input fails the synth with one line naming the file, the key path
 * and what is allowed, exits non-zero, prints no stack trace, and leaves the output folder byte-for-byte
 * as it was.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseConfig } from '../lib/config';
import { readTree } from '../lib/output/write';
import { parseQuantity } from '../lib/k8s/quantity';
import { synthWorkdir } from './synth-workdir';
import { FIXTURES } from './helpers';

const production = fs.readFileSync(path.join(FIXTURES, 'production.yaml'), 'utf8');

const synth = synthWorkdir();
const runInProcess = (configDir: string) => synth.runInProcess(configDir);

/** Writes production.yaml with one edit into a fresh config folder and runs the synth on it. */
function synthWith(edit: (text: string) => string): { code: number; stderr: string; file: string } {
  const dir = fs.mkdtempSync(path.join(synth.work, 'cfg-'));
  const file = path.join(dir, 'production.yaml');
  const edited = edit(production);
  expect(edited).not.toBe(production);
  fs.writeFileSync(file, edited);
  return { ...runInProcess(dir), file };
}

const cases: [string, (t: string) => string, RegExp][] = [
  ['an unknown key', (t) => t.replace('backend:\n', 'backend:\n  replicaz: 3\n'),
    /production\.yaml: backend\.replicaz: unknown key \(allowed: image, port, replicas, autoscaling,/],
  ['a wrong type', (t) => t.replace('  replicas: 3', '  replicas: three'),
    /production\.yaml: backend\.replicas: expected number, got "three"/],
  ['minReplicas > maxReplicas', (t) => t.replace('minReplicas: 2', 'minReplicas: 12'),
    /production\.yaml: backend\.autoscaling\.minReplicas: must be at most maxReplicas \(10\), got 12/],
  ['a CPU target above 100', (t) => t.replace('targetCPUUtilizationPercentage: 70', 'targetCPUUtilizationPercentage: 170'),
    /production\.yaml: backend\.autoscaling\.targetCPUUtilizationPercentage: must be between 1 and 100, got 170/],
  ['a CPU target below 1', (t) => t.replace('targetCPUUtilizationPercentage: 70', 'targetCPUUtilizationPercentage: 0'),
    /production\.yaml: backend\.autoscaling\.targetCPUUtilizationPercentage: must be between 1 and 100, got 0/],
  ['a replica count below 1', (t) => t.replace('  replicas: 2\n', '  replicas: 0\n'),
    /production\.yaml: frontend\.replicas: must be at least 1, got 0/],
  ['a hostname that is not a DNS name', (t) => t.replace('apiHost: api.pensioen-beslissingstool.nl', 'apiHost: Api_Pensioen!.nl'),
    /production\.yaml: ingress\.apiHost: must be a valid DNS name/],
  ['an image without a tag', (t) => t.replace('image: pensioen-backend:1.0.0', 'image: pensioen-backend'),
    /production\.yaml: backend\.image: "pensioen-backend" has no tag \(allowed: name:tag with a tag other than "latest", or name@sha256:<digest>\)/],
  ['an image tagged latest', (t) => t.replace('image: pensioen-frontend:1.0.0', 'image: pensioen-frontend:latest'),
    /production\.yaml: frontend\.image: "pensioen-frontend:latest" is tagged "latest"/],
  ['a quantity that is not a Kubernetes quantity', (t) => t.replace('limits: { cpu: 1000m, memory: 1Gi }', 'limits: { cpu: 1000m, memory: 1 GB }'),
    /production\.yaml: backend\.resources\.limits\.memory: must be a Kubernetes quantity such as 500m, 1, 512Mi or 1Gi, got "1 GB"/],
  ['a request above its limit', (t) => t.replace('requests: { cpu: 500m, memory: 512Mi }', 'requests: { cpu: 1500m, memory: 512Mi }'),
    /production\.yaml: backend\.resources\.requests\.cpu: must not exceed limits\.cpu \(1000m\), got 1500m/],
  ['a YAML syntax error', (t) => t.replace('backend:\n', 'backend:\n  - [\n'),
    /production\.yaml: line \d+: YAML syntax error/],
];

describe.each(cases)('synth refuses %s', (_what, edit, expected) => {
  test('one line naming file, key path and what is allowed; exit 1; output unchanged', () => {
    const r = synthWith(edit);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(expected);
    expect(r.stderr).toContain(r.file);
    expect(r.stderr).toMatch(/nothing was written \(.+\/ is unchanged\)/);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(readTree(synth.outDir)).toEqual(synth.before);
  });
});

test('every problem of every file is reported at once, one line each', () => {
  const r = synthWith((t) => t
    .replace('minReplicas: 2', 'minReplicas: 12')
    .replace('image: pensioen-frontend:1.0.0', 'image: pensioen-frontend:latest')
    .replace('backend:\n', 'backend:\n  bogus: 1\n'));
  const problems = r.stderr.trim().split('\n').filter((l) => l.includes('production.yaml: '));
  expect(problems).toHaveLength(3);
  expect(readTree(synth.outDir)).toEqual(synth.before);
});

test('a required key that is missing is named', () => {
  expect(() => parseConfig('x.yaml', 'registry: ghcr.io/x\nnetwork: { databaseCidrs: [10.0.0.0/8] }\n'))
    .toThrow(/x\.yaml: certManager\.issuers\[0\]\.email: is required for an ACME issuer \(or set certManager\.email\)/);
});

test('quantities compare by value across units', () => {
  expect(parseQuantity('1Gi')).toBe(1024 * parseQuantity('1Mi'));
  expect(parseQuantity('1000m')).toBe(parseQuantity('1'));
  expect(parseQuantity('1e3')).toBe(1000);
  expect(parseQuantity('1 GB')).toBeNaN();
});
