// Internal: NetworkPolicy building blocks: both directions restricted, DNS always allowed out.
import * as k8s from '../../imports/k8s';

/** Name resolution, wherever the cluster DNS runs (including NodeLocal DNSCache's link-local address). */
const DNS_EGRESS: k8s.NetworkPolicyEgressRule = {
  to: [{ namespaceSelector: {} }, { ipBlock: { cidr: '169.254.20.10/32' } }],
  ports: [{ port: k8s.IntOrString.fromNumber(53), protocol: 'UDP' }, { port: k8s.IntOrString.fromNumber(53), protocol: 'TCP' }],
};

/** A named TCP (or given protocol) port in a NetworkPolicy rule. */
export function policyPort(name: string, protocol = 'TCP'): k8s.NetworkPolicyPort {
  return { port: k8s.IntOrString.fromString(name), protocol };
}

/** A NetworkPolicy spec selecting `selector`, with both directions restricted: egress always includes DNS. */
export function networkPolicySpec(selector: Record<string, string>, ingress: k8s.NetworkPolicyIngressRule[],
  egress: k8s.NetworkPolicyEgressRule[]): k8s.NetworkPolicySpec {
  // No `ingress: []`: the API server drops an empty list, so writing one would make every apply a change (and
  // GitOps tools never settle). `policyTypes: [Ingress]` with no rules already denies all ingress.
  return {
    podSelector: { matchLabels: selector },
    policyTypes: ['Ingress', 'Egress'],
    ...(ingress.length > 0 ? { ingress } : {}),
    egress: [DNS_EGRESS, ...egress],
  };
}
