import type { EnvConfig } from '.';

/**
 * The environment context every chart gets besides its own config section: what all objects of one
 * environment share. Its name and config file (for messages), the namespace and `app.kubernetes.io/instance`
 * of its objects, the release version (`app.kubernetes.io/version`: the backend image's tag), the registry of
 * its images, the pod defaults (`pod`) and the cluster DNS every pod's egress policy allows.
 *
 * A structural subset of `Environment`, so that an `Environment` is one: the label, metadata, pod and
 * network helpers of lib/k8s take an `EnvContext` and can read nothing else. A chart's own settings come in
 * its props, never through the context.
 */
export interface EnvContext {
  readonly name: string;
  readonly file: string;
  readonly config: Pick<EnvConfig, 'namespace' | 'instance' | 'registry' | 'pod'> & {
    /** Its tag is the release version every object's `app.kubernetes.io/version` defaults to. */
    readonly backend: Pick<EnvConfig['backend'], 'image'>;
    /** The cluster DNS (`network.dnsNamespace`, `network.dnsPodLabels`). */
    readonly network: ClusterDns;
  };
}

/** Where the cluster DNS runs: every pod's egress policy allows it. */
export type ClusterDns = Pick<EnvConfig['network'], 'dnsNamespace' | 'dnsPodLabels'>;

/**
 * The context of an environment as its own object: only what `EnvContext` names, so that a chart cannot reach a
 * config section through its context even by a cast.
 */
export function envContextOf(env: EnvContext): EnvContext {
  const c = env.config;
  return {
    name: env.name,
    file: env.file,
    config: {
      namespace: c.namespace,
      instance: c.instance,
      registry: c.registry,
      pod: c.pod,
      backend: { image: c.backend.image },
      network: { dnsNamespace: c.network.dnsNamespace, dnsPodLabels: c.network.dnsPodLabels },
    },
  };
}
