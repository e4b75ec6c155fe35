/**
 * YAML as the cluster reads it: kubectl, Argo CD and the API server read YAML 1.1 (go-yaml v2), Ansible and
 * pre-commit PyYAML. A config string that a 1.1 reader resolves to a boolean, number, null, date, merge key or
 * `=` must come out quoted, keys included. The real readers judge the same cases in yaml11.tools.test.ts.
 */
import { parseAllDocuments } from 'yaml';
import { renderSynthesized } from '../main';
import { synthEnvironment } from '../main';
import { READER_TAGS } from '../lib/output/yaml11';
import { emitPlain } from '../lib/output/yaml';
import { environment, fixtureText, inlineEnvironment } from './helpers';
import type { Environment } from '../lib/config';

/** Every file of the environment as written. */
function rendered(env: Environment): Map<string, string> {
  return renderSynthesized([{ env, files: synthEnvironment(env) }], []);
}

/** The documents of a file as a YAML 1.1 reader sees them (yaml's yaml-1.1 schema plus go-yaml's and PyYAML's own forms). */
const read11 = (text: string) => parseAllDocuments(text, { version: '1.1', customTags: READER_TAGS as any }).map((d) => d.toJS());
const read12 = (text: string) => parseAllDocuments(text).map((d) => d.toJS());

/** Every file reads the same under YAML 1.1 as under 1.2; returns the files. */
function readsTheSame(env: Environment): Map<string, string> {
  const files = rendered(env);
  for (const [name, text] of files) expect([name, read11(text)]).toEqual([name, read12(text)]);
  return files;
}

/** The onprem fixture with `edit` applied to its text. */
const onpremWith = (name: string, edit: (t: string) => string) => inlineEnvironment(name, edit(fixtureText('onprem')));

describe('YAML 1.1 special forms come out quoted', () => {
  test.each([
    'on', 'off', 'On', 'OFF', 'yes', 'No', 'y', 'Y', 'n', 'N', 'true', 'False', '~', 'null', 'Null', '',
    '1_000', '0b101', '0B101', '0x1F', '0X1F', '0o17', '0O17', '017', '08', '-_1', '0_x1F', '1:20', '190:20:30', '1:20.5',
    '.inf', '-.Inf', '.NaN', '1e3', '1E-3', '1e1_0', '.5', '.5_0', '1.', '1_0.5', '2024-01-15', '2024-1-5', '2001-12-14t21:59:43.10-05:00',
    '2001-12-14 21:59:43.', '<<', '=', '2024_01_15',
  ])('%j as a value and as a key', (s) => {
    const text = emitPlain({ k: s, [s]: 'v' })!;
    expect(text).toBe(`k: ${JSON.stringify(s)}\n${JSON.stringify(s)}: v\n`);
  });

  test.each(['a', 'one', 'yess', 'nope', 'offset', '1.2.3', '1.0.0', 'v1', '1-2', 'x=1', '==', '<<<', 'Infinity', 'NaN', '2024-01', '12:30:00x', 'app.kubernetes.io/name'])(
    '%j stays plain', (s) => {
      expect(emitPlain({ k: s })).toBe(`k: ${s}\n`);
    });
});

describe('regression cases: each reads the same under YAML 1.1 as under 1.2', () => {
  test('a date-style image tag 2024_01_15: app.kubernetes.io/version stays a string on every object', () => {
    const env = onpremWith('onprem', (t) => t.replace('image: pensioen-backend:1.0.0', 'image: pensioen-backend:2024_01_15'));
    const files = readsTheSame(env);
    const all = [...files.values()].join('');
    expect(all).toContain('app.kubernetes.io/version: "2024_01_15"');
    expect(all).not.toMatch(/app\.kubernetes\.io\/version: 2024_01_15/);
  });

  test('an environment named yes: ENVIRONMENT is the string "yes"', () => {
    const files = readsTheSame(inlineEnvironment('yes', fixtureText('onprem')));
    expect(files.get('yes/10-backend.yaml')).toMatch(/- name: ENVIRONMENT\n\s+value: "yes"\n/);
  });

  test('a label key y (network.dnsPodLabels) and an annotation key y (ingress.annotations) stay the string "y"', () => {
    const env = onpremWith('onprem', (t) => t.replace('ingress:\n', 'ingress:\n  annotations: { y: "n" }\n')
      .replace('network:\n', 'network:\n  dnsPodLabels: { y: "on" }\n'));
    const files = readsTheSame(env);
    expect(files.get('onprem/40-ingress.yaml')).toContain('"y": "n"');
    expect(files.get('onprem/30-network-policies.yaml')).toContain('"y": "on"');
  });

  test('PostgreSQL parameters wal_compression: on and synchronous_commit: off are strings', () => {
    const env = onpremWith('onprem', (t) => t.replace('    apiServerPort: 6443\n', '    apiServerPort: 6443\n    parameters: { wal_compression: "on", synchronous_commit: "off" }\n'));
    const files = readsTheSame(env);
    expect(files.get('onprem/08-database.yaml')).toContain('wal_compression: "on"');
    expect(files.get('onprem/08-database.yaml')).toContain('synchronous_commit: "off"');
  });

  test('the default wal_compression of the onprem fixture is quoted', () => {
    expect(readsTheSame(environment('onprem')).get('onprem/08-database.yaml')).toContain('wal_compression: "on"');
  });

  test('50-monitoring.yaml: matchType "=" (a bare = is PyYAML\'s value tag: the file could not be loaded)', () => {
    const text = readsTheSame(environment('onprem')).get('onprem/50-monitoring.yaml')!;
    expect(text).toContain('matchType: "="');
    expect(text).not.toMatch(/matchType: =\n/);
  });
});
