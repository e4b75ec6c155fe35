/** Building blocks of NetworkPolicies, shared by every chart that writes one. */
import type { EnvConfig } from '../config';
import { k8s } from './';

/** A TCP port of a NetworkPolicy rule. */
export const tcp = (port: number): k8s.NetworkPolicyPort => ({ protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) });

/** Every pod of one namespace (by the label Kubernetes sets on every namespace). */
export const fromNamespace = (ns: string): k8s.NetworkPolicyPeer => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } } });

/** Egress to the cluster DNS (`network.dnsNamespace`, `network.dnsPodLabels`) on 53, UDP and TCP. */
export function dnsEgress(c: EnvConfig): k8s.NetworkPolicyEgressRule {
  return {
    to: [{ ...fromNamespace(c.network.dnsNamespace), podSelector: { matchLabels: c.network.dnsPodLabels } }],
    ports: [{ protocol: 'UDP', port: k8s.IntOrString.fromNumber(53) }, tcp(53)],
  };
}
