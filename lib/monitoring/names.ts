/** Names of the monitoring objects, and of the objects of other charts the monitoring reads. */
export const PROMETHEUS_RULE = 'pensioen-alerts';
export const BACKEND_SERVICE_MONITOR = 'backend';
export const REDIS_SERVICE_MONITOR = 'redis';
export const POSTGRES_EXPORTER = 'postgres-exporter';
export const POSTGRES_EXPORTER_PORT = 9187;
export const DASHBOARD_CONFIGMAP = 'pensioen-dashboard';
/** The HPA the backend chart creates. */
export const BACKEND_HPA = 'backend-hpa';
/** Labels of the one Service in front of the redis_exporter sidecars (port `metrics`), from the Redis chart. */
export const REDIS_METRICS_SERVICE_LABELS = { 'app.kubernetes.io/name': 'redis', 'app.kubernetes.io/component': 'redis' };
export const POSTGRES_EXPORTER_LABELS = { name: 'postgres-exporter', component: 'metrics' };
/** The Ingresses of charts/ingress.ts, as the edge alerts select them (a test checks they exist). */
export const API_INGRESS = 'pensioen-ingress';
export const FRONTEND_INGRESS = 'pensioen-frontend-ingress';
/** The HTTPRoutes of charts/gateway.ts (edge.kind: gateway), as the edge alerts select them (a test checks they exist). */
export const API_ROUTE = 'pensioen-api';
export const FRONTEND_ROUTE = 'pensioen-frontend';
/** The SLO rules and the routing. */
export const SLO_PROMETHEUS_RULE = 'pensioen-slo';
export const ALERTMANAGER_CONFIG = 'pensioen-routing';
