/**
 * YAML as the cluster reads it: kubectl, Argo CD and the API server read YAML 1.1 (go-yaml v2), Ansible and
 * pre-commit PyYAML. A config string that a 1.1 reader resolves to a boolean, number, null, date, merge key or
 * `=` must come out quoted, keys included. The real readers judge the same cases in yaml11.tools.test.ts.
 */
import { parseAllDocuments, stringify } from 'yaml';
import { renderSynthesized, synthEnvironment } from '../lib/pipeline';
import { YAML11_PARSE_OPTIONS } from '../lib/output/yaml11';
import { emitPlain, toYamlDocument } from '../lib/output/yaml';
import { formatFinding, validateTree, yaml11TreeFindings } from '../lib/validate';
import { lexerMayDiffer, mayDifferIn11, quickMayDiffer, yaml11Findings } from '../lib/validate/yaml11';
import { prng, randomString, randomValue } from './yaml-corpus';
import { environment, environments, fixtureText, inlineEnvironment } from './helpers';
import type { Environment } from '../lib/config';

/** Every file of the environment as written. */
function rendered(env: Environment): Map<string, string> {
  return renderSynthesized([{ env, files: synthEnvironment(env) }], []);
}

/** The documents of a file as a YAML 1.1 reader sees them (yaml's yaml-1.1 schema plus go-yaml's and PyYAML's own forms). */
const read11 = (text: string) => parseAllDocuments(text, YAML11_PARSE_OPTIONS as any).map((d) => d.toJS());
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
    '2001-12-14 21:59:43.', '<<', '=', '2024_01_15', '._',
  ])('%j as a value and as a key', (s) => {
    const text = emitPlain({ k: s, [s]: 'v' })!;
    expect(text).toBe(`k: ${JSON.stringify(s)}\n${JSON.stringify(s)}: v\n`);
  });

  test.each(['e8', 'E5', '.', '+.', 'a', 'one', 'yess', 'nope', 'offset', '1.2.3', '1.0.0', 'v1', '1-2', 'x=1', '==', '<<<', 'Infinity', 'NaN', '2024-01', '12:30:00x', 'app.kubernetes.io/name'])(
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

/** What an emitter that quotes only for YAML 1.2 wrote (the output before the emitter knew YAML 1.1). */
function renderedFor12Only(env: Environment): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of synthEnvironment(env)) out.set(f.path, f.objects.map((o) => `---\n${stringify(o, { lineWidth: 0, minContentWidth: 0, indentSeq: true })}`).join(''));
  return out;
}

describe('the gate reads every file as YAML 1.1 too and refuses any difference, naming the object path and config key', () => {
  const lines = (files: Map<string, string>, env: Environment) => yaml11TreeFindings(files, [env]).map(formatFinding);

  test('the output of every fixture reads the same (and the quick lexer pass finds nothing to look at closely)', () => {
    for (const env of environments()) {
      const files = rendered(env);
      expect(yaml11TreeFindings(files, [env])).toEqual([]);
      for (const [name, text] of files) expect([name, mayDifferIn11(text)]).toEqual([name, false]);
    }
  });

  test('wal_compression: on unquoted (the onprem output as it was committed) is refused on the Cluster', () => {
    const env = environment('onprem');
    const text = rendered(env).get('onprem/08-database.yaml')!.replace('wal_compression: "on"', 'wal_compression: on');
    expect(lines(new Map([['onprem/08-database.yaml', text]]), env)).toEqual([
      'onprem: Cluster/pensioen/pensioen-db: yaml-1.1: onprem/08-database.yaml (document 2): spec.postgresql.parameters.wal_compression: "on" in YAML 1.2 reads as the boolean true in YAML 1.1 (kubectl, Argo CD, the API server; PyYAML): it must be quoted (config key: database.cloudnativePg.parameters.wal_compression)',
    ]);
  });

  test('npm run validate refuses it too (validateTree), beside the other gate rules', () => {
    const env = environment('onprem');
    const files = rendered(env);
    files.set('onprem/08-database.yaml', files.get('onprem/08-database.yaml')!.replace('wal_compression: "on"', 'wal_compression: on'));
    const found = validateTree(files, [env]).filter((f) => f.rule === 'yaml-1.1');
    expect(found.map((f) => [f.kind, f.name, f.configKey])).toEqual([['Cluster', 'pensioen-db', 'database.cloudnativePg.parameters.wal_compression']]);
  });

  test('a bare = (matchType in 50-monitoring.yaml) is refused: PyYAML cannot load it', () => {
    const env = environment('onprem');
    const text = rendered(env).get('onprem/50-monitoring.yaml')!.replace(/matchType: "="/g, 'matchType: =');
    const found = lines(new Map([['onprem/50-monitoring.yaml', text]]), env);
    expect(found.length).toBeGreaterThan(0);
    for (const l of found) expect(l).toMatch(/matchType: "=" in YAML 1\.2 reads as PyYAML's value tag \(PyYAML cannot load the file\)/);
  });

  test('the issue\'s cases, written by a YAML 1.2-only emitter, are each refused with the config key', () => {
    const env = onpremWith('yes', (t) => t.replace('image: pensioen-backend:1.0.0', 'image: pensioen-backend:2024_01_15')
      .replace('ingress:\n', 'ingress:\n  annotations: { y: "n" }\n')
      .replace('    apiServerPort: 6443\n', '    apiServerPort: 6443\n    parameters: { synchronous_commit: "off" }\n'));
    const found = yaml11TreeFindings(renderedFor12Only(env), [env]);
    const about = (re: RegExp) => found.filter((f) => re.test(f.message));
    // the release version label on every object of the backend (its value is the image tag)
    const version = about(/app\.kubernetes\.io\/version"\]: "2024_01_15" in YAML 1\.2 reads as the number 20240115/);
    expect(version.length).toBeGreaterThan(5);
    expect(version[0].configKey).toBe('backend.image (its tag)');
    expect(about(/- name: ENVIRONMENT|env\[\d+\]\.value: "yes" in YAML 1\.2 reads as the boolean true/)[0].configKey).toBe('the environment name (the config file name)');
    expect(about(/annotations\.y: the key "y" reads as "true"/)[0]).toMatchObject({ kind: 'Ingress', configKey: 'ingress.annotations.y' });
    expect(about(/parameters\.synchronous_commit: "off" in YAML 1\.2 reads as the boolean false/)[0]).toMatchObject({ kind: 'Cluster', configKey: 'database.cloudnativePg.parameters.synchronous_commit' });
  });

  test('a merge key, a date, a base-60 number, Go-only numbers and tags are each a difference', () => {
    const obj = (body: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n${body}`;
    const cases: [string, RegExp][] = [
      ['  a: 2024-01-15\n', /data\.a: "2024-01-15" in YAML 1\.2 reads as a timestamp/],
      ['  a: 1:20\n', /data\.a: "1:20" in YAML 1\.2 reads as the number 80/],
      ['  a: 0O17\n', /data\.a: "0O17" in YAML 1\.2 reads as the number 15/],
      ['  a: 1e1_0\n', /data\.a: "1e1_0" in YAML 1\.2 reads as the number 10000000000/],
      ['  a: 0b101\n', /data\.a: "0b101" in YAML 1\.2 reads as the number 5/],
      ['  a: ~\n  b: Off\n', /data\.b: "Off" in YAML 1\.2 reads as the boolean false/],
      ['  n: x\n', /data\.n: the key "n" reads as "false"/],
      ['  b: &m {x: "1"}\n  c:\n    <<: *m\n', /data\.c\.<<|data\.c\["<<"\]: the key "<<" is a merge key/],
    ];
    for (const [body, re] of cases) {
      const found = yaml11Findings(obj(body), 'x.yaml').map((f) => f.message);
      expect([body, found.some((m) => re.test(m))]).toEqual([body, true]);
    }
    // and what reads the same stays silent: quoted forms, plain decimals, true/false/null
    expect(yaml11Findings(obj('  a: "on"\n  b: \'2024-01-15\'\n  c: "="\n  "y": "1_000"\n'), 'x.yaml')).toEqual([]);
    expect(yaml11Findings('a: 1\nb: -2.5\nc: true\nd: null\ne: [0, 10]\n', 'x.yaml')).toEqual([]);
    // `yaml`'s own 1.1 schema takes these for floats; no real reader does (the tools lane proves it): no finding
    expect(yaml11Findings('a: e8\nb: .\nc: +.\nd: E5\n', 'x.yaml')).toEqual([]);
  });
});

describe('the quick scan of mayDifferIn11 answers as the yaml lexer does, or steps aside', () => {
  const emit12 = (v: unknown) => stringify(v, { lineWidth: 0, minContentWidth: 0, indentSeq: true });
  /** The quick scan's answer where it gives one; every answer must be the lexer's. */
  const check = (text: string): boolean | undefined => {
    const quick = quickMayDiffer(text);
    if (quick !== undefined) expect([text, quick]).toEqual([text, lexerMayDiffer(text)]);
    return quick;
  };

  test('every fixture file is taken by the scan, with the lexer\'s answer', () => {
    for (const env of environments()) {
      for (const [name, text] of rendered(env)) expect([name, check(text)]).toEqual([name, false]);
    }
  });

  test('generated documents, written by the emitter and by a YAML 1.2-only writer (unquoted 1.1 forms), and every line edit of them', () => {
    const r = prng(2511);
    const written = { taken: 0, true: 0, aside: 0 };
    const edited = { taken: 0, true: 0, aside: 0 };
    const count = (q: boolean | undefined, answers = written) => { if (q === undefined) answers.aside++; else { answers.taken++; if (q) answers.true++; } };
    const edits: ((lines: string[], i: number) => void)[] = [
      (l, i) => { l[i] = ` ${l[i]}`; }, // indent deeper: a continuation, a bad indentation
      (l, i) => { l[i] = l[i].replace(/^ {1,2}/, ''); },
      (l, i) => { l[i] = `${l[i]} # note`; },
      (l, i) => { l.splice(i, 0, ''); },
      (l, i) => { l.splice(i, 0, '# a comment'); },
      (l, i) => { l[i] = l[i].replace(': ', ':  '); },
      (l, i) => { l[i] = l[i].replace(/"/, ''); },
      (l, i) => { l[i] = l[i].replace(/- /, '-'); },
      (l, i) => { l[i] = `${l[i]}: x`; },
      (l, i) => { l[i] = l[i].replace(/\S+$/, (w) => ['on', 'y', '1_000', '&a x', '*a', '!!str x', '[a, b]', '{a: 1}', '|', '>', "'x", '...'][Math.floor(r() * 12)] ?? w); },
    ];
    for (let i = 0; i < 400; i++) {
      const doc = r() < 0.5 ? randomValue(r, 5) : { apiVersion: 'v1', kind: 'ConfigMap', data: randomValue(r, 4) };
      if (doc === null || typeof doc !== 'object') continue;
      for (const emit of [toYamlDocument, emit12]) {
        const text = `# header\n---\n${emit(doc)}---\n${emit({ k: doc })}`;
        count(check(text));
        const lines = text.split('\n');
        for (let e = 0; e < 3; e++) {
          const copy = [...lines];
          edits[Math.floor(r() * edits.length)](copy, 2 + Math.floor(r() * (copy.length - 3)));
          count(check(copy.join('\n')), edited);
        }
      }
    }
    // the scan takes most written texts and many edited ones, and finds suspicious scalars in both (the 1.2-only writer's)
    expect(written.taken).toBeGreaterThan(written.aside);
    expect(edited.taken).toBeGreaterThan(200);
    expect(written.true + edited.true).toBeGreaterThan(40);
  });

  test('every scalar style of the emitter, as key and value at several depths', () => {
    const r = prng(17);
    let taken = 0;
    for (let i = 0; i < 600; i++) {
      const s = randomString(r);
      const doc = { k: s, [s]: 'v', l: [s], a: [s, { b: s }], n: [[s]], d: { b: { [s]: [s] } } };
      for (const text of [toYamlDocument(doc), emit12(doc)]) if (check(`---\n${text}`) !== undefined) taken++;
    }
    expect(taken).toBeGreaterThan(300);
  });

  test.each([
    ['a multi-line plain scalar', 'a: b\n  on\n'],
    ['a comment after content', 'a: b\n# on\nc: d\n'],
    ['a blank line', 'a: b\n\nc: on\n'],
    ['a flow collection', 'a: [on, off]\n'],
    ['an anchor and an alias', 'a: &x b\nc: *x\n'],
    ['a tag', 'a: !!str on\n'],
    ['a folded block', 'a: >\n  on\n'],
    ['an explicit indentation indicator', 'a: |2\n   on\n'],
    ['a multi-line quoted scalar', 'a: "b\n  on"\n'],
    ['a tab', 'a:\tb\n'],
    ['a document end', 'a: b\n...\n'],
    ['a comment after a value', 'a: b # on\n'],
  ])('%s: the lexer reads it', (_what, text) => {
    expect(quickMayDiffer(text)).toBeUndefined();
  });

  test('plain keys and values the 1.1 readers read otherwise are found; quoted ones and block content are not', () => {
    expect(quickMayDiffer('---\na: on\n')).toBe(true);
    expect(quickMayDiffer('---\n- y: b\n')).toBe(true);
    expect(quickMayDiffer('---\na:\n  - - 0b101\n')).toBe(true);
    expect(quickMayDiffer('---\na: "on"\n"y": b\nc: |\n  on\n  y: 1_000\nd: -1\ne: []\n')).toBe(false);
  });
});
