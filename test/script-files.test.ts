/**
 * Scripts a container runs are files (lib/script-files.ts). The migration Job's rollback guard and the
 * backend's schema wait (lib/database/scripts/*.sh): each container command is its file without the leading
 * comment block and the final newline, with the `@@NAME@@` placeholders filled in; the wait's timeout follows
 * `migrations.waitTimeoutSeconds`. The smoke test Job runs lib/delivery/smoke.py without its comment block.
 * (They run for real in test/schema-wait.tools.test.ts and test/smoke.tools.test.ts; shellcheck and pyflakes
 * read the files in test/shellcheck.tools.test.ts and test/python-scripts.tools.test.ts.)
 */
import * as fs from 'fs';
import * as path from 'path';
import { UNKNOWN_REVISION } from '../lib/database/schema-wait';
import { inlineScript, placeholdersOf, withoutLeadingComments } from '../lib/script-files';
import { SMOKE_JOB } from '../lib/delivery/smoke';
import { find, inlineEnvironment, objectsOf, ROOT } from './helpers';

const DIR = path.join(ROOT, 'lib', 'database', 'scripts');
const file = (name: string) => fs.readFileSync(path.join(DIR, name), 'utf8');
/** The file's lines after its leading comment block, as they reach the container. */
const body = (name: string) => file(name).replace(/^(#[^\n]*\n)+/, '').replace(/\n$/, '');

const withTimeout = (seconds: number) => objectsOf(inlineEnvironment('scripts', `
registry: registry.example.nl/pensioen
certManager: { email: ops@example.nl }
network: { databaseCidrs: [10.1.0.0/24] }
migrations: { waitTimeoutSeconds: ${seconds}, command: [alembic, upgrade, heads] }
`));

test('the script files: a comment block saying what each is, then the script', () => {
  expect(fs.readdirSync(DIR).sort()).toEqual(['migrate.sh', 'schema-wait.sh']);
  for (const name of ['migrate.sh', 'schema-wait.sh']) {
    expect(file(name)).toMatch(/^# .+\n/);
    expect(body(name)).toMatch(/^set -u\n/);
    expect(placeholdersOf(body(name))).toContain('UNKNOWN_REVISION');
  }
  expect(placeholdersOf(body('schema-wait.sh'))).toEqual(['TIMEOUT_SECONDS', 'UNKNOWN_REVISION']);
});

test.each([600, 42])('waitTimeoutSeconds %i: wait-for-schema runs schema-wait.sh with that timeout, the Job runs migrate.sh before the command', (seconds) => {
  const objects = withTimeout(seconds);
  const wait = find(objects, 'Deployment', 'backend').spec.template.spec.initContainers.find((c: any) => c.name === 'wait-for-schema');
  const filled = (name: string, values: Record<string, string>) => Object.entries(values).reduce((t, [k, v]) => t.split(`@@${k}@@`).join(v), body(name));
  expect(wait.command).toEqual(['sh', '-c', filled('schema-wait.sh', { TIMEOUT_SECONDS: String(seconds), UNKNOWN_REVISION })]);
  expect(wait.command[2]).toContain(`\ntimeout_seconds=${seconds}\n`);
  const job = objects.find((o) => o.kind === 'Job')!;
  expect(job.spec.template.spec.containers[0].command).toEqual(['sh', '-c', filled('migrate.sh', { UNKNOWN_REVISION }), 'migrate', 'alembic', 'upgrade', 'heads']);
  for (const script of [wait.command[2], job.spec.template.spec.containers[0].command[2]]) {
    expect(script).not.toMatch(/@@|^#/);
    expect(script).toContain(`grep -q "${UNKNOWN_REVISION}" "$out"`);
  }
});

test('inlineScript leaves out only the leading comment block and the final newline', () => {
  expect(inlineScript('x.sh', '# what\n# more\nset -u\n# kept\necho @@A@@\n', { A: 1 })).toBe('set -u\n# kept\necho 1');
  expect(inlineScript('x.sh', 'echo hi\n\n', {})).toBe('echo hi\n');
  expect(() => inlineScript('x.sh', '# @@B@@ in the comment only\necho\n', { B: 1 })).toThrow('x.sh: value(s) for no placeholder: B');
});

test('the smoke test Job runs lib/delivery/smoke.py as python3 -c, without the file\'s comment block', () => {
  const py = fs.readFileSync(path.join(ROOT, 'lib', 'delivery', 'smoke.py'), 'utf8');
  expect(py).toMatch(/^# .+\n/);
  const job = find(withTimeout(600), 'Job', SMOKE_JOB);
  expect(job.spec.template.spec.containers[0].command).toEqual(['python3', '-c', withoutLeadingComments(py)]);
  expect(withoutLeadingComments(py)).toMatch(/^import json, os, ssl, sys, time, urllib\.request, urllib\.error\n/);
});
