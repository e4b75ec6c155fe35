/**
 * The building blocks of the configuration schema (quantities, DNS names, ports, CIDRs, pinned image
 * references, resources) and the issue helper of the rules run on the whole configuration, shared by every
 * section: `lib/config/index.ts` and the section schemas (in `lib/config/`, `lib/<area>/schema.ts`) import them
 * from here.
 */
import { z } from 'zod';
import { parseQuantity } from '../k8s/quantity';

/** Kubernetes resource quantity (k8s.io/apimachinery/pkg/api/resource). */
const QUANTITY = /^[+-]?(\d+(\.\d*)?|\.\d+)(([KMGTPE]i)|[numkMGTPE]|[eE][+-]?\d+)?$/;
/** RFC 1123 DNS subdomain (a hostname), at most 253 characters, labels at most 63. */
const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$/;
/** RFC 1123 DNS label: the form of a Kubernetes name such as a namespace. */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** An image reference: repository with a tag (not `latest`) and/or a sha256 digest. */
const IMAGE = /^(?<repo>[a-z0-9]+([._\/:-][a-z0-9]+)*?)(:(?<tag>[\w][\w.-]{0,127}))?(@sha256:[a-f0-9]{64})?$/;

export const quantity = () =>
  z.string().regex(QUANTITY, { message: 'must be a Kubernetes quantity such as 500m, 1, 512Mi or 1Gi' });
/** The size of a PersistentVolumeClaim: a quantity above 0 (the API server refuses a claim of 0 or less). */
export const storageSize = () =>
  quantity().refine((q) => parseQuantity(q) > 0, { message: 'must be a size above 0 such as 10Gi (the API server refuses a PersistentVolumeClaim of 0 or less)' });
export const dnsName = () =>
  z.string().regex(DNS_SUBDOMAIN, { message: 'must be a valid DNS name (lower-case letters, digits, "-" and ".", at most 253 characters)' });
export const dnsLabel = () =>
  z.string().regex(DNS_LABEL, { message: 'must be a DNS label (lower-case letters, digits and "-", at most 63 characters)' });
export const port = () => z.number().int().min(1).max(65535);

/** An IPv4 or IPv6 CIDR (address/prefix length). */
const CIDR = /^((25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(25[0-5]|2[0-4]\d|1?\d?\d)\/(3[0-2]|[12]?\d)$|^[0-9a-fA-F:]+\/(12[0-8]|1[01]\d|[1-9]?\d)$/;
/** A CIDR; `example` is the one the error message shows. */
export const cidr = (example = '10.0.0.0/16') => z.string().regex(CIDR, { message: `must be a CIDR such as ${example}` });
export const cidrList = (example?: string) => z.array(cidr(example));

/** A problem at a key path of the whole configuration, for the rules run on it (`superRefine`). */
export const issue = (ctx: z.RefinementCtx, path: PropertyKey[], message: string): void => ctx.addIssue({ code: 'custom', path, message });

/** An image reference that pins a version: a tag other than `latest`, or a digest. */
export const imageRef = () =>
  z.string().superRefine((value, ctx) => {
    const m = IMAGE.exec(value);
    const digest = value.includes('@sha256:');
    if (!m) {
      ctx.addIssue({ code: 'custom', message: `"${value}" is not an image reference (allowed: name:tag or name@sha256:<digest>)` });
    } else if (!m.groups?.tag && !digest) {
      ctx.addIssue({ code: 'custom', message: `"${value}" has no tag (allowed: name:tag with a tag other than "latest", or name@sha256:<digest>)` });
    } else if (m.groups?.tag === 'latest') {
      ctx.addIssue({ code: 'custom', message: `"${value}" is tagged "latest" (allowed: a fixed version tag such as 1.0.0, or a digest)` });
    }
  });

/**
 * Ephemeral storage of a container by default: its logs (the kubelet keeps up to 5 x 10Mi per container) and its
 * share of the pod's disk-backed emptyDirs (`/tmp` 256Mi); a pod whose containers write more is evicted instead
 * of filling the node's disk.
 */
export const EPHEMERAL_STORAGE = { request: '64Mi', limit: '512Mi' };

export const resources = (d: { cpuRequest: string; memoryRequest: string; cpuLimit: string; memoryLimit: string; ephemeralStorageRequest?: string; ephemeralStorageLimit?: string }) =>
  z.strictObject({
    requests: z.strictObject({
      cpu: quantity().default(d.cpuRequest).describe('CPU request'),
      memory: quantity().default(d.memoryRequest).describe('Memory request'),
      'ephemeral-storage': quantity().default(d.ephemeralStorageRequest ?? EPHEMERAL_STORAGE.request).describe('Ephemeral storage request (logs, disk-backed emptyDirs)'),
    }).prefault({}),
    limits: z.strictObject({
      cpu: quantity().default(d.cpuLimit).describe('CPU limit'),
      memory: quantity().default(d.memoryLimit).describe('Memory limit'),
      'ephemeral-storage': quantity().default(d.ephemeralStorageLimit ?? EPHEMERAL_STORAGE.limit)
        .describe('Ephemeral storage limit: above it the kubelet evicts the pod (cover the pod\'s disk-backed emptyDirs and logs)'),
    }).prefault({}),
  }).prefault({}).superRefine((r, ctx) => {
    for (const k of ['cpu', 'memory', 'ephemeral-storage'] as const) {
      if (parseQuantity(r.requests[k]) > parseQuantity(r.limits[k])) {
        ctx.addIssue({ code: 'custom', path: ['requests', k], message: `must not exceed limits.${k} (${r.limits[k]}), got ${r.requests[k]}` });
      }
    }
  }).describe('Container resource requests and limits (a request may not exceed its limit)');
