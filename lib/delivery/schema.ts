/**
 * The `delivery` section: how a new version is released (`strategy`) and how every sync checks itself
 * (`smoke`). docs/delivery.md explains the release path.
 */
import { z } from 'zod';
import { resources } from '../config/types';

const CIDR = /^((25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(25[0-5]|2[0-4]\d|1?\d?\d)\/(3[0-2]|[12]?\d)$|^[0-9a-fA-F:]+\/(12[0-8]|1[01]\d|[1-9]?\d)$/;

export const smokeSchema = z.strictObject({
  enabled: z.boolean().default(true).describe('Run the smoke test Job `smoke-test` after every sync (Argo CD PostSync hook; with kubectl the documented step in docs/delivery.md)'),
  readinessFields: z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: 'must be a JSON key such as database' })).min(1).default(['database', 'redis'])
    .describe('Keys of the backend\'s health JSON (`backend.healthPath`) that must report a healthy dependency (the guide\'s /health: database, redis)'),
  healthyValues: z.array(z.string().min(1)).min(1).default(['true', 'ok', 'healthy', 'up', 'connected'])
    .describe('Values (case-insensitive; JSON true counts as "true") a readiness key may have to count as healthy'),
  statusKey: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/).optional().default('status')
    .describe('Key of the overall status in the health JSON, checked against `healthyValues` too'),
  edgeTls: z.enum(['public', 'issuer-ca', 'skip-verify']).optional()
    .describe('How the edge checks verify TLS: "public" (the image\'s CA bundle), "issuer-ca" (the CA certificate, `tls.crt`, of the edge\'s namespaced CA Issuer\'s Secret; only that key is mounted, never the CA key) or "skip-verify" (still HTTPS, certificate not checked: Let\'s Encrypt staging). Default from the edge\'s issuer: a CA Issuer -> issuer-ca, a CA ClusterIssuer or Let\'s Encrypt staging -> skip-verify, else public'),
  edgeCidrs: z.array(z.string().regex(CIDR, { message: 'must be a CIDR such as 203.0.113.10/32' })).default([])
    .describe('Addresses of the edge\'s load balancer when traffic to it leaves the cluster (a cloud load balancer the nodes do not short-circuit); empty: only the edge\'s pods'),
  attempts: z.number().int().min(1).max(20).default(5).describe('Attempts per check before it fails (pods that just became Ready, DNS)'),
  intervalSeconds: z.number().int().min(1).max(60).default(6).describe('Seconds between attempts'),
  timeoutSeconds: z.number().int().min(1).max(60).default(5).describe('Seconds one HTTP request may take'),
  activeDeadlineSeconds: z.number().int().min(30).default(300).describe('Seconds after which the Job is failed whatever it does'),
  resources: resources({ cpuRequest: '50m', memoryRequest: '64Mi', cpuLimit: '200m', memoryLimit: '128Mi' }),
}).prefault({}).describe('Smoke test after every sync: the API through its Service and the edge host, the dependencies in its health JSON, the frontend page');

export function deliverySchema() {
  return z.strictObject({
    strategy: z.enum(['rolling', 'canary']).default('rolling')
      .describe('"rolling": Deployments with rolling updates; "canary": Argo Rollouts releases the backend (and the frontend with `canary.frontend`) in steps, each judged by the SLOs (docs/delivery.md)'),
    smoke: smokeSchema,
  }).prefault({}).describe('How new versions are released and checked (docs/delivery.md)');
}
