// The real cert-manager controller against the e2e control plane, as a cluster would run it: its CRDs installed (the
// ones imports/cert-manager.io.ts is generated from), the controller (built by test/e2e/install.sh from the pinned
// cert-manager module, .tools/cert-manager-<version>/) watching every namespace, and an issuer chain of the kind a
// cluster operator sets up: a self-signed ClusterIssuer signs a CA Certificate, whose Secret backs the CA ClusterIssuer
// `e2e-ca` that the tests (and the constructs' Certificates) name.
//
// Only the controller runs: no webhook, no cainjector. Without the webhook nothing validates or mutates cert-manager
// objects on admission (the API server checks them against the CRD's OpenAPI schema only), CertificateRequests carry
// no requester identity and approval is not checked against RBAC; the objects we write must be complete and valid by
// themselves. The cainjector only patches CA bundles into webhook configurations, APIServices and CRD conversion,
// none of which we use.
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import { Certificate, CertificateSpecPrivateKeyAlgorithm, ClusterIssuer } from '../../../imports/cert-manager.io';
import { ClusterInfo, ROOT, kubectlPath } from './control-plane';
import { CERT_MANAGER_CRDS, pinnedCrdDir } from './crds';
import { KubeClient, KubeObject, apiPath } from './kube';
import { Daemon, run, startDaemon, waitFor } from './proc';

/** The cert-manager release: the module import-crds.js pins, and the controller install.sh builds. */
export const CERT_MANAGER_VERSION = 'v1.15.5';
/** Where the Secrets of ClusterIssuers live (the controller's --cluster-resource-namespace, as in the chart). */
export const CERT_MANAGER_NAMESPACE = 'cert-manager';
/** The self-signed ClusterIssuer that signs the CA. */
export const SELF_SIGNED_ISSUER = 'e2e-selfsigned';
/** The CA ClusterIssuer every test names; its CA certificate and key are the Secret of the same name. */
export const CA_ISSUER = 'e2e-ca';

export function certManagerBinary(): string {
  return path.join(ROOT, '.tools', `cert-manager-${CERT_MANAGER_VERSION}`, 'bin', 'cert-manager-controller');
}

/** The issuer chain, written with the imported types (so the e2e run exercises imports/cert-manager.io.ts too). */
export function issuerChain(): KubeObject[] {
  const chart = new Chart(new App(), 'cert-manager-bootstrap');
  new ClusterIssuer(chart, 'selfsigned', { metadata: { name: SELF_SIGNED_ISSUER }, spec: { selfSigned: {} } });
  new Certificate(chart, 'ca', {
    metadata: { name: CA_ISSUER, namespace: CERT_MANAGER_NAMESPACE },
    spec: {
      isCa: true,
      commonName: 'cdk8s-stateful-constructs e2e CA',
      secretName: CA_ISSUER,
      privateKey: { algorithm: CertificateSpecPrivateKeyAlgorithm.ECDSA, size: 256 },
      issuerRef: { name: SELF_SIGNED_ISSUER, kind: 'ClusterIssuer', group: 'cert-manager.io' },
    },
  });
  new ClusterIssuer(chart, 'ca-issuer', { metadata: { name: CA_ISSUER }, spec: { ca: { secretName: CA_ISSUER } } });
  return chart.toJson();
}

/** True when a cert-manager object's Ready condition is True. */
export function isReadyCondition(o: KubeObject | undefined): boolean {
  return (o?.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True');
}

/**
 * Installs cert-manager's CRDs, starts its controller with the admin kubeconfig (leader election off: one instance),
 * and sets up the issuer chain; resolves once the CA ClusterIssuer is Ready.
 */
export async function startCertManager(info: ClusterInfo, client: KubeClient): Promise<Daemon> {
  const kubectl = (args: string[], input?: string) => run(kubectlPath(info.version), args, { env: { ...process.env, KUBECONFIG: info.kubeconfig }, input, check: true });
  const crds = await pinnedCrdDir(path.join(info.workDir, 'crds'));
  // the files are named after the kind: crd-certificates.yaml holds certificates.cert-manager.io
  await kubectl(['apply', ...CERT_MANAGER_CRDS.flatMap((crd) => ['-f', path.join(crds, `crd-${crd.split('.')[0]}.yaml`)])]);
  await kubectl(['wait', '--for=condition=established', '--timeout=60s', ...CERT_MANAGER_CRDS.map((c) => `crd/${c}`)]);

  const daemon = startDaemon('cert-manager', certManagerBinary(), [
    `-kubeconfig=${info.kubeconfig}`, `-cluster-resource-namespace=${CERT_MANAGER_NAMESPACE}`, '-v=2',
  ], path.join(info.workDir, 'logs', 'cert-manager.log'));

  const namespace = {
    apiVersion: 'v1', kind: 'Namespace',
    metadata: { name: CERT_MANAGER_NAMESPACE, labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } },
  };
  // The CA ClusterIssuer once its Secret exists: applied with the rest, it would first fail to find the Secret and be
  // retried only after the controller's back-off (5 s).
  const chain = issuerChain();
  const caIssuer = chain.filter((o) => o.kind === 'ClusterIssuer' && o.metadata.name === CA_ISSUER);
  await kubectl(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [namespace, ...chain.filter((o) => !caIssuer.includes(o))] }));
  await waitFor(`Certificate ${CERT_MANAGER_NAMESPACE}/${CA_ISSUER} Ready`, async () => {
    if (!daemon.running) throw new Error(`cert-manager exited: see ${path.join(info.workDir, 'logs', 'cert-manager.log')}`);
    return isReadyCondition(await client.getOrUndefined(apiPath('cert-manager.io/v1', 'certificates', CERT_MANAGER_NAMESPACE, CA_ISSUER)));
  }, 60_000, 250);
  await kubectl(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: caIssuer }));
  await waitFor(`ClusterIssuer ${CA_ISSUER} Ready (cert-manager ${CERT_MANAGER_VERSION})`, async () => {
    if (!daemon.running) throw new Error(`cert-manager exited: see ${path.join(info.workDir, 'logs', 'cert-manager.log')}`);
    return isReadyCondition(await client.getOrUndefined(apiPath('cert-manager.io/v1', 'clusterissuers', undefined, CA_ISSUER)));
  }, 60_000, 250);
  return daemon;
}
