/** Building blocks of NetworkPolicies, shared by every chart that writes one. */
import type { EnvConfig } from '../config';
import type { ClusterDns } from '../config/context';
import { k8s } from './';

/** A TCP port of a NetworkPolicy rule. */
export const tcp = (port: number): k8s.NetworkPolicyPort => ({ protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) });

/** Every pod of one namespace (by the label Kubernetes sets on every namespace). */
export const fromNamespace = (ns: string): k8s.NetworkPolicyPeer => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } } });

/**
 * Prometheus: its pods (`network.prometheusPodLabels`) in the monitoring namespace, never every pod there.
 * The Prometheus Operator labels every Prometheus pod `app.kubernetes.io/name: prometheus`.
 */
export function fromPrometheus(c: { readonly network: Pick<EnvConfig['network'], 'monitoringNamespace' | 'prometheusPodLabels'> }): k8s.NetworkPolicyPeer {
  return { ...fromNamespace(c.network.monitoringNamespace), podSelector: { matchLabels: c.network.prometheusPodLabels } };
}

/** Egress to the cluster DNS (`network.dnsNamespace`, `network.dnsPodLabels`) on 53, UDP and TCP. */
export function dnsEgress(c: { readonly network: ClusterDns }): k8s.NetworkPolicyEgressRule {
  return {
    to: [{ ...fromNamespace(c.network.dnsNamespace), podSelector: { matchLabels: c.network.dnsPodLabels } }],
    ports: [{ protocol: 'UDP', port: k8s.IntOrString.fromNumber(53) }, tcp(53)],
  };
}
