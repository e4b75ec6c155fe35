/**
 * The output as the real YAML 1.1 readers read it (test/yaml-readers.ts): kubectl (go-yaml v2, as Argo CD and
 * the API server) and PyYAML read every file of every fixture environment and of the committed dist/ exactly
 * as the gate does; and over a corpus of every YAML 1.1 special form, whatever either reader takes for
 * anything but the string is something the emitter quotes (lib/output/yaml11.ts), and what the emitter writes
 * reads back as the same string in both.
 */
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { renderSynthesized, synthEnvironment } from '../lib/pipeline';
import { emitPlain } from '../lib/output/yaml';
import { notAStringIn11 } from '../lib/output/yaml11';
import { readTree } from '../lib/output/write';
import { yaml11TreeFindings } from '../lib/validate';
import { environment, environments, fixtureText, inlineEnvironment, ROOT } from './helpers';
import { FRAGMENTS } from './yaml-corpus';
import { kubectlRead, kubectlReadEach, pyyamlRead } from './yaml-readers';

/** The gate's reading (YAML 1.2; the gate refuses a file whose YAML 1.1 reading differs): the non-empty documents. */
const gateRead = (text: string) => parseAllDocuments(text).map((d) => d.toJS()).filter((o) => o !== null);

/** Every file reads the same in kubectl and PyYAML as in the gate. */
function expectReadersAgree(files: Map<string, string>): void {
  const names = [...files.keys()].filter((f) => f.endsWith('.yaml'));
  expect(names.length).toBeGreaterThan(5);
  const py = pyyamlRead(names.map((n) => files.get(n)!));
  const ks = kubectlReadEach(names.map((n) => files.get(n)!), names.map((n) => gateRead(files.get(n)!).length));
  names.forEach((name, i) => {
    const text = files.get(name)!;
    const want = gateRead(text);
    const k = ks[i];
    expect([name, k.error]).toEqual([name, undefined]);
    expect([name, k.objects]).toEqual([name, want]);
    expect([name, py[i].error]).toEqual([name, undefined]);
    expect([name, py[i].docs!.filter((o) => o !== null)]).toEqual([name, want]);
  });
}

const fixtureFiles = () => {
  const synthesized = environments().map((env) => ({ env, files: synthEnvironment(env) }));
  return renderSynthesized(synthesized);
};

test('every file of every fixture environment (and their argocd/) reads the same in kubectl and PyYAML as in the gate', () => {
  expectReadersAgree(fixtureFiles());
});

test('every file of the committed dist/ reads the same in kubectl and PyYAML as in the gate', () => {
  expectReadersAgree(readTree(path.join(ROOT, 'dist')));
});

test('the cases of the hostile-input review (image tag 2024_01_15, an environment named yes, a label and an annotation key y, synchronous_commit: off) read as meant in kubectl and PyYAML', () => {
  const env = inlineEnvironment('yes', fixtureText('onprem')
    .replace('image: pensioen-backend:1.0.0', 'image: pensioen-backend:2024_01_15')
    .replace('ingress:\n', 'ingress:\n  annotations: { y: "n" }\n')
    .replace('network:\n', 'network:\n  dnsPodLabels: { y: "on" }\n')
    .replace('    apiServerPort: 6443\n', '    apiServerPort: 6443\n    parameters: { wal_compression: "on", synchronous_commit: "off" }\n'));
  const files = renderSynthesized([{ env, files: synthEnvironment(env) }], []);
  expectReadersAgree(files);
  const objs = kubectlRead([...files.values()].join('')).objects as any[];
  const backend = objs.find((o) => o.kind === 'Deployment' && o.metadata.name === 'backend');
  expect(backend.metadata.labels['app.kubernetes.io/version']).toBe('2024_01_15');
  expect(backend.spec.template.spec.containers[0].env).toContainEqual({ name: 'ENVIRONMENT', value: 'yes' });
  expect(objs.find((o) => o.kind === 'Cluster').spec.postgresql.parameters).toMatchObject({ wal_compression: 'on', synchronous_commit: 'off' });
  expect(objs.filter((o) => o.kind === 'Ingress').every((o) => o.metadata.annotations.y === 'n')).toBe(true);
  expect(JSON.stringify(objs.filter((o) => o.kind === 'NetworkPolicy'))).toContain('"y":"on"');
});

test('the unquoted wal_compression: on of the earlier onprem output: kubectl reads true, PyYAML True, and the gate refuses it', () => {
  const env = environment('onprem');
  const text = renderSynthesized([{ env, files: synthEnvironment(env) }], []).get('onprem/08-database.yaml')!.replace('wal_compression: "on"', 'wal_compression: on');
  const cluster = (objs: any[]) => objs.find((o) => o?.kind === 'Cluster');
  expect(cluster(kubectlRead(text).objects!).spec.postgresql.parameters.wal_compression).toBe(true);
  expect(cluster(pyyamlRead([text])[0].docs!).spec.postgresql.parameters.wal_compression).toBe(true);
  expect(yaml11TreeFindings(new Map([['onprem/08-database.yaml', text]]), [env]).map((f) => f.configKey)).toEqual(['database.cloudnativePg.parameters.wal_compression']);
});

// Every YAML 1.1 special form and its near misses: booleans in every case, null, ints in every base with signs
// and underscores where go-yaml (which drops every `_`) and PyYAML put them, base 60, floats, .inf/.nan, dates
// and timestamps, the merge key and PyYAML's value `=`.
const cases = (w: string) => {
  const out = new Set<string>();
  const n = 1 << w.length;
  for (let m = 0; m < n; m++) out.add([...w].map((c, i) => (m & (1 << i) ? c.toUpperCase() : c)).join(''));
  return [...out];
};
const NUMBERISH = [
  '0', '00', '1', '12', '017', '08', '09', '0b101', '0B101', '0b2', '0x1F', '0X1f', '0xg', '0o17', '0O17', '0o8', '1_000', '1__', '_1', '1_',
  '0_x1F', '0x_1F', '0b_1', '0o_7', '1e3', '1E3', '1e+3', '1e-3', '1.e3', '1.0e+3', '.5', '.5e3', '.5_0', '._5', '1.5', '1.', '1_0.5', '1e1_0',
  '1:20', '1:20.5', '190:20:30', '1:60', '1_0:2_0', '0:1', '1.2.3', '1.0.0', '1-2', '0xFFFFFFFFFFFFFFFFFFFF', '99999999999999999999999',
  '18446744073709551615', '9223372036854775808', '0o', '0x', '0b', '1e', 'e3', '.', '.e1',
];
const FORMS = [...new Set([
  ...['y', 'n', 'yes', 'no', 'on', 'off', 'true', 'false', 'null', 'nan', 'inf'].flatMap(cases),
  '~', '=', '==', '<<', '<<<', '.inf', '.Inf', '.INF', '.iNf', '+.inf', '-.inf', '-.Inf', '.nan', '.NaN', '.NAN', '.nAn', 'Infinity', 'NaN',
  ...NUMBERISH.flatMap((s) => [s, `+${s}`, `-${s}`]),
  '2024-01-15', '2024-1-5', '2024-01-15T10:00:00Z', '2024-01-15t10:00:00.5+01:00', '2024-01-15 10:00:00', '2024-01-15  10:00:00 -5',
  '2001-12-14 21:59:43.', '2001-12-14T21:59:43.10+39', '2024-01', '20240115', '2024_01_15', '2024-01-15x', '12:30:00', '12:30:00.5',
  ...FRAGMENTS.filter((f) => f.length > 0 && !/[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff]/.test(f)),
])];

/** A document per form with the form plain (unquoted) as a value and as a key, for the forms YAML 1.2 reads plain as that string. */
function plainDocs(): { form: string; text: string }[] {
  return FORMS.filter((f) => {
    const t = `k: ${f}\n`;
    const d = parseAllDocuments(t);
    return d.length === 1 && d[0].errors.length === 0 && (d[0].toJS() as any)?.k === f && (d[0].contents as any).items[0].value.type === 'PLAIN';
  }).map((form) => ({ form, text: `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  k: ${form}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  ${form}: v\n` }));
}

test('corpus: what kubectl or PyYAML reads as anything but the string, the emitter quotes (value and key)', () => {
  const docs = plainDocs();
  expect(docs.length).toBeGreaterThan(200);
  const py = pyyamlRead(docs.map((d) => d.text));
  const ks = kubectlReadEach(docs.map((d) => d.text), docs.map(() => 2));
  const misread: string[] = [];
  const missed: string[] = [];
  docs.forEach(({ form }, i) => {
    const k = ks[i];
    const byKubectl = k.error !== undefined || (k.objects![0] as any).data.k !== form || !(form in (k.objects![1] as any).data);
    const p = py[i];
    const byPy = p.error !== undefined || (p.docs![0] as any).data.k !== form || !(form in (p.docs![1] as any).data);
    if (byKubectl || byPy) {
      misread.push(form);
      if (!notAStringIn11(form)) missed.push(`${JSON.stringify(form)} (${byKubectl ? `kubectl: ${k.error ?? JSON.stringify((k.objects![0] as any).data.k)}` : ''}${byPy ? ` PyYAML: ${p.error ?? JSON.stringify((p.docs![0] as any).data.k)}` : ''})`);
    }
  });
  expect(missed).toEqual([]);
  // the corpus does hold the forms of the issue, and each reader misreads some
  for (const f of ['on', 'OFF', 'y', 'N', 'yes', '1_000', '0b101', '0X1F', '0O17', '2024_01_15', '=', '<<', '1:20', '2024-01-15']) expect(misread).toContain(f);
});

test('corpus: every form written by the emitter (quoted or not) reads back as the same string in kubectl and PyYAML, as a value and as a key', () => {
  const forms = [...FORMS, '', ' ', 'a: b', '# x', '- x', '? x', 'x #y', '"', "'", '\\', 'line\nbreak', 'trail\n'];
  // one ConfigMap per 50 forms: data maps k<i> to the form, and annotations map the form to "v"
  const chunks: string[][] = [];
  for (let i = 0; i < forms.length; i += 50) chunks.push(forms.slice(i, i + 50));
  const texts = chunks.map((chunk, c) => emitPlain({
    apiVersion: 'v1', kind: 'ConfigMap',
    metadata: { name: `c${c}`, annotations: Object.fromEntries(chunk.map((f) => [f, 'v'])) },
    data: Object.fromEntries(chunk.map((f, i) => [`k${i}`, f])),
  })!);
  const py = pyyamlRead(texts);
  chunks.forEach((chunk, c) => {
    const want = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `c${c}`, annotations: Object.fromEntries(chunk.map((f) => [f, 'v'])) }, data: Object.fromEntries(chunk.map((f, i) => [`k${i}`, f])) };
    const k = kubectlRead(texts[c]);
    expect(k.error).toBeUndefined();
    expect(k.objects).toEqual([want]);
    expect(py[c].error).toBeUndefined();
    expect(py[c].docs).toEqual([want]);
  });
});
