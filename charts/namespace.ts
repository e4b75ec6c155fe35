import type { Construct } from 'constructs';
import { EnvChart, type EnvChartProps } from '../lib/constructs/env-chart';
import { k8s } from '../lib/k8s';
import { ClusterImagePolicyV1Beta1 } from '../imports/sigstore-clusterimagepolicies-policy.sigstore.dev';
import { clusterMeta, labels, PART_OF } from '../lib/k8s/labels';
import { SIGSTORE_INCLUDE_LABEL, type SignaturePolicy } from '../lib/images/signature-policy';

export interface NamespaceChartProps extends EnvChartProps {
  /** The sigstore ClusterImagePolicy of the environment's images (`images.signaturePolicy`); none when off. */
  readonly signaturePolicy?: SignaturePolicy;
}

/**
 * The namespace everything else lives in, labelled so that Pod Security admission enforces the
 * "restricted" profile on every pod in it.
 */
export class NamespaceChart extends EnvChart {
  constructor(scope: Construct, id: string, props: NamespaceChartProps) {
    super(scope, id, props.env, '00-namespace.yaml');
    const env = props.env;
    const signatures = props.signaturePolicy;
    new k8s.KubeNamespace(this, 'namespace', {
      metadata: {
        name: env.config.namespace,
        labels: {
          ...labels(env, { name: PART_OF, component: 'namespace' }),
          'pod-security.kubernetes.io/enforce': 'restricted',
          'pod-security.kubernetes.io/enforce-version': 'latest',
          'pod-security.kubernetes.io/audit': 'restricted',
          'pod-security.kubernetes.io/warn': 'restricted',
          // sigstore policy-controller checks only namespaces that opt in.
          ...(signatures ? { [SIGSTORE_INCLUDE_LABEL]: 'true' } : {}),
        },
      },
    });
    // Image signatures (images.signaturePolicy, lib/images/signature-policy.ts): before any pod is created.
    if (signatures) {
      new ClusterImagePolicyV1Beta1(this, 'signature-policy', {
        metadata: clusterMeta(env, signatures.name, { name: PART_OF, component: 'namespace' }),
        spec: signatures.spec,
      });
    }
  }
}
