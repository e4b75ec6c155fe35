/**
 * Names and label specs that more than one chart uses: a chart never imports another chart, it imports
 * these. Object names are part of the contract with the cluster (Services other objects point at,
 * Secrets created by hand), so they are constants, not derived from construct paths.
 */
import { createHash } from 'crypto';
import type { LabelSpec } from './k8s/labels';

export const BACKEND: LabelSpec = { name: 'pensioen-backend', component: 'backend' };
export const BACKEND_DEPLOYMENT = 'backend';
export const BACKEND_SERVICE = 'backend-service';
/** ConfigMap with REDIS_URL and the Sentinel endpoints, next to the backend. */
export const REDIS_CONFIGMAP = 'redis-config';

export const FRONTEND: LabelSpec = { name: 'pensioen-frontend', component: 'frontend' };
export const FRONTEND_DEPLOYMENT = 'frontend';
export const FRONTEND_SERVICE = 'frontend-service';

/** The migration pods: not the backend's labels, so no backend Service or policy ever selects them. */
export const MIGRATION_LABELS: LabelSpec = { name: 'pensioen-backend-migrate', component: 'migration' };
export const MIGRATION_JOB = 'backend-migrate';
export const MIGRATION_SERVICE_ACCOUNT = 'backend-migrate';

/** `1.0.0` becomes `1-0-0`: a version as part of a Kubernetes name (readable only; the hash makes it unique). */
export function nameSafeVersion(version: string): string {
  return version.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 30).replace(/-+$/, '') || 'image';
}

/**
 * The migration Job of one backend image, for `kubectl apply` (a Job's pod template is immutable, so each
 * image gets its own Job): `backend-migrate-<readable version>-<8 hex of SHA-256 of the full image reference>`.
 * The hash covers registry, name, tag and digest, so tags that read alike (`1.0.0` and `1_0_0`, two long tags
 * sharing their first characters) or one tag pushed again with a new digest never share a name. At most 63
 * characters: the Job controller copies the name into the pods' `batch.kubernetes.io/job-name` label.
 */
export function migrationJobNameOf(imageReference: string, version: string): string {
  const hash = createHash('sha256').update(imageReference).digest('hex').slice(0, 8);
  return `${MIGRATION_JOB}-${nameSafeVersion(version)}-${hash}`;
}

/** A path the backend has no route for (FastAPI answers 404): where both edges send requests for /metrics and the private paths. */
export const NOT_FOUND_PATH = '/__not_found__';
