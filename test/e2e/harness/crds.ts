// CustomResourceDefinitions the synthesized output uses, from the pinned Go modules that ship them (as CI's
// kubectl-validate step reads them), installed into the test cluster.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ROOT } from './control-plane';
import { run } from './proc';

/** The sealed-secrets version whose kubeseal CI pins (.ci/tools.sh): its module ships the SealedSecret CRD. */
export const SEALED_SECRETS_MODULE = 'github.com/bitnami-labs/sealed-secrets@v0.27.1';

/** Directory of a module's files in the Go module cache (downloaded from the module proxy when missing). */
export async function moduleDir(module: string): Promise<string> {
  const r = await run('go', ['mod', 'download', '-json', module], { check: true, env: { ...process.env, GOFLAGS: '-mod=mod' } });
  return JSON.parse(r.stdout).Dir;
}

export async function sealedSecretCrdDir(): Promise<string> {
  return path.join(await moduleDir(SEALED_SECRETS_MODULE), 'helm', 'sealed-secrets', 'crds');
}

/** The prometheus-operator CRD directory imports/monitoring.coreos.com.ts is generated from (scripts/import-crds.js pins it). */
export async function prometheusOperatorCrdDir(): Promise<string> {
  const r = await run(process.execPath, [path.join(ROOT, 'scripts', 'import-crds.js'), '--crd-dir'], { check: true });
  return r.stdout.trim();
}

/**
 * The CRDs imports/ is generated from (PodMonitor; cert-manager's Certificate, Issuer, ClusterIssuer and the kinds
 * its controller watches), written by `scripts/import-crds.js --write-crds` into `dir`: what CI's kubectl-validate
 * step reads. cert-manager's are rendered from its chart's CRD sources as its release manifest is.
 */
export async function pinnedCrdDir(dir = path.join(process.env.E2E_WORK_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-')), 'crds')): Promise<string> {
  await run(process.execPath, [path.join(ROOT, 'scripts', 'import-crds.js'), '--write-crds', dir], { check: true });
  return dir;
}

/** The names of cert-manager's CRDs (what `kubectl wait --for=condition=established` waits for). */
export const CERT_MANAGER_CRDS = [
  'certificates.cert-manager.io', 'issuers.cert-manager.io', 'clusterissuers.cert-manager.io',
  'certificaterequests.cert-manager.io', 'orders.acme.cert-manager.io', 'challenges.acme.cert-manager.io',
];

/** Every CRD the synthesized output uses (SealedSecret, PodMonitor, cert-manager's), installed and established. */
export async function crdFiles(): Promise<string[]> {
  return [await sealedSecretCrdDir(), await pinnedCrdDir()];
}
