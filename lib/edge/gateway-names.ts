/** The Gateway the routes attach to and its listener names: generated (per host) or shared (from config). */
import type { EnvConfig } from '../config';

export interface GatewayListeners {
  readonly gateway: { name: string; namespace: string; generated: boolean };
  /** Port-80 listeners (the redirect route and the HTTP-01 solver attach to them). */
  readonly http: string[];
  /** HTTPS listeners of the API host and of the frontend hosts. */
  readonly api: string[];
  readonly frontend: string[];
}

/** Listener names of the generated Gateway: the protocol and the host, e.g. `https-api.example.nl`. */
export const listenerName = (protocol: 'http' | 'https', host: string) => `${protocol}-${host}`;

/** Reads the edge's sections and the namespace (of a generated Gateway) only; an `Environment` is such an `env`. */
export function gatewayListeners(env: { readonly config: Pick<EnvConfig, 'namespace' | 'edge' | 'ingress'> }): GatewayListeners {
  const c = env.config;
  const g = c.edge.gateway;
  if (g.shared) {
    return {
      gateway: { name: g.shared.name, namespace: g.shared.namespace, generated: false },
      http: [g.shared.httpSectionName], api: [g.shared.apiSectionName], frontend: [g.shared.frontendSectionName],
    };
  }
  const hosts = [c.ingress.apiHost, ...c.ingress.frontendHosts];
  return {
    gateway: { name: g.name, namespace: c.namespace, generated: true },
    http: hosts.map((h) => listenerName('http', h)),
    api: [listenerName('https', c.ingress.apiHost)],
    frontend: c.ingress.frontendHosts.map((h) => listenerName('https', h)),
  };
}
