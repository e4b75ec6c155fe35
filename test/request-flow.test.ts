/**
 * docs/request-flow.md: the picture follows the objects of the test fixtures (the edge kind, the database mode,
 * the cache mode, canary releases, the NetworkPolicies), keeps to the Mermaid grammar it uses, and the committed
 * page is what dist/ gives.
 */
import * as fs from 'fs';
import * as path from 'path';
import { environmentsOfDist, readDist } from '../lib/docs/dist-pages';
import { requestFlow, requestFlowDocs, requestFlowMermaid, type RequestFlow } from '../lib/docs/request-flow';
import type { KObject } from '../lib/docs/object-graph';
import { allowed, podsOf } from './flows';
import { cacheEnv, MANAGED } from './fixtures/cache';
import { nginxCanary } from './fixtures/canary';
import { objectsOf, ROOT } from './helpers';
import { checkMermaidFlowchart } from './mermaid-syntax';

/** Arrows as `from -> to: label` (operators' `-.->`), node labels on one line. */
function arrows(f: RequestFlow): string[] {
  const n = new Map(f.nodes.map((x) => [x.id, x.label.replace(/\n/g, ' · ')]));
  return f.edges.map((e) => `${n.get(e.from)} ${e.type === 'control' ? '-.->' : '->'} ${n.get(e.to)}: ${e.label.replace(/\n/g, ' · ')}`);
}
const flowOf = (objects: Record<string, any>[]) => requestFlow(objects as KObject[]);
const labels = (f: RequestFlow) => f.nodes.map((x) => x.label.replace(/\n/g, ' · '));

describe('the picture follows the config', () => {
  test('ingress-nginx, managed PostgreSQL, in-cluster cache (production fixture): Ingress controller, HAProxy → Redis with Sentinel, the database outside', () => {
    const f = flowOf(objectsOf('production'));
    const a = arrows(f);
    expect(a).toContain('Browser · the internet -> Ingress controller · class nginx: HTTPS :443: api.pensioen-beslissingstool.nl, pensioen-beslissingstool.nl, www.pensioen-beslissingstool.nl');
    expect(a).toContain('Ingress controller · class nginx -> Service backend-service: api.pensioen-beslissingstool.nl :8000');
    expect(a).toContain('Service backend-service -> Deployment backend: :8000');
    expect(a).toContain('Service frontend-service -> Deployment frontend: :3000');
    expect(a).toContain('Deployment frontend -> Deployment backend: TCP 8000 · Service backend-service');
    expect(a).toContain('Deployment backend -> Deployment redis-haproxy: TCP 6379 · Service redis');
    expect(a).toContain('Deployment redis-haproxy -> StatefulSet redis · containers redis, sentinel, metrics: TCP 6379 · Service redis-headless');
    expect(a).toContain('Deployment backend -> StatefulSet redis · containers redis, sentinel, metrics: TCP 6379, TCP 26379 · Services redis-headless, redis-sentinel');
    expect(a.filter((x) => x.includes('outside the cluster'))).toEqual(['Deployment backend -> outside the cluster · 10.20.0.0/24: TCP 5432 · PostgreSQL']);
    // a managed database: no pooler, no Cluster, no CloudNativePG; no Gateway
    expect(labels(f).filter((l) => /Pooler|Cluster |CloudNativePG|Gateway/.test(l))).toEqual([]);
    expect(a).toContain('cert-manager -.-> Ingress controller · class nginx: TLS pensioen-tls · TLS pensioen-frontend-tls');
    expect(a).toContain('External Secrets · SecretStore pensioen-secret-store -.-> Deployment backend: Secret db-secrets, redis-secrets, app-secrets');
    expect(a).toContain('Prometheus -.-> Deployment backend: scrapes :http');
    expect(labels(f)).not.toContain('Argo Rollouts'); // no Rollout
  });

  test('CloudNativePG (onprem fixture): backend → PgBouncer Pooler → Cluster through the operator\'s Services, the operator acting on both; no database outside', () => {
    const a = arrows(flowOf(objectsOf('onprem')));
    expect(a).toContain('Deployment backend -> Pooler pensioen-db-pooler-rw · pods of PgBouncer, made by CloudNativePG: TCP 5432 · Service pensioen-db-pooler-rw (made by CloudNativePG)');
    expect(a).toContain('Pooler pensioen-db-pooler-rw · pods of PgBouncer, made by CloudNativePG -> Cluster pensioen-db · pods of PostgreSQL, made by CloudNativePG: TCP 5432 · Service pensioen-db-rw (made by CloudNativePG)');
    expect(a.filter((x) => x.startsWith('CloudNativePG -.->')).length).toBe(2);
    expect(a.filter((x) => x.includes('outside the cluster'))).toEqual([]);
    expect(a).toContain('Browser · the internet -> Ingress controller · class nginx-internal: HTTPS :443: api.onprem.pensioen-beslissingstool.nl, onprem.pensioen-beslissingstool.nl');
    expect(a.some((x) => x.startsWith('External Secrets'))).toBe(false); // pre-created Secrets
  });

  test('Gateway API with canary releases (staging fixture): the Gateway with its listeners, stable and canary Services with their weights, Argo Rollouts on the Rollouts and the routes', () => {
    const f = flowOf(objectsOf('staging'));
    const a = arrows(f);
    const gw = labels(f).find((l) => l.startsWith('Gateway '))!;
    expect(gw).toMatch(/^Gateway pensioen-gateway · class /);
    expect(a.filter((x) => x.startsWith(`Browser · the internet -> ${gw}`)).join('\n')).toMatch(/HTTPS :443: .*staging/);
    expect(a).toContain(`${gw} -> Service backend-service: api.staging.pensioen-beslissingstool.nl :8000, weight 100`);
    expect(a).toContain(`${gw} -> Service backend-canary: api.staging.pensioen-beslissingstool.nl :8000, weight 0`);
    expect(a).toContain('Service backend-canary -> Rollout backend: :8000');
    expect(a).toContain('Service frontend-canary -> Rollout frontend: :3000');
    expect(a).toContain('Argo Rollouts -.-> Rollout backend: canary steps, Services backend-service, backend-canary');
    expect(a).toContain(`Argo Rollouts -.-> ${gw}: weights of HTTPRoute pensioen-api · weights of HTTPRoute pensioen-frontend`);
    expect(labels(f).some((l) => l.startsWith('Ingress controller'))).toBe(false);
    expect(a).toContain(`Prometheus -.-> ${gw}: scrapes :metrics of its Envoy proxies`);
  });

  test('a canary on ingress-nginx: the canary Service behind the canary Ingress Argo Rollouts makes from the stable one', () => {
    const a = arrows(flowOf(objectsOf(nginxCanary())));
    expect(a).toContain('Ingress controller · class nginx -> Service backend-canary: api.pensioen-beslissingstool.nl: canary Ingress, weight set by Argo Rollouts');
    expect(a).toContain('Argo Rollouts -.-> Ingress controller · class nginx: canary Ingress from pensioen-ingress');
    expect(a).toContain('Service backend-canary -> Rollout backend: :8000');
  });

  test('a managed cache: no HAProxy, Redis or Sentinel in the picture; the cache outside, named by the backend\'s connection URL', () => {
    const f = flowOf(objectsOf(cacheEnv({ mode: 'managed', managed: MANAGED })));
    expect(labels(f).filter((l) => /redis/i.test(l))).toEqual([]);
    expect(arrows(f)).toContain(`Deployment backend -> outside the cluster · 10.30.0.0/24: TCP 6379 · Redis protocol (TLS) ${MANAGED.host}`);
  });

  test('arrows between workloads are the NetworkPolicies\' flows: a flow one end no longer allows is gone', () => {
    const objects = objectsOf('production');
    const has = (o: Record<string, any>[]) => arrows(flowOf(o)).some((x) => x.startsWith('Deployment backend -> Deployment redis-haproxy'));
    expect(has(objects)).toBe(true);
    // HAProxy's ingress no longer lets the backend in: no arrow, though the backend's egress still allows it
    const haproxy = objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'redis-haproxy')!;
    haproxy.spec.ingress = haproxy.spec.ingress.filter((r: any) => !JSON.stringify(r.from ?? []).includes('pensioen-backend'));
    expect(has(objects)).toBe(false);
    // and without any NetworkPolicy selecting either end, the flow is open again
    expect(has(objects.filter((o) => o.kind !== 'NetworkPolicy'))).toBe(true);
  });
});

describe('the workload arrows agree with the tests\' own NetworkPolicy evaluator (test/flows.ts)', () => {
  test.each(['production', 'onprem', 'staging'])('%s: every port of every arrow between workloads is a flow it allows', (name) => {
    const objects = objectsOf(name);
    const f = flowOf(objects);
    const pods = podsOf(objects);
    const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
    const node = new Map(f.nodes.map((n) => [n.id, n]));
    const workload = (id: string) => node.get(id)!.label.split('\n')[0].split(' ')[1];
    const between = f.edges.filter((e) => e.type === 'traffic' && node.get(e.from)!.group === 'workload' && node.get(e.to)!.group === 'workload');
    expect(between.length).toBeGreaterThanOrEqual(3);
    const checked = between.flatMap((e) => [...e.label.split('\n')[0].matchAll(/(TCP|UDP|SCTP) (\d+)/g)]
      .map((m) => `${workload(e.from)} -> ${workload(e.to)}:${m[2]} ${allowed(policies, pods.get(workload(e.from))!, pods.get(workload(e.to))!, Number(m[2]), m[1]) ? 'allowed' : 'REFUSED'}`));
    expect(checked.filter((c) => !c.endsWith('allowed'))).toEqual([]);
    expect(checked.length).toBeGreaterThanOrEqual(between.length);
  });
});

describe('Mermaid output', () => {
  test('labels cannot break out of their quotes; the grammar is the small subset checked here', () => {
    const objects = objectsOf('staging');
    objects.find((o) => o.kind === 'Service' && o.metadata.name === 'backend-canary')!.metadata.name = 'x"] --> y["pwn';
    const text = requestFlowMermaid(flowOf(objects));
    expect(text).not.toMatch(/^\s*y\[/m);
    checkMermaidFlowchart(text, 'operators');
  });
});

describe('docs/request-flow.md is current', () => {
  const fromDist = requestFlowDocs(environmentsOfDist(readDist(path.join(ROOT, 'dist'))));
  test('it equals what dist/ gives (fix: `npm run synth && npm run docs`)', () => {
    const text = fromDist.get('docs/request-flow.md')!;
    expect(fs.readFileSync(path.join(ROOT, 'docs', 'request-flow.md'), 'utf8') === text ? 'up to date' : 'docs/request-flow.md is stale: run `npm run synth && npm run docs`').toBe('up to date');
  });
  test('one picture per environment of dist/, each in the grammar and small', () => {
    const envs = fs.readdirSync(path.join(ROOT, 'dist')).filter((d) => d !== 'argocd' && fs.statSync(path.join(ROOT, 'dist', d)).isDirectory());
    const blocks = [...fromDist.get('docs/request-flow.md')!.matchAll(/```mermaid\n([\s\S]*?)\n```/g)].map((m) => m[1]);
    expect(blocks).toHaveLength(envs.length);
    for (const b of blocks) {
      checkMermaidFlowchart(b, 'operators');
      expect(b.match(/^\s+n\d+\["/gm)!.length).toBeLessThanOrEqual(25); // readable: few nodes
    }
  });
});
