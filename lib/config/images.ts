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
  signaturePolicy: z.strictObject({
    enabled: z.boolean().default(false)
      .describe('Generate a sigstore policy-controller ClusterImagePolicy (`<instance>-signed-images`) for our own images and label the namespace `policy.sigstore.dev/include: "true"` so the controller enforces it (docs/security.md, "Signature policy")'),
    mode: z.enum(['enforce', 'warn']).default('enforce').describe('enforce: an unsigned backend or frontend image is refused; warn: admitted with a warning'),
    images: z.array(z.enum(['backend.image', 'frontend.image'])).min(1).default(['backend.image', 'frontend.image'])
      .describe('Which of our images must be signed (the third-party images are not cosign-signed by their publishers)'),
    key: z.string().regex(/^[A-Za-z0-9+/]{40,}={0,2}$/, { message: 'must be the base64 body of the PEM public key on one line (the lines between -----BEGIN PUBLIC KEY----- and -----END PUBLIC KEY-----, joined)' }).optional()
      .describe('The release pipeline\'s cosign public key (`cosign.pub`): the base64 between its BEGIN and END lines, joined into one line; the policy carries it as PEM'),
    keyless: z.strictObject({
      issuer: z.url().describe('OIDC issuer of the signing identity, e.g. https://token.actions.githubusercontent.com'),
      subjectRegExp: z.string().min(1).describe('Regular expression the certificate\'s subject (the workflow identity) must match, anchored: ^https://github.com/org/repo/\\.github/workflows/release\\.yml@refs/tags/.*$'),
      fulcioUrl: z.url().default('https://fulcio.sigstore.dev').describe('Fulcio (the keyless CA)'),
    }).optional().describe('Keyless (Fulcio) signatures of a CI identity, checked against the public Rekor log'),
  }).prefault({}).superRefine((s, ctx) => {
    if (s.enabled && (s.key === undefined) === (s.keyless === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['key'], message: 'exactly one of key and keyless is required with enabled: true (allowed: the release key\'s public key, or keyless: {issuer, subjectRegExp})' });
    }
    if (s.keyless) {
      try { new RegExp(s.keyless.subjectRegExp); } catch { ctx.addIssue({ code: 'custom', path: ['keyless', 'subjectRegExp'], message: 'is not a regular expression' }); }
      if (!/^\^.*\$$/.test(s.keyless.subjectRegExp)) ctx.addIssue({ code: 'custom', path: ['keyless', 'subjectRegExp'], message: 'must be anchored (^...$): an unanchored pattern accepts any identity that merely contains it' });
    }
  }).describe('Image signature policy (sigstore policy-controller), off by default'),
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
