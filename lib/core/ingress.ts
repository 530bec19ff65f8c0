import { isIP } from 'net';
import { Construct } from 'constructs';
import * as k8s from '../../imports/k8s';
import { meta } from './metadata';
import { isIngressHost } from './validation-rules';
import { PropValidator } from './validation';

/** How a web UI is published through an Ingress controller. */
export interface IngressOptions {
  /** Host name the Ingress answers for (a DNS name, optionally `*.` wildcard). */
  readonly host: string;
  /**
   * IngressClass that serves this Ingress.
   * @default - the cluster's default IngressClass
   */
  readonly ingressClassName?: string;
  /**
   * Secret (type kubernetes.io/tls) with the certificate for `host`; enables TLS on the Ingress.
   * @default - no TLS on the Ingress
   */
  readonly tlsSecretName?: string;
  /**
   * Path prefix routed to the service.
   * @default '/'
   */
  readonly path?: string;
  /**
   * Annotations for the Ingress controller (e.g. cert-manager or nginx settings).
   * @default - none
   */
  readonly annotations?: { [key: string]: string };
  /**
   * Who may reach the backend port through the NetworkPolicy: the Ingress controller's pods.
   * @default - pods of any namespace (the controller's namespace varies by installation)
   */
  readonly allowFrom?: k8s.NetworkPolicyPeer[];
}

/** Checks IngressOptions at `v`'s path (e.g. `v.child('uiIngress')`). */
export function validateIngress(v: PropValidator, o: IngressOptions | undefined): void {
  if (!o) return;
  v.child('host').check(isIngressHost(o.host) && isIP(o.host as string) === 0,
    'must be a DNS name with at least one dot (e.g. consul.example.com), optionally starting with "*.", not an IP address', o.host);
  if (o.ingressClassName !== undefined) v.child('ingressClassName').dnsSubdomain(o.ingressClassName);
  if (o.tlsSecretName !== undefined) v.child('tlsSecretName').dnsSubdomain(o.tlsSecretName);
  if (o.path !== undefined) {
    // The API server's rules for pathType Prefix (and Exact).
    v.child('path').check(typeof o.path === 'string' && o.path.startsWith('/') && !/\/\/|\/\.\/|\/\.\.\/|%2f/i.test(o.path) && !/\/\.\.?$/.test(o.path),
      'must start with "/" and contain no "//", "/./", "/../" or "%2f", nor end with "/." or "/.."', o.path);
  }
  v.child('annotations').annotations(o.annotations);
  v.child('allowFrom').networkPeers(o.allowFrom);
}

/** An Ingress for one host whose single rule points at `service`:`port` (a named port). */
export function createIngress(scope: Construct, id: string, name: string, namespace: string, labels: Record<string, string>,
  serviceName: string, portName: string, o: IngressOptions): k8s.KubeIngress {
  return new k8s.KubeIngress(scope, id, {
    metadata: meta(name, namespace, labels, o.annotations),
    spec: {
      ingressClassName: o.ingressClassName,
      tls: o.tlsSecretName ? [{ hosts: [o.host], secretName: o.tlsSecretName }] : undefined,
      rules: [{
        host: o.host,
        http: {
          paths: [{
            path: o.path ?? '/',
            pathType: 'Prefix',
            backend: { service: { name: serviceName, port: { name: portName } } },
          }],
        },
      }],
    },
  });
}

/** The NetworkPolicy rule that lets the Ingress controller reach `portName`. */
export function ingressControllerRule(portName: string, o: IngressOptions): k8s.NetworkPolicyIngressRule {
  return { from: o.allowFrom ?? [{ namespaceSelector: {} }], ports: [{ port: k8s.IntOrString.fromString(portName), protocol: 'TCP' }] };
}
