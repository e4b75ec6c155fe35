/**
 * The image signature policy (images.signaturePolicy): off by default; on, a sigstore policy-controller
 * ClusterImagePolicy for the backend and frontend images with the release key or keyless identity, and the
 * namespace label the controller's webhook selects on. The objects pass the pinned policy-controller v0.15.1 CRD
 * in the gate; the globs are matched as policy-controller matches them (pkg/apis/glob/glob.go, ported below) against
 * the image references the pods really run.
 */
import { parse, stringify } from 'yaml';
import { configProblems, find, fixtureText, inlineEnvironment, objectsOf } from './helpers';
import { allFindings, contextOf, formatFinding } from '../lib/validate';

/** A stand-in public key body (valid base64, 120 characters: two PEM lines of 64 and 56). */
const KEY = 'AB'.repeat(60);
const PEM = ['-----BEGIN PUBLIC KEY-----', KEY.slice(0, 64), KEY.slice(64), '-----END PUBLIC KEY-----', ''].join('\n');

/** policy-controller's glob.Compile: `**` any characters, `*` any but "/", anchored. */
function globMatch(glob: string, image: string): boolean {
  const re = glob.replace(/\./g, '\\.').replace(/\*\*/g, '#').replace(/\*/g, '[^/]*').replace(/#/g, '.*');
  // name.ParseReference(...).Name(): repo@digest for a digest reference (the tag dropped), repo:tag otherwise.
  const at = image.indexOf('@');
  const name = at >= 0 ? `${image.slice(0, at).replace(/:[^/:]+$/, '')}${image.slice(at)}` : /:[^/]+$/.test(image) ? image : `${image}:latest`;
  return new RegExp(`^${re}$`).test(name);
}

const env = (edit: (doc: Record<string, any>) => void) => {
  const doc = parse(fixtureText('production'));
  edit(doc);
  return inlineEnvironment('production', stringify(doc));
};
const withPolicy = (policy: Record<string, unknown>) => env((d) => { d.images = { ...d.images, signaturePolicy: policy }; });

test('off by default: no ClusterImagePolicy, no opt-in label', () => {
  for (const name of ['production', 'staging', 'onprem']) {
    const objects = objectsOf(name);
    expect(objects.filter((o) => o.kind === 'ClusterImagePolicy')).toEqual([]);
    expect(objects.find((o) => o.kind === 'Namespace')!.metadata.labels).not.toHaveProperty('policy.sigstore.dev/include');
  }
});

describe('with the release key', () => {
  const e = withPolicy({ enabled: true, key: KEY });
  const objects = objectsOf(e);
  const policy = find(objects, 'ClusterImagePolicy', 'pensioen-production-signed-images');

  test('the policy: our two repositories, the key, enforce; the namespace opts in; the gate accepts it against the pinned CRD', () => {
    expect(policy.apiVersion).toBe('policy.sigstore.dev/v1beta1');
    expect(policy.spec.mode).toBe('enforce');
    expect(policy.spec.authorities).toEqual([{ name: 'release-key', key: { data: PEM, hashAlgorithm: 'sha256' } }]);
    expect(find(objects, 'Namespace', 'pensioen').metadata.labels['policy.sigstore.dev/include']).toBe('true');
    const clean = objects.map(({ __file, ...o }) => o);
    expect(allFindings(clean as any, contextOf(e)).map(formatFinding)).toEqual([]);
  });

  test('the globs cover exactly what the backend and frontend pods run (tag or digest), nothing that only starts alike', () => {
    const globs = policy.spec.images.map((i: any) => i.glob);
    const running = objects.filter((o) => o.kind === 'Deployment' && ['backend', 'frontend'].includes(o.metadata.name))
      .map((o) => o.spec.template.spec.containers[0].image);
    expect(running.length).toBe(2);
    for (const image of running) expect([image, globs.some((g: string) => globMatch(g, image))]).toEqual([image, true]);
    const repo = running[0].split(':')[0];
    for (const other of [`${repo}-evil:1.0.0`, `${repo}x@sha256:${'a'.repeat(64)}`, 'docker.io/library/redis:7.4.11', `evil.example/${repo}:1`]) {
      expect([other, globs.some((g: string) => globMatch(g, other))]).toEqual([other, false]);
    }
    expect(globs.some((g: string) => globMatch(g, `${repo}:2.0.0@sha256:${'b'.repeat(64)}`))).toBe(true);
  });
});

test('keyless, warn, the backend only: the policy follows the config', () => {
  const objects = objectsOf(withPolicy({ enabled: true, mode: 'warn', images: ['backend.image'], keyless: { issuer: 'https://token.actions.githubusercontent.com', subjectRegExp: '^https://github\\.com/pensioen/backend/\\.github/workflows/release\\.yml@refs/tags/.*$' } }));
  const policy = find(objects, 'ClusterImagePolicy', 'pensioen-production-signed-images');
  expect(policy.spec.mode).toBe('warn');
  expect(policy.spec.images.every((i: any) => i.glob.includes('pensioen-backend'))).toBe(true);
  expect(policy.spec.authorities).toEqual([{ name: 'release-identity', keyless: { url: 'https://fulcio.sigstore.dev', identities: [{ issuer: 'https://token.actions.githubusercontent.com', subjectRegExp: '^https://github\\.com/pensioen/backend/\\.github/workflows/release\\.yml@refs/tags/.*$' }] } }]);
});

test('enabled needs exactly one of key and keyless; an unanchored identity is refused', () => {
  const problems = (policy: Record<string, unknown>) => {
    const doc = parse(fixtureText('production'));
    doc.images = { ...doc.images, signaturePolicy: policy };
    return configProblems(stringify(doc));
  };
  expect(problems({ enabled: true })).toEqual(['config/x.yaml: images.signaturePolicy.key: exactly one of key and keyless is required with enabled: true (allowed: the release key\'s public key, or keyless: {issuer, subjectRegExp})']);
  expect(problems({ enabled: true, key: KEY, keyless: { issuer: 'https://x.example', subjectRegExp: '^a$' } })).toHaveLength(1);
  expect(problems({ enabled: true, keyless: { issuer: 'https://x.example', subjectRegExp: 'release.yml' } })).toEqual(['config/x.yaml: images.signaturePolicy.keyless.subjectRegExp: must be anchored (^...$): an unanchored pattern accepts any identity that merely contains it']);
  expect(problems({ enabled: false })).toEqual([]);
});
