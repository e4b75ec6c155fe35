/** `npm run diff`: object-level diff of the rendered manifests, Secret values never printed. */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { diffObjects, fieldChanges, formatDiff, objectsOfFiles, REDACTED } from '../lib/output/object-diff';
import { toYaml } from '../lib/output/write';
import { committedDist } from '../scripts/diff';
import { ROOT } from './helpers';

const deployment = (replicas: number, image = 'ghcr.io/x/backend:1.0.0') => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'backend', namespace: 'pensioen' },
  spec: { replicas, template: { spec: { containers: [{ name: 'backend', image }] } } },
});
const secret = (value: string) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db-secrets', namespace: 'pensioen' }, stringData: { 'connection-string': value }, data: { x: Buffer.from(value).toString('base64') } });
const files = (m: Record<string, Record<string, any>[]>) => new Map(Object.entries(m).map(([p, objs]) => [p, toYaml(objs, 'test')]));

describe('diffObjects', () => {
  test('added, removed and changed objects, with field paths and old and new values', () => {
    const before = objectsOfFiles(files({
      'production/10-backend.yaml': [deployment(3)],
      'production/20-frontend.yaml': [{ apiVersion: 'v1', kind: 'Service', metadata: { name: 'old', namespace: 'pensioen' } }],
    }));
    const after = objectsOfFiles(files({
      'production/10-backend.yaml': [deployment(4, 'ghcr.io/x/backend:1.1.0')],
      'production/40-ingress.yaml': [{ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'new', namespace: 'pensioen' } }],
    }));
    const d = diffObjects(before, after);
    expect(d.added).toEqual([{ id: 'production: networking.k8s.io/Ingress pensioen/new', file: 'production/40-ingress.yaml' }]);
    expect(d.removed).toEqual([{ id: 'production: core/Service pensioen/old', file: 'production/20-frontend.yaml' }]);
    expect(d.changed).toEqual([{ id: 'production: apps/Deployment pensioen/backend', file: 'production/10-backend.yaml', fields: [
      { path: 'spec.replicas', before: 3, after: 4 },
      { path: 'spec.template.spec.containers[backend].image', before: 'ghcr.io/x/backend:1.0.0', after: 'ghcr.io/x/backend:1.1.0' },
    ] }]);
    const text = formatDiff(d);
    expect(text).toContain('1 added, 1 removed, 1 changed, 0 moved.');
    expect(text).toContain('- `spec.replicas`: 3 → 4');
  });

  test('the same object in two environments is two objects; a move between files is reported', () => {
    const before = objectsOfFiles(files({ 'production/10-backend.yaml': [deployment(3)], 'staging/10-backend.yaml': [deployment(2)] }));
    const after = objectsOfFiles(files({ 'production/15-backend.yaml': [deployment(3)], 'staging/10-backend.yaml': [deployment(2)] }));
    const d = diffObjects(before, after);
    expect(d.changed).toEqual([]);
    expect(d.moved).toEqual([{ id: 'production: apps/Deployment pensioen/backend', from: 'production/10-backend.yaml', to: 'production/15-backend.yaml' }]);
    expect(formatDiff(diffObjects(before, before))).toContain('No object changes.');
  });

  test('Secret values and secret-named fields are never printed', () => {
    const value = 'postgresql://admin:hunter2-Very-Secret@db:5432/x';
    const d = diffObjects(objectsOfFiles(files({ 'p/05.yaml': [secret('old-value-1')] })), objectsOfFiles(files({ 'p/05.yaml': [secret(value)] })));
    const text = formatDiff(d);
    expect(d.changed[0].fields.map((f) => f.path)).toEqual(['data.x', 'stringData["connection-string"]']);
    expect(d.changed[0].fields.every((f) => f.before === REDACTED && f.after === REDACTED)).toBe(true);
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('old-value-1');
    expect(text).not.toContain(Buffer.from(value).toString('base64'));
    const cm = (password: string) => [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'n' }, data: { 'admin-password': password, plain: password } }];
    const d2 = diffObjects(objectsOfFiles(files({ 'p/1.yaml': cm('a1') })), objectsOfFiles(files({ 'p/1.yaml': cm('b2') })));
    expect(d2.changed[0].fields).toEqual([
      { path: 'data["admin-password"]', before: REDACTED, after: REDACTED },
      { path: 'data.plain', before: 'a1', after: 'b2' },
    ]);
  });

  test('fieldChanges: absent fields and arrays of different length', () => {
    expect(fieldChanges({ a: [1, 2] }, { a: [1], b: { c: 'x' } })).toEqual([
      { path: 'a[1]', before: 2, after: undefined },
      { path: 'b', before: undefined, after: { c: 'x' } },
    ]);
  });
});

describe('npm run diff against a git repository', () => {
  let dir: string;
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' });

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pensioen-diff-'));
    git('init', '-q');
    git('config', 'user.email', 't@example.nl');
    git('config', 'user.name', 'test');
    fs.mkdirSync(path.join(dir, 'dist/production'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'dist/production/10-backend.yaml'), toYaml([deployment(3)], 'production'));
    git('add', '.');
    git('commit', '-q', '-m', 'one');
    fs.writeFileSync(path.join(dir, 'dist/production/10-backend.yaml'), toYaml([deployment(5)], 'production'));
    git('commit', '-q', '-am', 'two');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('reads dist/ as committed at a revision', () => {
    const head = committedDist(dir, 'HEAD');
    const first = committedDist(dir, 'HEAD~1');
    expect([...head.keys()]).toEqual(['production/10-backend.yaml']);
    const d = diffObjects(objectsOfFiles(first), objectsOfFiles(head));
    expect(d.changed[0].fields).toEqual([{ path: 'spec.replicas', before: 3, after: 5 }]);
  });

  test('the script, end to end, on this repository: Markdown, exit 0', () => {
    const out = execFileSync('node', ['scripts/run-ts.js', 'scripts/diff.ts'], { cwd: ROOT, encoding: 'utf8' });
    expect(out).toMatch(/^## Rendered manifests: HEAD vs this working tree\n/);
    expect(out).toMatch(/No object changes\.|\d+ added, \d+ removed, \d+ changed, \d+ moved\./);
  });
});
