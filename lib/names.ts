/**
 * Names and label specs that more than one chart uses: a chart never imports another chart, it imports
 * these. Object names are part of the contract with the cluster (Services other objects point at,
 * Secrets created by hand), so they are constants, not derived from construct paths.
 */
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
