#!/usr/bin/env node
// Regenerates imports/k8s.ts offline.
//
// `cdk8s import k8s@1.27.0` downloads the schema from the internet, which this project's machines cannot reach.
// This script drives cdk8s-cli's own generator (ImportKubernetesApi) on the local copy of the same schema,
// so the output is exactly what `cdk8s import` would write.
//
// usage: npm run import [-- <path to _definitions.json>]
// default schema: ../shared/k8s-schemas/v1.27.0/_definitions.json (next to this repository)
'use strict';
const fs = require('fs');
const path = require('path');

const K8S_VERSION = '1.27.0';
const root = path.resolve(__dirname, '..');
const schemaPath = path.resolve(process.argv[2] ?? path.join(root, '..', 'shared', 'k8s-schemas', `v${K8S_VERSION}`, '_definitions.json'));

async function main() {
  if (!fs.existsSync(schemaPath)) {
    throw new Error(`schema not found at ${schemaPath} (pass the path to _definitions.json as the first argument)`);
  }
  // The generator fetches the schema through util.download(url); answer that call from the local file instead.
  // cdk8s-cli's package.json "exports" hides lib/, so load its files by path.
  const cli = path.dirname(require.resolve('cdk8s-cli/package.json'));
  const util = require(path.join(cli, 'lib', 'util'));
  util.download = async (url) => {
    if (!url.endsWith(`/v${K8S_VERSION}/_definitions.json`)) {
      throw new Error(`unexpected download during offline import: ${url}`);
    }
    return fs.readFileSync(schemaPath, 'utf-8');
  };
  const { ImportKubernetesApi } = require(path.join(cli, 'lib', 'import', 'k8s'));
  const { Language } = require(path.join(cli, 'lib', 'import', 'base'));
  const importer = new ImportKubernetesApi({ apiVersion: K8S_VERSION });
  await importer.import({ outdir: path.join(root, 'imports'), targetLanguage: Language.TYPESCRIPT });
  console.error(`imports/k8s.ts generated from ${path.relative(root, schemaPath)}`);
}

main().catch((e) => {
  console.error(e.message ?? e);
  process.exit(1);
});
