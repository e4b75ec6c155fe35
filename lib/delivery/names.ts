/** Names of the canary objects, shared by the Rollouts, the analyses and the edge (no imports: no cycles). */
export const BACKEND_CANARY_SERVICE = 'backend-canary';
export const FRONTEND_CANARY_SERVICE = 'frontend-canary';
