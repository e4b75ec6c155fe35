/**
 * `delivery.strategy` and `delivery.canary`: the config rules (an edge Argo Rollouts can route, the SLIs that
 * judge a step, steps that only grow up to 100), each error naming the file, the key and what is allowed.
 */
import { parse } from 'yaml';
import { configProblems, fixtureText } from './helpers';
import { withDelivery } from './fixtures/canary';

const problems = (fixture: string, delivery: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  configProblems(withDelivery(fixture, delivery, extra), `config/${fixture}.yaml`);
// The production fixture with a pool that fits twice maxReplicas (a canary at 100%).
const canaryProblems = (delivery: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  problems('production', { strategy: 'canary', ...delivery }, { backend: { ...BACKEND, databasePool: { size: 10, maxOverflow: 10 } }, ...extra });

const BACKEND = parse(fixtureText('production')).backend;
// An Ingress controller other than ingress-nginx (with what the config rules ask of it).
const CUSTOM = { ingress: { controller: 'custom' }, backend: { ...BACKEND, metricsPort: 9000, privatePaths: [], databasePool: { size: 10, maxOverflow: 10 } } };

describe('delivery.strategy', () => {
  test('rolling is the default and canary loads on ingress-nginx and on the Gateway API', () => {
    expect(problems('production', {})).toEqual([]);
    expect(problems('production', { strategy: 'canary' }, { backend: { ...BACKEND, databasePool: { size: 10, maxOverflow: 10 } } })).toEqual([]);
    expect(problems('staging', { strategy: 'canary', canary: { frontend: true } })).toEqual([]);
  });

  test('an unknown strategy names the allowed ones', () => {
    expect(problems('production', { strategy: 'blue-green' })).toEqual(['config/production.yaml: delivery.strategy: got "blue-green" (allowed: "rolling", "canary")']);
  });

  test('canary on an Ingress controller Argo Rollouts cannot route is refused', () => {
    const out = problems('production', { strategy: 'canary' }, CUSTOM);
    expect(out).toEqual([expect.stringMatching(/^config\/production\.yaml: delivery\.strategy: canary cannot split traffic on ingress\.controller "custom": .*ingress-nginx.*edge\.kind: gateway/)]);
    // Rolling on the same edge is fine.
    expect(problems('production', { strategy: 'rolling' }, CUSTOM)).toEqual([]);
  });

  test('canary during an edge migration is refused (two edges would each need their split)', () => {
    const out = problems('staging', { strategy: 'canary' }, { edge: { kind: 'gateway', migrateFrom: 'ingress' } });
    expect(out).toEqual([expect.stringMatching(/^config\/staging\.yaml: delivery\.strategy: canary needs one edge .*edge\.migrateFrom \(ingress\)/)]);
  });

  test('the connection budget counts a full canary ReplicaSet beside the stable one', () => {
    // production: maxReplicas 10, pool 10 + 20: rolling 13 pods x 30 = 390 fits 420; canary 20 pods x 30 = 600 does not.
    expect(problems('production', { strategy: 'rolling' })).toEqual([]);
    expect(problems('production', { strategy: 'canary' })).toEqual([
      'config/production.yaml: backend.databasePool: the backend may open 600 connections (backend.autoscaling.maxReplicas 10 + 10 canary pods at 100% = 20 pods x (size 10 + maxOverflow 20)) but database.maxConnections 450 - reservedConnections 30 leaves 420 (allowed: lower the pool, maxOverflow or maxReplicas, or raise database.maxConnections)',
    ]);
  });

  test('canary needs the metrics it is judged by', () => {
    expect(problems('production', { strategy: 'canary' }, { monitoring: { enabled: false }, backend: { ...BACKEND, databasePool: { size: 10, maxOverflow: 10 } } }))
      .toEqual([expect.stringMatching(/^config\/production\.yaml: delivery\.strategy: canary is judged by the backend's metrics, which monitoring\.enabled: false/)]);
    expect(problems('production', { strategy: 'canary' }, { monitoring: { slo: { availability: { enabled: false }, latency: { enabled: false } } }, backend: { ...BACKEND, databasePool: { size: 10, maxOverflow: 10 } } }))
      .toEqual([expect.stringMatching(/delivery\.strategy: canary is judged by the SLO's SLIs, and .* both off/)]);
  });
});

describe('delivery.canary.frontend: only where the edge can judge it', () => {
  test('ingress-nginx and Envoy Gateway count the canary Service\'s answers: accepted', () => {
    expect(canaryProblems({ canary: { frontend: true } })).toEqual([]);
    expect(problems('staging', { strategy: 'canary', canary: { frontend: true } })).toEqual([]);
  });

  test('NGINX Gateway Fabric has no status codes: refused, naming the key and what is allowed', () => {
    const out = problems('staging', { strategy: 'canary', canary: { frontend: true } }, { edge: { kind: 'gateway', gateway: { ...parse(fixtureText('staging')).edge.gateway, implementation: 'nginx-gateway-fabric', className: 'nginx' } } });
    expect(out).toEqual([expect.stringMatching(/^config\/staging\.yaml: delivery\.canary\.frontend: the frontend canary cannot be judged on edge\.gateway\.implementation "nginx-gateway-fabric": .*allowed: canary\.frontend: false/)]);
    // The backend alone is judged by its own metrics there.
    expect(problems('staging', { strategy: 'canary', canary: { frontend: false } }, { edge: { kind: 'gateway', gateway: { ...parse(fixtureText('staging')).edge.gateway, implementation: 'nginx-gateway-fabric', className: 'nginx' } } })).toEqual([]);
  });

  test('without the edge\'s metrics: refused', () => {
    expect(canaryProblems({ canary: { frontend: true } }, { monitoring: { edge: { source: 'none' } } }))
      .toEqual([expect.stringMatching(/delivery\.canary\.frontend: the frontend canary is judged by the edge's metrics .*monitoring\.edge\.source: none/)]);
  });

  test('a latency threshold that is no bucket of the edge\'s histogram: refused', () => {
    const slo = { metrics: { durationBuckets: [0.1, 0.3, 1] }, slo: { latency: { thresholdSeconds: 0.3 } }, thresholds: { latencyP95Seconds: 1 } };
    expect(canaryProblems({ canary: { frontend: true } }, { monitoring: slo }))
      .toEqual([expect.stringMatching(/delivery\.canary\.frontend: the frontend canary's latency is judged from ingress-nginx's request duration histogram at monitoring\.slo\.latency\.thresholdSeconds \(0\.3\).*allowed: 0\.005, .*2\.5, 5, 10 seconds/)]);
    expect(canaryProblems({ canary: { frontend: false } }, { monitoring: slo })).toEqual([]);
  });

  test('frontendPause is gone: a frontend step is never only a pause', () => {
    expect(canaryProblems({ canary: { frontend: true, frontendPause: '5m' } })).toEqual([expect.stringMatching(/delivery\.canary.*frontendPause/)]);
  });
});

describe('delivery.canary.steps', () => {
  test.each([
    [[10, 10, 100], 'delivery.canary.steps[1]: must be larger than the step before (10)'],
    [[50, 25, 100], 'delivery.canary.steps[1]: must be larger than the step before (50)'],
    [[10, 50], 'delivery.canary.steps[1]: the last step must be 100'],
    [[0, 100], 'delivery.canary.steps[0]: must be at least 1'],
    [[10, 101], 'delivery.canary.steps[1]: must be at most 100'],
    [[], 'delivery.canary.steps: needs at least 1 item(s)'],
  ])('%j is refused', (steps, message) => {
    const out = canaryProblems({ canary: { steps } });
    expect(out).toHaveLength(1);
    expect(out[0].startsWith(`config/production.yaml: ${message}`)).toBe(true);
  });

  test('a single step straight to 100 and custom analysis settings load', () => {
    expect(canaryProblems({ canary: { steps: [100], analysis: { window: '10m', interval: '1m', count: 5, minRequests: 500 } } })).toEqual([]);
  });

  test('analysis durations and the Prometheus address are checked', () => {
    expect(canaryProblems({ canary: { analysis: { window: '5 minutes' } } }))
      .toEqual(['config/production.yaml: delivery.canary.analysis.window: must be a duration such as 30s, 5m or 1h, got "5 minutes"']);
    expect(canaryProblems({ canary: { analysis: { prometheusAddress: 'http://user:pw@prometheus:9090' } } }))
      .toEqual([expect.stringMatching(/^config\/production\.yaml: delivery\.canary\.analysis\.prometheusAddress: holds a password or token in the URL/)]);
    expect(canaryProblems({ canary: { analysis: { prometheusAddress: 'prometheus:9090' } } }))
      .toEqual([expect.stringMatching(/^config\/production\.yaml: delivery\.canary\.analysis\.prometheusAddress: must be an http\(s\) URL/)]);
  });
});
