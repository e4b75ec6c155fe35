import type { Construct } from 'constructs';
import { EnvChart } from '../lib/constructs/env-chart';
import type { Environment } from '../lib/config';
import { k8s } from '../lib/k8s';
import { labels, PART_OF } from '../lib/k8s/labels';

/**
 * The namespace everything else lives in, labelled so that Pod Security admission enforces the
 * "restricted" profile on every pod in it.
 */
export class NamespaceChart extends EnvChart {
  constructor(scope: Construct, env: Environment) {
    super(scope, 'namespace', env, '00-namespace.yaml');
    new k8s.KubeNamespace(this, 'namespace', {
      metadata: {
        name: env.config.namespace,
        labels: {
          ...labels(env, { name: PART_OF, component: 'namespace' }),
          'pod-security.kubernetes.io/enforce': 'restricted',
          'pod-security.kubernetes.io/enforce-version': 'latest',
          'pod-security.kubernetes.io/audit': 'restricted',
          'pod-security.kubernetes.io/warn': 'restricted',
        },
      },
    });
  }
}
