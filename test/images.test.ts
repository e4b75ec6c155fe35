/**
 * Images by digest: the config rule images.requireDigest (with its documented exceptions), the pinned
 * third-party defaults as they reach the generated pods, and renovate.json's managers matching exactly the
 * image references Renovate must keep current (the regexes are run here as Renovate runs them: JavaScript
 * named groups; docs.renovatebot.com/modules/manager/regex).
 */
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { fixtureText, inlineEnvironment, objectsOf, podSpecs, ROOT } from './helpers';
import { hasDigest, imagesOf } from '../lib/config/images';

const DIGEST_A = 'a'.repeat(64);
const DIGEST_B = 'b'.repeat(64);
const merge = (a: any, b: any): any => (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(b)
  ? Object.fromEntries([...new Set([...Object.keys(a), ...Object.keys(b)])].map((k) => [k, k in b ? merge(a[k], b[k]) : a[k]]))
  : b);
/** The production fixture with these keys changed. */
const production = (change: object) => inlineEnvironment('production', YAML.stringify(merge(YAML.parse(fixtureText('production')), change)));
const ownPinned = { backend: { image: `pensioen-backend:1.0.0@sha256:${DIGEST_A}` }, frontend: { image: `pensioen-frontend:1.0.0@sha256:${DIGEST_A}` } };
const pending = (...keys: string[]) => keys.map((key) => ({ key, reason: 'no published digest verified yet' }));

describe('images.requireDigest', () => {
  test('refuses each image with a tag but no digest, naming its key', () => {
    const change = { images: { requireDigest: true }, monitoring: { postgresExporter: { image: 'quay.io/prometheuscommunity/postgres-exporter:v0.20.1' } } };
    expect(() => production(change)).toThrow(/config\/production\.yaml: backend\.image: "pensioen-backend:1\.0\.0" has no digest and images\.requireDigest is true/);
    let message = '';
    try { production(change); } catch (e: any) { message = String(e.message); }
    const keys = message.split('\n').filter((l) => l.includes('has no digest')).map((l) => l.split(': ')[1]);
    expect(keys.sort()).toEqual(['backend.image', 'frontend.image', 'monitoring.postgresExporter.image', 'redis.exporter.image']);
  });

  test('without requireDigest the same tags pass (staging, on-prem)', () => {
    expect(() => production({ images: { requireDigest: false } })).not.toThrow();
  });

  test('an exception needs a reason and a key the environment runs, and goes once the digest is there', () => {
    const keys = ['redis.exporter.image', 'monitoring.postgresExporter.image'];
    const env = production({ ...ownPinned, images: { requireDigest: true, pendingDigests: pending(...keys) } });
    expect(imagesOf(env.config).filter((i) => !hasDigest(i.ref)).map((i) => i.key).sort()).toEqual([...keys].sort());
    expect(() => production({ ...ownPinned, images: { requireDigest: true, pendingDigests: pending(...keys, 'redis.image') } }))
      .toThrow(/images\.pendingDigests\[2\]\.key: redis\.image has a digest now/);
    expect(() => production({ ...ownPinned, images: { requireDigest: true, pendingDigests: pending(...keys, 'database.cloudnativePg.imageName') } }))
      .toThrow(/images\.pendingDigests\[2\]\.key: database\.cloudnativePg\.imageName is not an image this environment runs/);
    expect(() => production({ ...ownPinned, images: { requireDigest: true, pendingDigests: [{ key: 'redis.exporter.image', reason: 'tbd' }] } }))
      .toThrow(/images\.pendingDigests\[0\]\.reason: must say in at least 10 characters/);
  });

  test('the generated pods run exactly the configured references, digests included', () => {
    const env = production({
      ...ownPinned, images: { requireDigest: true },
      redis: { exporter: { image: `docker.io/oliver006/redis_exporter:v1.76.0@sha256:${DIGEST_B}` } },
      monitoring: { postgresExporter: { image: `quay.io/prometheuscommunity/postgres-exporter:v0.20.1@sha256:${DIGEST_B}` } },
    });
    const images = podSpecs(objectsOf(env)).flatMap((p) => [...(p.spec.initContainers ?? []), ...p.spec.containers].map((c: any) => c.image as string));
    expect(images.length).toBeGreaterThan(5);
    expect(images.filter((i) => !hasDigest(i))).toEqual([]);
    expect(images).toContain(`ghcr.io/pensioen-beslissingstool/pensioen-backend:1.0.0@sha256:${DIGEST_A}`);
  });
});

test('the third-party defaults are pinned by tag and digest (Redis 7.4.11, HAProxy 3.2.24: docker-library/repo-info)', () => {
  const env = inlineEnvironment('staging', fixtureText('staging'));
  const images = podSpecs(objectsOf(env)).flatMap((p) => [...(p.spec.initContainers ?? []), ...p.spec.containers].map((c: any) => c.image as string));
  expect(images).toContain('docker.io/library/redis:7.4.11@sha256:c6eabf748fc7a61dbb5a705c78bcf3d6377b1127a97d0ce965c11c44ba46896f');
  expect(images).toContain('docker.io/library/haproxy:3.2.24@sha256:b89c23154f8c5df97f2bd06aceb69d2190ed97b46b35708edc104b659dce0eae');
  // The release label stays the human-readable tag, never the digest.
  const redis = objectsOf(env).find((o) => o.kind === 'StatefulSet' && o.metadata.name === 'redis')!;
  expect(redis.spec.template.metadata.labels['app.kubernetes.io/version']).toBe('7.4.11');
});

describe('renovate.json', () => {
  const renovate = JSON.parse(fs.readFileSync(path.join(ROOT, 'renovate.json'), 'utf8'));
  const managers = renovate.customManagers as { managerFilePatterns: string[]; matchStrings: string[] }[];
  const fileRe = (p: string) => new RegExp(p.slice(1, -1));
  const extract = (file: string, text: string) => managers
    .filter((m) => m.managerFilePatterns.some((p) => fileRe(p).test(file)))
    .flatMap((m) => m.matchStrings.flatMap((s) => [...text.matchAll(new RegExp(s, 'g'))].map((x) => x.groups!)))
    .map((g) => `${g.depName}:${g.currentValue}${g.currentDigest ? `@${g.currentDigest}` : ''}`);

  test('pins digests; never edits the generated dist/', () => {
    expect(renovate.pinDigests).toBe(true);
    expect(renovate.ignorePaths).toContain('dist/**');
  });

  test('finds every third-party image default in lib/, tag and digest, and nothing else', () => {
    const files = ['lib/redis/schema.ts', 'lib/monitoring/schema.ts', 'lib/database/schema.ts', 'lib/config/index.ts'];
    const found = files.flatMap((f) => extract(f, fs.readFileSync(path.join(ROOT, f), 'utf8')));
    expect(found.sort()).toEqual([
      'docker.io/library/haproxy:3.2.24@sha256:b89c23154f8c5df97f2bd06aceb69d2190ed97b46b35708edc104b659dce0eae',
      'docker.io/library/redis:7.4.11@sha256:c6eabf748fc7a61dbb5a705c78bcf3d6377b1127a97d0ce965c11c44ba46896f',
      'docker.io/oliver006/redis_exporter:v1.76.0',
      'docker.io/valkey/valkey:8.0.12',
      'ghcr.io/cloudnative-pg/postgresql:18.4-system-trixie',
      'quay.io/prometheuscommunity/postgres-exporter:v0.20.1',
    ]);
  });

  test('finds full image references in config/<env>.yaml, not our own images relative to `registry`', () => {
    const yaml = `backend:\n  image: pensioen-backend:1.0.0\nredis:\n  image: docker.io/library/redis:7.4.11@sha256:${DIGEST_A}\ndatabase:\n  cloudnativePg:\n    imageName: "ghcr.io/cloudnative-pg/postgresql:18.4-system-trixie"\n`;
    expect(extract('config/acceptance.yaml', yaml)).toEqual([
      `docker.io/library/redis:7.4.11@sha256:${DIGEST_A}`, 'ghcr.io/cloudnative-pg/postgresql:18.4-system-trixie',
    ]);
    expect(extract('dist/production/35-redis.yaml', yaml)).toEqual([]);
  });
});
