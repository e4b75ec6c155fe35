/**
 * Image supply chain: `images.requireDigest` makes the config refuse an image reference that has a tag but
 * no digest (a tag can be moved to other content; a digest cannot). Every image the output runs is listed
 * by `imagesOf`, with the config key it comes from, so that the rule, the docs and the tests agree on the set.
 * Renovate (renovate.json) keeps tags and digests current; see docs/security.md#images.
 */
import { z } from 'zod';
import { cacheImage } from '../redis/schema';

/** The config keys that name an image the output runs. */
export const IMAGE_KEYS = [
  'backend.image', 'frontend.image', 'redis.image', 'redis.exporter.image', 'redis.haproxy.image',
  'monitoring.postgresExporter.image', 'database.cloudnativePg.imageName',
] as const;
export type ImageKey = typeof IMAGE_KEYS[number];

const DIGEST = /@sha256:[a-f0-9]{64}$/;
export const hasDigest = (ref: string): boolean => DIGEST.test(ref);

export const imagesSchema = z.strictObject({
  requireDigest: z.boolean().default(false)
    .describe('Refuse every image reference without a digest (`name:tag@sha256:<digest>`, the tag kept for people): a tag can be re-pushed with other content, a digest cannot. Production sets it (docs/security.md#images)'),
  pendingDigests: z.array(z.strictObject({
    key: z.enum(IMAGE_KEYS).describe('The config key of the image'),
    reason: z.string().min(10, { message: 'must say in at least 10 characters why this image has no digest yet' })
      .describe('Why the digest is not known yet (e.g. "set by the release pipeline")'),
  })).default([])
    .describe('With requireDigest: images that may still run by tag alone, each with a reason; listed in docs/security.md so the gap stays visible. An image listed here that has a digest is refused (remove it from the list)'),
}).prefault({}).describe('Image references: digests required, and the documented exceptions (docs/security.md#images)');

/** Every image the environment runs, with its config key (images of disabled parts left out). */
export function imagesOf(c: any): { key: ImageKey; path: string[]; ref: string }[] {
  const out: { key: ImageKey; path: string[]; ref: string }[] = [];
  const add = (key: ImageKey, ref: unknown) => { if (typeof ref === 'string') out.push({ key, path: key.split('.'), ref }); };
  add('backend.image', c.backend?.image);
  add('frontend.image', c.frontend?.image);
  const r = c.redis ?? {};
  if (r.mode === 'managed') {
    if (r.managed?.metrics !== 'cloud') add('redis.exporter.image', r.exporter?.image);
  } else {
    add('redis.image', typeof r.engine === 'string' ? cacheImage(r) : r.image);
    add('redis.exporter.image', r.exporter?.image);
    add('redis.haproxy.image', r.haproxy?.image);
  }
  const mode = c.database?.mode;
  if (mode === 'cloudnative-pg') add('database.cloudnativePg.imageName', c.database?.cloudnativePg?.imageName);
  else if (c.monitoring?.postgresExporter?.enabled !== false) add('monitoring.postgresExporter.image', c.monitoring?.postgresExporter?.image);
  return out;
}

type Ctx = z.core.$RefinementCtx<any>;

/** images.requireDigest: every image has a digest, or is a listed exception with a reason. */
export function refineImages(c: any, ctx: Ctx): void {
  const img = c.images;
  if (!img) return;
  const pending = new Map<string, number>();
  (img.pendingDigests ?? []).forEach((p: { key: string }, i: number) => {
    if (pending.has(p.key)) ctx.addIssue({ code: 'custom', path: ['images', 'pendingDigests', i, 'key'], message: `"${p.key}" is listed twice` });
    pending.set(p.key, i);
  });
  const images = imagesOf(c);
  for (const { key, path, ref } of images) {
    if (hasDigest(ref)) {
      if (pending.has(key)) {
        ctx.addIssue({ code: 'custom', path: ['images', 'pendingDigests', pending.get(key)!, 'key'], message: `${key} has a digest now ("${ref}"): remove it from images.pendingDigests` });
      }
    } else if (img.requireDigest && !pending.has(key)) {
      ctx.addIssue({
        code: 'custom', path,
        message: `"${ref}" has no digest and images.requireDigest is true: a tag can be re-pushed with other content (allowed: name:tag@sha256:<64 hex digits> with the digest the registry reports for that tag, or an entry in images.pendingDigests with a reason)`,
      });
    }
  }
  for (const [key, i] of pending) {
    if (!images.some((x) => x.key === key)) {
      ctx.addIssue({ code: 'custom', path: ['images', 'pendingDigests', i, 'key'], message: `${key} is not an image this environment runs (allowed: ${images.map((x) => x.key).join(', ')})` });
    }
  }
}
