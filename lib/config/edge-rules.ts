/**
 * What the edge must never serve: one host for the API and another for the frontend, `/metrics` and the
 * private paths (FastAPI's docs) kept off the internet, which only ingress-nginx and the Gateway API edge get
 * generated rules for.
 */
import type { z } from 'zod';
import { issue } from './types';

/** The edge rules, run on the whole configuration. */
export function refineEdge(c: any, ctx: z.RefinementCtx): void {
  // Hosts: the API and the frontend are different Ingress rules; one host in both makes the controller pick one.
  const ing = c.ingress;
  if (ing && typeof ing.apiHost === 'string' && Array.isArray(ing.frontendHosts)) {
    ing.frontendHosts.forEach((h: string, i: number) => {
      if (h === ing.apiHost) issue(ctx, ['ingress', 'frontendHosts', i], `"${h}" is also ingress.apiHost: the API and the frontend need different hosts`);
      if (ing.frontendHosts.indexOf(h) !== i) issue(ctx, ['ingress', 'frontendHosts', i], `"${h}" is listed twice`);
    });
  }
  // /metrics never routed from the internet: only ingress-nginx gets the generated blocking rule.
  // (The Gateway API edge keeps /metrics off its routes itself.)
  if ((c.edge?.kind ?? 'ingress') === 'ingress' && c.ingress.controller !== 'ingress-nginx' && c.backend.metricsPort === undefined) {
    ctx.addIssue({ code: 'custom', path: ['backend', 'metricsPort'], message: `is required with ingress.controller ${c.ingress.controller}: without it the app serves ${c.backend.metricsPath} on the port the edge routes to, and only ingress-nginx gets the rule that answers it with 404 (allowed: a port such as 9000)` });
  }
  // The private paths (FastAPI's docs by default) are kept off the edge by rules only ingress-nginx and the
  // Gateway API edge get; another controller would route them to the backend.
  if ((c.edge?.kind ?? 'ingress') === 'ingress' && c.ingress.controller !== 'ingress-nginx' && c.backend.privatePaths.length > 0) {
    ctx.addIssue({ code: 'custom', path: ['backend', 'privatePaths'], message: `${c.backend.privatePaths.join(', ')} would be routed to the backend: only ingress-nginx and the Gateway API edge get the rule that answers them with 404 (allowed: [] with the app serving none of them, e.g. FastAPI(docs_url=None, redoc_url=None, openapi_url=None), or edge.kind gateway)` });
  }
  // Metrics port must differ from the serving port.
  if (c.backend.metricsPort !== undefined && c.backend.metricsPort === c.backend.port) {
    ctx.addIssue({ code: 'custom', path: ['backend', 'metricsPort'], message: `must differ from backend.port (${c.backend.port}): a separate port is what keeps /metrics off the edge (allowed: another port, or leave it out)` });
  }
}
