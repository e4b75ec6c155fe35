import type { Construct } from 'constructs';
import type { EnvConfig } from '../lib/config';
import { EnvChart, type EnvChartProps } from '../lib/constructs/env-chart';
import { Workload } from '../lib/constructs/workload';
import { AnalysisTemplate } from '../imports/rollouts-analysistemplates-argoproj.io';
import { httpProbe, livenessAndStartup } from '../lib/k8s/hardened';
import { versionOfImage } from '../lib/k8s/labels';
import { FRONTEND, FRONTEND_DEPLOYMENT, FRONTEND_SERVICE } from '../lib/names';
import { canaryServiceFor, type WorkloadCanary } from '../lib/delivery/rollout';

export { FRONTEND, FRONTEND_DEPLOYMENT, FRONTEND_SERVICE };

export interface FrontendChartProps extends EnvChartProps {
  /** `frontend`. */
  readonly frontend: EnvConfig['frontend'];
  /** The API's public URL the browser calls (NEXT_PUBLIC_API_URL, from the edge's API host). */
  readonly apiUrl: string;
  /** With `delivery.canary.frontend` (lib/delivery/rollout.ts, `frontendCanary`): the Rollout and its AnalysisTemplate. @default - a Deployment */
  readonly canary?: WorkloadCanary;
}

/**
 * The Next.js frontend: a `Workload` (ServiceAccount, Deployment, Service `frontend-service`, PodDisruptionBudget).
 * With a `canary` an Argo Rollouts Rollout `frontend` with the same pod template instead of the Deployment,
 * the Service `frontend-canary` and the AnalysisTemplate `frontend-canary` that judges each step (lib/delivery/rollout.ts).
 */
export class FrontendChart extends EnvChart {
  readonly workload: Workload;
  /** With a canary: the name of the canary Service beside `frontend-service` (an edge's routes name both). */
  readonly canaryService?: string;

  constructor(scope: Construct, id: string, props: FrontendChartProps) {
    super(scope, id, props.env, '20-frontend.yaml');
    const f = props.frontend;
    this.workload = new Workload(this, 'frontend', {
      name: FRONTEND_DEPLOYMENT,
      labels: { ...FRONTEND, version: versionOfImage(f.image) },
      containers: [{
        name: 'frontend',
        image: `${props.env.config.registry}/${f.image}`,
        ports: [{ name: 'http', containerPort: f.port }],
        env: [
          // Baked into the browser bundle by `next build` unless the image reads it at run time: one image per
          // API host (a config rule across environments, see frontend.runtimeApiUrl).
          { name: 'NEXT_PUBLIC_API_URL', value: props.apiUrl },
          { name: 'PORT', value: String(f.port) },
          { name: 'HOSTNAME', value: '0.0.0.0' },
          { name: 'NEXT_TELEMETRY_DISABLED', value: '1' },
        ],
        resources: f.resources,
        // A server-rendered page may call the API: liveness is a TCP check (or a dependency-free path).
        ...livenessAndStartup('http', f.livenessProbe, f.startupProbe),
        readinessProbe: httpProbe(f.healthPath, 'http', f.readinessProbe),
        writablePaths: f.writablePaths,
      }],
      scale: { replicas: f.replicas },
      service: { name: FRONTEND_SERVICE, ports: [{ name: 'http', port: f.port }] },
      pdb: f.pdb,
      ...(props.canary ? { controller: props.canary.controller } : {}),
    });
    if (props.canary) {
      this.canaryService = canaryServiceFor(this, props.env, this.workload, 'frontend', FRONTEND).name;
      new AnalysisTemplate(this, 'frontend-canary-analysis', props.canary.analysisTemplate);
    }
  }
}
