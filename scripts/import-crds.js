#!/usr/bin/env node
// Regenerates the imports of the custom resources we write, offline:
//   imports/monitoring.coreos.com.ts   prometheus-operator's PodMonitor
//   imports/cert-manager.io.ts         cert-manager's Certificate, Issuer and ClusterIssuer
//
// Each CRD is the YAML that ships in the project's Go module at a pinned version, fetched through the Go module proxy
// (`go mod download`, checksum-verified against sum.golang.org), then fed to `cdk8s import`, which reads a local CRD
// file without any other network access. The generated files are committed; CI validates our objects against the
// same CRDs (kubectl-validate --local-crds, with the directory --write-crds fills) and the real-cluster suite
// installs them.
//
// cert-manager's CRDs ship as the sources of its Helm chart's templates (deploy/crds/): plain YAML whose only
// template parts are comments and three label values. They are rendered here as the release's static
// cert-manager.crds.yaml is (`helm template` with crds.enabled=true, creator=static, release name cert-manager):
// labels app, app.kubernetes.io/name and app.kubernetes.io/instance `cert-manager`, app.kubernetes.io/version the
// release; anything else in braces fails the import, so a version bump cannot slip a template through.
//
// usage: npm run import:crds                          regenerate the files
//        npm run import:crds -- --check               CI: regenerate into a temp directory, fail if a committed file differs
//        node scripts/import-crds.js --write-crds DIR  write every pinned CRD (rendered) into DIR (for CI and e2e)
//        node scripts/import-crds.js --crd-dir        print the directory holding the pinned prometheus-operator CRD YAML
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

/** The prometheus-operator release whose CRDs we generate from (the newest the module proxy serves here). */
const PROMETHEUS_OPERATOR = 'github.com/prometheus-operator/prometheus-operator@v0.85.0';
/** The cert-manager release whose CRDs we generate from: the controller test/e2e/install.sh builds (supports 1.27). */
const CERT_MANAGER = 'github.com/cert-manager/cert-manager@v1.15.5';
const root = path.resolve(__dirname, '..');

/**
 * What is imported, from where. `files` are the CRDs written by --write-crds (installed in e2e, given to
 * kubectl-validate); `imported` those the TypeScript file is generated from.
 */
const SOURCES = [
  {
    module: PROMETHEUS_OPERATOR,
    dir: 'example/prometheus-operator-crd',
    files: ['monitoring.coreos.com_podmonitors.yaml'],
    imported: ['monitoring.coreos.com_podmonitors.yaml'],
    output: 'monitoring.coreos.com.ts',
    render: (text) => text,
  },
  {
    module: CERT_MANAGER,
    dir: 'deploy/crds',
    // Every cert-manager CRD: the controller watches CertificateRequests (and expects the ACME kinds to exist).
    files: ['crd-certificates.yaml', 'crd-issuers.yaml', 'crd-clusterissuers.yaml', 'crd-certificaterequests.yaml', 'crd-orders.yaml', 'crd-challenges.yaml'],
    imported: ['crd-certificates.yaml', 'crd-issuers.yaml', 'crd-clusterissuers.yaml'],
    output: 'cert-manager.io.ts',
    render: (text, file) => renderCertManagerCrd(text, file, CERT_MANAGER.split('@')[1]),
  },
];

/** cert-manager's chart CRD source rendered as its static release manifest (see the header). */
function renderCertManagerCrd(text, file, version) {
  const out = [];
  for (const [i, line] of text.split('\n').entries()) {
    // `# START crd {{- if ...}}`, `# END crd {{- end }}`, `# {{- include "cert-manager.crd-check" . }}`: comments
    // holding the chart's conditions; the generated labels line becomes the version label, as with creator=static.
    const generated = /^(\s*)# Generated labels \{\{- include "labels" \. \| nindent 4 \}\}\s*$/.exec(line);
    if (generated) {
      out.push(`${generated[1]}app.kubernetes.io/version: "${version}"`);
      continue;
    }
    if (/^\s*#.*\{\{.*\}\}\s*$/.test(line)) continue;
    const rendered = line
      .replace(/'\{\{ template "cert-manager\.name" \. \}\}'/g, 'cert-manager')
      .replace(/'\{\{ \.Release\.Name \}\}'/g, 'cert-manager');
    if (rendered.includes('{{')) throw new Error(`${file}:${i + 1}: a Helm template this script does not render: ${line.trim()}`);
    out.push(rendered);
  }
  return out.join('\n');
}

/** Directory of a pinned module in the Go module cache (downloaded, checksum-verified, when missing). */
function moduleDir(module) {
  const out = execFileSync('go', ['mod', 'download', '-json', module], { encoding: 'utf-8', cwd: os.tmpdir() });
  const info = JSON.parse(out);
  if (info.Error) throw new Error(`go mod download ${module}: ${info.Error}`);
  return info.Dir;
}

/** Every CRD of every source, rendered: [{ source, file, text }]. */
function crds() {
  return SOURCES.flatMap((source) => {
    const dir = path.join(moduleDir(source.module), source.dir);
    return source.files.map((file) => ({ source, file, text: source.render(fs.readFileSync(path.join(dir, file), 'utf-8'), file) }));
  });
}

function writeCrds(outdir) {
  fs.mkdirSync(outdir, { recursive: true });
  for (const c of crds()) fs.writeFileSync(path.join(outdir, c.file), c.text);
}

/** `cdk8s import` of one source's imported CRDs (one multi-document file, so one output file per API group). */
function generate(source, all, outdir) {
  // From an empty directory: `cdk8s import` adds what it imported to the cdk8s.yaml of its working directory, and
  // this project's cdk8s.yaml is not the generator's to edit.
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'import-crds-'));
  try {
    const input = path.join(work, 'crds.yaml');
    const docs = source.imported.map((file) => all.find((c) => c.source === source && c.file === file).text);
    fs.writeFileSync(input, docs.map((d) => d.trimEnd()).join('\n---\n') + '\n');
    execFileSync(path.join(root, 'node_modules', '.bin', 'cdk8s'), ['import', input, '--output', outdir, '--language', 'typescript'], {
      cwd: work, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' },
    });
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  const generated = path.join(outdir, source.output);
  return fs.readFileSync(generated, 'utf-8')
    .replace('// generated by cdk8s\n', `// generated by cdk8s from ${source.module} ${source.dir} (npm run import:crds)\n`);
}

function main() {
  const [flag, arg] = process.argv.slice(2);
  if (flag === '--crd-dir') {
    console.log(path.join(moduleDir(PROMETHEUS_OPERATOR), SOURCES[0].dir));
    return;
  }
  if (flag === '--write-crds') {
    if (!arg) throw new Error('usage: import-crds.js --write-crds DIR');
    writeCrds(arg);
    console.error(`CRDs of ${SOURCES.map((s) => s.module).join(', ')} written to ${arg}`);
    return;
  }
  const check = flag === '--check';
  const all = crds();
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'import-crds-out-'));
  const stale = [];
  try {
    for (const source of SOURCES) {
      const text = generate(source, all, outdir);
      const committed = path.join(root, 'imports', source.output);
      if (check) {
        if (!fs.existsSync(committed) || fs.readFileSync(committed, 'utf-8') !== text) stale.push(`imports/${source.output} (${source.module})`);
        else console.error(`imports/${source.output} is current (${source.module})`);
      } else {
        fs.writeFileSync(committed, text);
        console.error(`imports/${source.output} generated from ${source.module}`);
      }
    }
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
  if (stale.length > 0) throw new Error(`${stale.join(', ')}: differs from what the pinned module generates: run npm run import:crds`);
}

try {
  main();
} catch (e) {
  console.error(e.message ?? e);
  process.exit(1);
}
