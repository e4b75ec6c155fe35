/**
 * `delivery.strategy: canary`: the backend (and with `canary.frontend` the frontend) becomes an Argo Rollouts
 * Rollout with everything its Deployment had, split by the edge the environment has (ingress-nginx's canary
 * Ingress, or the Gateway API plugin on the HTTPRoute), judged at each step by the AnalysisTemplate. One
 * environment per edge kind: the staging fixture (Gateway API, Argo CD), the production fixture with canary
 * (ingress-nginx, Argo CD) and the on-prem one (ingress-nginx, kubectl only, the frontend too).
 */
import { parse, stringify } from 'yaml';
import type { Environment } from '../lib/config';
import { CANARY_ANALYSIS_TEMPLATE, FRONTEND_ANALYSIS_TEMPLATE } from '../lib/delivery/analysis-template';
import { frontendCanaryMetrics, RELEASE_HEADER } from '../lib/delivery/frontend-analysis';
import { metricNames, seriesProducers } from '../lib/monitoring/series';
import { canaryMetrics } from '../lib/delivery/analysis';
import { GATEWAY_API_PLUGIN } from '../lib/delivery/rollout';
import { SYNC_WAVE } from '../lib/output/sync-waves';
import { preflightChecks } from '../lib/preflight';
import { contextOf, validateObjects } from '../lib/validate';
import { environment, find, fixtureText, inlineEnvironment, objectsOf } from './helpers';
import { kubectlCanary, nginxCanary, withDelivery } from './fixtures/canary';
import { rotationMarkdown, rotationSteps } from '../lib/redis/rotation';

const CASES: [string, Environment][] = [
  ['gateway (staging fixture, Argo CD)', environment('staging')],
  ['ingress-nginx (production fixture, Argo CD)', nginxCanary()],
  ['ingress-nginx (onprem fixture, kubectl)', kubectlCanary()],
];
/** The same environment released with rolling updates: what the Deployment had. */
const rollingOf = (env: Environment) => inlineEnvironment(env.name, stringify({ ...parse(stringify(env.config)), delivery: { ...env.config.delivery, strategy: 'rolling' }, backend: { ...env.config.backend } }));

describe.each(CASES)('canary on %s', (_n, env) => {
  const objects = objectsOf(env);
  const rolling = objectsOf(rollingOf(env));
  const canaried = ['backend', ...(env.config.delivery.canary.frontend ? ['frontend'] : [])];

  test('the validation gate passes: the Rollout and AnalysisTemplate schemas and CEL rules, Pod Security, references', () => {
    expect(validateObjects(objects.map(({ __file: _f, ...o }) => o), contextOf(env))).toEqual([]);
  });

  test.each(['backend', 'frontend'])('%s: a Rollout with exactly the pod template, selector and history the Deployment had', (name) => {
    const deployment = find(rolling, 'Deployment', name);
    if (!canaried.includes(name)) {
      expect(find(objects, 'Deployment', name)).toEqual(deployment);
      expect(objects.filter((o) => o.kind === 'Rollout' && o.metadata.name === name)).toEqual([]);
      return;
    }
    expect(objects.filter((o) => o.kind === 'Deployment' && o.metadata.name === name)).toEqual([]);
    const rollout = find(objects, 'Rollout', name);
    expect(rollout.apiVersion).toBe('argoproj.io/v1alpha1');
    expect(rollout.metadata).toEqual({ ...deployment.metadata, annotations: { [SYNC_WAVE]: '2', 'argocd.argoproj.io/sync-options': 'SkipDryRunOnMissingResource=true' } });
    expect(rollout.spec.selector).toEqual(deployment.spec.selector);
    expect(rollout.spec.replicas).toEqual(deployment.spec.replicas);
    expect(rollout.spec.revisionHistoryLimit).toEqual(deployment.spec.revisionHistoryLimit);
    // Probes, preStop, security context, volumes, init containers (wait-for-schema), spread: all the same,
    // except that the per-revision spread counts Argo Rollouts' ReplicaSets by their hash label.
    const spread = (t: any) => t.spec.topologySpreadConstraints.map((c: any) => c.matchLabelKeys);
    expect(spread(deployment.spec.template)).toEqual([['pod-template-hash'], ['pod-template-hash']]);
    expect(spread(rollout.spec.template)).toEqual([['rollouts-pod-template-hash'], ['rollouts-pod-template-hash']]);
    const withoutSpread = (t: any) => ({ ...t, spec: { ...t.spec, topologySpreadConstraints: t.spec.topologySpreadConstraints.map(({ matchLabelKeys: _k, ...c }: any) => c) } });
    expect(withoutSpread(rollout.spec.template)).toEqual(withoutSpread(deployment.spec.template));
    expect(rollout.spec.template.spec.containers[0].lifecycle.preStop.sleep.seconds).toBe(env.config.pod.preStopSleepSeconds);
    // Never fewer pods than wanted; a canary that never gets Ready aborts.
    expect(rollout.spec.strategy.canary).toMatchObject({ maxUnavailable: 0, maxSurge: '25%', stableService: `${name}-service`, canaryService: `${name}-canary` });
    expect(rollout.spec).toMatchObject({ progressDeadlineAbort: true, progressDeadlineSeconds: 600 });
  });

  test('the HPA scales the Rollout; the PDBs and NetworkPolicies select its pods as before', () => {
    const hpa = find(objects, 'HorizontalPodAutoscaler', 'backend-hpa');
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'backend' });
    expect(find(objects, 'Rollout', 'backend').spec.replicas).toBeUndefined();
    for (const kind of ['PodDisruptionBudget', 'NetworkPolicy']) {
      expect(objects.filter((o) => o.kind === kind)).toEqual(rolling.filter((o) => o.kind === kind));
    }
  });

  test('the canary Services have the stable Service\'s selector and ports; the ServiceMonitor scrapes every backend pod once, with its hash', () => {
    for (const name of canaried) {
      const stable = find(objects, 'Service', `${name}-service`);
      expect(stable).toEqual(find(rolling, 'Service', `${name}-service`));
      expect(find(objects, 'Service', `${name}-canary`).spec).toEqual(stable.spec);
    }
    const metrics = find(objects, 'Service', 'backend-metrics');
    expect(metrics.spec).toEqual({ ...find(objects, 'Service', 'backend-service').spec, clusterIP: 'None' });
    const sm = find(objects, 'ServiceMonitor', 'backend');
    expect(sm.spec.podTargetLabels).toEqual(['rollouts-pod-template-hash']);
    const services = objects.filter((o) => o.kind === 'Service' && Object.entries(sm.spec.selector.matchLabels).every(([k, v]) => o.metadata.labels[k] === v));
    expect(services.map((s) => s.metadata.name)).toEqual(['backend-metrics']);
    // Rolling: the ServiceMonitor selects backend-service, as before.
    expect(find(rolling, 'ServiceMonitor', 'backend').spec.podTargetLabels).toBeUndefined();
  });

  test('each step sets the weight, then is judged by the workload\'s AnalysisTemplate (never only a pause)', () => {
    const steps = find(objects, 'Rollout', 'backend').spec.strategy.canary.steps;
    const weights = env.config.delivery.canary.steps;
    expect(steps).toEqual(weights.flatMap((w) => [
      { setWeight: w },
      { analysis: { templates: [{ templateName: CANARY_ANALYSIS_TEMPLATE }], args: [{ name: 'canary-hash', valueFrom: { podTemplateHashValue: 'Latest' } }] } },
    ]));
    if (canaried.includes('frontend')) {
      expect(find(objects, 'Rollout', 'frontend').spec.strategy.canary.steps).toEqual(weights.flatMap((w) => [{ setWeight: w }, { analysis: { templates: [{ templateName: FRONTEND_ANALYSIS_TEMPLATE }] } }]));
      expect(objects.filter((o) => o.kind === 'Rollout').flatMap((r) => r.spec.strategy.canary.steps).filter((st: any) => 'pause' in st)).toEqual([]);
    }
  });

  test('the AnalysisTemplate: the SLIs of lib/delivery/analysis.ts, the configured window, measurements and Prometheus', () => {
    const t = find(objects, 'AnalysisTemplate', CANARY_ANALYSIS_TEMPLATE);
    const a = env.config.delivery.canary.analysis;
    const metrics = canaryMetrics(env, { hash: '{{args.canary-hash}}', window: a.window, minRequests: a.minRequests });
    expect(t.spec.metrics).toEqual(metrics.map((m) => expect.objectContaining({
      name: m.name, interval: a.interval, initialDelay: a.window, count: a.count, failureLimit: 0, inconclusiveLimit: 0,
      successCondition: m.successCondition, failureCondition: m.failureCondition,
      provider: { prometheus: { address: `http://prometheus-operated.${env.config.network.monitoringNamespace}.svc:9090`, query: m.query, timeout: 30 } },
    })));
    // Before the Rollout reads it (prerequisites), the migration Job before the Rollout (as before the Deployment).
    expect(t.metadata.annotations[SYNC_WAVE]).toBe('-1');
    const rollout = find(objects, 'Rollout', 'backend');
    const job = objects.find((o) => o.kind === 'Job' && o.metadata.labels['app.kubernetes.io/component'] === 'migration');
    if (job?.metadata.annotations?.['argocd.argoproj.io/hook']) expect(Number(job.metadata.annotations[SYNC_WAVE])).toBeLessThan(Number(rollout.metadata.annotations[SYNC_WAVE]));
    if (job) expect(job.__file < rollout.__file).toBe(true);
    // The new pods still wait for the schema of their image.
    if (env.config.migrations.waitForSchema) expect(rollout.spec.template.spec.initContainers.map((c: any) => c.name)).toContain('wait-for-schema');
  });

  test('the frontend\'s AnalysisTemplate: the edge\'s counts of the canary Service alone, same limits, window and Prometheus', () => {
    if (!canaried.includes('frontend')) {
      expect(objects.filter((o) => o.kind === 'AnalysisTemplate').map((t) => t.metadata.name)).toEqual([CANARY_ANALYSIS_TEMPLATE]);
      return;
    }
    const t = find(objects, 'AnalysisTemplate', FRONTEND_ANALYSIS_TEMPLATE);
    expect(t.__file).toMatch(/20-frontend\.yaml$/);
    const a = env.config.delivery.canary.analysis;
    const metrics = frontendCanaryMetrics(env, { window: a.window, minRequests: a.minRequests });
    const backend = canaryMetrics(env, { hash: 'x', window: a.window, minRequests: a.minRequests });
    expect(metrics.map((m) => [m.name, m.limit, m.successCondition, m.failureCondition])).toEqual(backend.map((m) => [m.name, m.limit, m.successCondition, m.failureCondition]));
    expect(t.spec.args).toBeUndefined();
    expect(t.spec.metrics).toEqual(metrics.map((m) => expect.objectContaining({
      name: m.name, interval: a.interval, initialDelay: a.window, count: a.count, failureLimit: 0, inconclusiveLimit: 0,
      successCondition: m.successCondition, failureCondition: m.failureCondition,
      provider: { prometheus: { address: `http://prometheus-operated.${env.config.network.monitoringNamespace}.svc:9090`, query: m.query, timeout: 30 } },
    })));
    // Only the canary's: ingress-nginx's canary upstream label, or the Envoy cluster of the canary's backendRef.
    const only = env.config.edge.kind === 'gateway'
      ? `envoy_cluster_name="httproute/${env.config.namespace}/pensioen-frontend/rule/0/backend/1"`
      : `canary="${env.config.namespace}-frontend-canary-${env.config.frontend.port}"`;
    for (const m of metrics) {
      const selectors = [...m.query.matchAll(/\{([^}]*)\}/g)].map((x) => x[1]);
      expect(selectors.length).toBeGreaterThan(0);
      for (const sel of selectors) expect(sel).toContain(only);
    }
    // The series it reads are in the catalogue (docs/monitoring.md): produced by the edge this environment has.
    const known = new Set(seriesProducers(env).map((p) => p.metric));
    expect(metrics.flatMap((m) => metricNames(m.query)).filter((n) => !known.has(n))).toEqual([]);
  });

  test('traffic is split by the edge', () => {
    const routing = (name: string) => find(objects, 'Rollout', name).spec.strategy.canary.trafficRouting;
    if (env.config.edge.kind === 'gateway') {
      expect(routing('backend')).toEqual({ plugins: { [GATEWAY_API_PLUGIN]: { httpRoute: 'pensioen-api', namespace: env.config.namespace } } });
      // Every rule of the routes names both Services, 100/0 as the plugin leaves them after a release.
      const route = find(objects, 'HTTPRoute', 'pensioen-api');
      for (const r of route.spec.rules) {
        expect(r.backendRefs).toEqual([{ name: 'backend-service', port: env.config.backend.port, weight: 100 }, { name: 'backend-canary', port: env.config.backend.port, weight: 0 }]);
      }
      if (canaried.includes('frontend')) {
        expect(routing('frontend')).toEqual({ plugins: { [GATEWAY_API_PLUGIN]: { httpRoute: 'pensioen-frontend', namespace: env.config.namespace } } });
        // Each backendRef with a filter of its own: Envoy Gateway gives each its own cluster (rule/0/backend/<i>),
        // which the frontend's analysis reads.
        expect(find(objects, 'HTTPRoute', 'pensioen-frontend').spec.rules[0].backendRefs).toEqual([['frontend-service', 100, 'stable'], ['frontend-canary', 0, 'canary']].map(([name, weight, release]) => ({
          name, port: env.config.frontend.port, weight, filters: [{ type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: RELEASE_HEADER, value: release }] } }],
        })));
      }
    } else {
      expect(routing('backend')).toEqual({ nginx: { stableIngress: 'pensioen-ingress' } });
      if (canaried.includes('frontend')) expect(routing('frontend')).toEqual({ nginx: { stableIngress: 'pensioen-frontend-ingress' } });
      // The stable Ingresses are unchanged: the controller makes the canary Ingress from them.
      expect(objects.filter((o) => o.kind === 'Ingress')).toEqual(rolling.filter((o) => o.kind === 'Ingress'));
    }
  });
});

describe('config values reach the output', () => {
  test('steps, analysis settings and the Prometheus address follow delivery.canary', () => {
    const env = nginxCanary({ canary: { steps: [5, 100], analysis: { window: '10m', interval: '1m', count: 4, minRequests: 250, prometheusAddress: 'http://prometheus.obs.svc:9090' } } });
    const objects = objectsOf(env);
    expect(find(objects, 'Rollout', 'backend').spec.strategy.canary.steps.filter((s: any) => 'setWeight' in s)).toEqual([{ setWeight: 5 }, { setWeight: 100 }]);
    const m = find(objects, 'AnalysisTemplate', CANARY_ANALYSIS_TEMPLATE).spec.metrics[0];
    expect(m).toMatchObject({ interval: '1m', initialDelay: '10m', count: 4, provider: { prometheus: { address: 'http://prometheus.obs.svc:9090' } } });
    expect(m.provider.prometheus.query).toContain('[10m]');
    expect(m.provider.prometheus.query).toContain('>= 250');
  });

  test('canary.frontend: false keeps the frontend a Deployment on its own route', () => {
    const env = inlineEnvironment('staging', withDelivery('staging', { strategy: 'canary', canary: { frontend: false } }));
    const objects = objectsOf(env);
    expect(find(objects, 'Deployment', 'frontend').kind).toBe('Deployment');
    expect(objects.filter((o) => o.metadata.name === 'frontend-canary')).toEqual([]);
    expect(find(objects, 'HTTPRoute', 'pensioen-frontend').spec.rules[0].backendRefs).toEqual([{ name: 'frontend-service', port: env.config.frontend.port }]);
  });

  test('rolling: no Argo Rollouts object at all', () => {
    const objects = objectsOf(inlineEnvironment('staging', withDelivery('staging', { strategy: 'rolling' })));
    expect(objects.filter((o) => o.apiVersion.startsWith('argoproj.io/') && o.kind !== 'Application')).toEqual([]);
    expect(objects.filter((o) => o.kind === 'Service').map((s) => s.metadata.name)).not.toContain('backend-canary');
    expect(find(objects, 'HorizontalPodAutoscaler', 'backend-hpa').spec.scaleTargetRef.kind).toBe('Deployment');
  });
});

describe('the gate checks what the Rollout refers to', () => {
  const env = environment('staging');
  const rule = (edit: (objects: any[]) => void) => {
    const objects = objectsOf(env);
    edit(objects);
    return validateObjects(objects.map(({ __file: _f, ...o }) => o), contextOf(env)).map((f) => `${f.rule} ${f.message}`);
  };
  test('a missing canary Service, HTTPRoute or AnalysisTemplate is a ref-rollout finding', () => {
    expect(rule((o) => o.splice(o.findIndex((x) => x.kind === 'Service' && x.metadata.name === 'backend-canary'), 1)))
      .toContainEqual('ref-rollout spec.strategy.canary.canaryService: Service backend-canary is not in the output');
    expect(rule((o) => o.splice(o.findIndex((x) => x.kind === 'AnalysisTemplate'), 1)))
      .toContainEqual('ref-rollout spec.strategy.canary.steps[1].analysis: AnalysisTemplate backend-canary is not in the output');
    expect(rule((o) => { find(o, 'Rollout', 'backend').spec.strategy.canary.trafficRouting.plugins[GATEWAY_API_PLUGIN].httpRoute = 'other'; }))
      .toContainEqual('ref-rollout trafficRouting.plugins.argoproj-labs/gatewayAPI.httpRoute: HTTPRoute other is not in the output');
  });
  test('the Rollout CRD\'s schema and Pod Security apply to its pod template', () => {
    expect(rule((o) => { find(o, 'Rollout', 'backend').spec.strategy.canary.steps[0].setWeight = 'ten'; }))
      .toContainEqual(expect.stringMatching(/^schema-type \/spec\/strategy\/canary\/steps\/0\/setWeight/));
    expect(rule((o) => { find(o, 'Rollout', 'backend').spec.template.spec.securityContext.runAsNonRoot = false; }))
      .toContainEqual(expect.stringMatching(/^pss-/));
  });
});

test('the fixture README names the canary fixture', () => {
  expect(fixtureText('staging')).toMatch(/strategy: canary/);
});

describe('preflight: whether the Argo Rollouts controller (and the plugin) is installed', () => {
  const whats = (env: Environment) => preflightChecks(env, objectsOf(env)).filter((c) => /Argo Rollouts|HTTPRoutes in/.test(c.what));
  test('Gateway API edge: the controller, the plugin in its ConfigMap, and the plugin\'s right to update the routes', () => {
    const checks = whats(environment('staging'));
    expect(checks.map((c) => c.command)).toEqual([
      "kubectl get crd analysisruns.argoproj.io >/dev/null && kubectl -n argo-rollouts get deployment -l app.kubernetes.io/name=argo-rollouts -o jsonpath='{.items[*].status.availableReplicas}'",
      "kubectl -n argo-rollouts get configmap argo-rollouts-config -o jsonpath='{.data.trafficRouterPlugins}'",
      'kubectl auth can-i update httproutes.gateway.networking.k8s.io -n pensioen --as=system:serviceaccount:argo-rollouts:argo-rollouts',
    ]);
    expect('- name: "argoproj-labs/gatewayAPI"\n  location: "file:///plugins/x"').toMatch(checks[1].expect as RegExp);
    expect('- name: "argoproj-labs/openshift"').not.toMatch(checks[1].expect as RegExp);
    expect('1').toMatch(checks[0].expect as RegExp);
    expect('0').not.toMatch(checks[0].expect as RegExp);
  });
  test('ingress-nginx: the controller only (its nginx routing is built in); its namespace from delivery.canary.controllerNamespace', () => {
    expect(whats(nginxCanary({ canary: { controllerNamespace: 'rollouts' } })).map((c) => c.command)).toEqual([
      "kubectl get crd analysisruns.argoproj.io >/dev/null && kubectl -n rollouts get deployment -l app.kubernetes.io/name=argo-rollouts -o jsonpath='{.items[*].status.availableReplicas}'",
    ]);
  });
  test('rolling: no Argo Rollouts check', () => {
    expect(whats(environment('production'))).toEqual([]);
  });
});

describe('the cache password rotation restarts the backend as what it is', () => {
  // Regression: the rotation procedure said `kubectl rollout restart deployment/backend` in a canary
  // environment, where the backend is a Rollout (kubectl rollout knows no Rollouts, and there is no Deployment).
  test('canary: the backend is restarted and awaited with the Argo Rollouts plugin; HAProxy with kubectl', () => {
    const env = nginxCanary();
    const roll = rotationSteps(env).flatMap((s) => s.actions).filter((a) => a.kind === 'roll');
    expect(roll.flatMap((a) => (a.kind === 'roll' ? a.targets : []))).toEqual([`statefulset/${env.config.redis.engine === 'valkey' ? 'valkey' : 'redis'}`, 'deployment/redis-haproxy', 'rollout/backend']);
    const md = rotationMarkdown(env);
    expect(md).toContain('   kubectl -n $NS rollout restart deployment/redis-haproxy\n   kubectl argo rollouts -n $NS restart backend\n');
    expect(md).toContain('   kubectl argo rollouts -n $NS status backend --timeout 15m');
    expect(md).not.toMatch(/deployment\/backend|rollout\/backend/);
  });

  test('rolling: the backend Deployment is restarted with HAProxy', () => {
    const md = rotationMarkdown(environment('production'));
    expect(md).toContain('kubectl -n $NS rollout restart deployment/redis-haproxy deployment/backend');
    expect(md).not.toContain('argo rollouts');
  });
});
