/**
 * The AnalysisTemplate of the canary (lib/delivery/analysis-template.ts), built with the typed class of the
 * imported Argo Rollouts v1.9.1 CRD and judged by the validation gate (the CRD's schema and CEL rules).
 */
import { App, Chart } from 'cdk8s';
import { environments } from './helpers';
import { CANARY_ANALYSIS_TEMPLATE, CANARY_HASH_ARG, canaryAnalysisTemplate } from '../lib/delivery/analysis-template';
import { canaryMetrics } from '../lib/delivery/analysis';
import { contextOf, validateObjects } from '../lib/validate';

const OPTS = { prometheusAddress: 'http://kube-prometheus-stack-prometheus.monitoring:9090', window: '5m', minRequests: 100, interval: '5m', count: 3 };

describe.each(environments().map((e) => [e.name, e] as const))('AnalysisTemplate of %s', (_n, env) => {
  const chart = new Chart(new App(), 'scratch', { disableResourceNameHashes: true });
  canaryAnalysisTemplate(chart, env, OPTS);
  const [obj] = chart.toJson();

  test('passes the validation gate: the Rollouts CRD\'s schema and CEL rules', () => {
    expect(obj).toMatchObject({ apiVersion: 'argoproj.io/v1alpha1', kind: 'AnalysisTemplate', metadata: { name: CANARY_ANALYSIS_TEMPLATE, namespace: env.config.namespace } });
    expect(validateObjects([obj as any], contextOf(env))).toEqual([]);
  });

  test('one metric per SLI, the canary hash as argument, one failure aborts, one inconclusive pauses', () => {
    const metrics = canaryMetrics(env, { hash: `{{args.${CANARY_HASH_ARG}}}`, window: '5m', minRequests: 100 });
    expect(obj.spec.args).toEqual([{ name: CANARY_HASH_ARG }]);
    expect(obj.spec.metrics.map((m: any) => m.name)).toEqual(['error-ratio', 'latency-ratio']);
    obj.spec.metrics.forEach((m: any, i: number) => {
      expect(m).toMatchObject({ interval: '5m', count: 3, failureLimit: 0, inconclusiveLimit: 0, successCondition: metrics[i].successCondition, failureCondition: metrics[i].failureCondition });
      expect(m.provider.prometheus).toEqual({ address: OPTS.prometheusAddress, query: metrics[i].query, timeout: 30 });
      expect(m.provider.prometheus.query).toContain(`rollouts_pod_template_hash="{{args.${CANARY_HASH_ARG}}}"`);
    });
  });
});

test('a broken template is refused by the gate (the schema is really checked)', () => {
  const env = environments()[0];
  const chart = new Chart(new App(), 'scratch', { disableResourceNameHashes: true });
  canaryAnalysisTemplate(chart, env, OPTS);
  const [obj] = chart.toJson();
  const broken = { ...obj, spec: { ...obj.spec, metrics: [{ ...obj.spec.metrics[0], provider: undefined }] } };
  expect(validateObjects([broken as any], contextOf(env)).map((f) => `${f.rule} ${f.message}`)).toEqual([expect.stringMatching(/^schema-required \/spec\/metrics\/0\/provider: required field is missing/)]);
});
