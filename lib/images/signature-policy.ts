/**
 * The image signature policy (`images.signaturePolicy`): a sigstore policy-controller ClusterImagePolicy for our
 * own images (the backend and frontend, `<registry>/<name>`: any tag or digest) with the release pipeline's cosign
 * key or its keyless (Fulcio) identity. The controller only looks at namespaces labelled
 * `policy.sigstore.dev/include: "true"` (its webhook's namespaceSelector), so the Namespace gets that label with
 * the policy. Schema: the pinned policy-controller v0.15.1 CRD (crds/policy.sigstore.dev_clusterimagepolicies.yaml).
 */
import type { ClusterImagePolicyV1Beta1Spec } from '../../imports/sigstore-clusterimagepolicies-policy.sigstore.dev';
import type { Environment } from '../config';

export const SIGSTORE_INCLUDE_LABEL = 'policy.sigstore.dev/include';

/** The repository part of an image reference (no tag, no digest). */
export function repositoryOf(ref: string): string {
  const noDigest = ref.split('@')[0];
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  return colon > slash ? noDigest.slice(0, colon) : noDigest;
}

/** A public key's PEM from its base64 body (64 characters a line, as OpenSSL and cosign write it). */
export function pem(base64: string): string {
  return ['-----BEGIN PUBLIC KEY-----', ...(base64.match(/.{1,64}/g) ?? []), '-----END PUBLIC KEY-----', ''].join('\n');
}

/** The policy's name and spec, or undefined when it is off. */
/** A ClusterImagePolicy's name and spec. */
export interface SignaturePolicy { readonly name: string; readonly spec: ClusterImagePolicyV1Beta1Spec }

export function signaturePolicy(env: Environment): SignaturePolicy | undefined {
  const c = env.config;
  const s = c.images.signaturePolicy;
  if (!s.enabled) return undefined;
  const refs = s.images.map((k) => `${c.registry}/${k === 'backend.image' ? c.backend.image : c.frontend.image}`);
  // `repo:**` any tag (and a tag with a digest), `repo@**` a digest alone: never another repository that only
  // starts with the same name (policy-controller's glob: `*` stops at "/", `**` does not).
  const images = [...new Set(refs.map(repositoryOf))].flatMap((r) => [{ glob: `${r}:**` }, { glob: `${r}@**` }]);
  const authority = s.key
    ? { name: 'release-key', key: { data: pem(s.key), hashAlgorithm: 'sha256' } }
    : { name: 'release-identity', keyless: { url: s.keyless!.fulcioUrl, identities: [{ issuer: s.keyless!.issuer, subjectRegExp: s.keyless!.subjectRegExp }] } };
  return { name: `${c.instance ?? `pensioen-${env.name}`}-signed-images`, spec: { mode: s.mode, images, authorities: [authority] } };
}
