// Internal: the scripts a Consul pod runs, from the script files beside this one: the server's start script (values
// from Secrets into config files, then the agent), its readiness probe, and the snapshot CronJob's work.
import { Size } from 'cdk8s';
import * as k8s from '../../../imports/k8s';
import { ScriptFile } from '../../core/script';
import { SecretKeyRef } from '../../core/secret-key-ref';
import { emptyDir } from '../../core/volumes';
import { PATHS } from './defaults';

const GOSSIP_KEY = ScriptFile.at(__dirname, 'gossip-key.sh');
const ACL_TOKEN = ScriptFile.at(__dirname, 'acl-token.sh');
const START = ScriptFile.at(__dirname, 'start.sh');
const LEADER_HTTP = ScriptFile.at(__dirname, 'leader-http.sh');
const LEADER_HTTPS = ScriptFile.at(__dirname, 'leader-https.sh');
const READINESS = ScriptFile.at(__dirname, 'readiness.sh');
const SNAPSHOT = ScriptFile.at(__dirname, 'snapshot.sh');

/** A value of a Secret that Consul reads only from its configuration, written into a config file at start. */
export interface SecretConfigFile {
  /** The script that writes it: gossip-key.sh or acl-token.sh. */
  readonly kind: 'gossip-key' | 'acl-token';
  /** The prop that names the Secret (for the start script's error). */
  readonly prop: string;
  /** Name of the Secret volume. */
  readonly volume: string;
  /** Where the Secret volume is mounted. */
  readonly mountPath: string;
  readonly ref: SecretKeyRef;
  /** File of the Secret key in the volume. */
  readonly file: string;
  /** The characters the value may have (a shell bracket expression): nothing that could break out of the JSON. */
  readonly charset: string;
  /** Name of the config file on the memory volume. */
  readonly config: string;
  /** With acl-token.sh: also the bare value into this file (for `CONSUL_HTTP_TOKEN_FILE`). */
  readonly tokenFile?: string;
}

/**
 * Each Secret key mounted (mode 0440: root and the fsGroup) and the volumes for the start script, which writes each
 * value into a config file on one memory-backed volume (gossip-key.sh, acl-token.sh), then starts the agent with
 * those files (start.sh).
 */
export function startScript(files: SecretConfigFile[]): { volumes: k8s.Volume[]; volumeMounts: k8s.VolumeMount[]; script: string } {
  const volumes: k8s.Volume[] = [];
  const volumeMounts: k8s.VolumeMount[] = [];
  const blocks: string[] = [];
  for (const f of files) {
    volumes.push({ name: f.volume, secret: { secretName: f.ref.secretName, defaultMode: 0o440, items: [{ key: f.ref.key, path: f.file }] } });
    volumeMounts.push({ name: f.volume, mountPath: f.mountPath, readOnly: true });
    const params = {
      FILE: `${f.mountPath}/${f.file}`, CHARSET: f.charset, PROP: f.prop, SECRET: f.ref.secretName, KEY: f.ref.key,
      CONFIG: `${PATHS.secretConfig}/${f.config}`,
    };
    blocks.push(f.kind === 'acl-token' ? ACL_TOKEN.render({ ...params, TOKEN_FILE: f.tokenFile! }) : GOSSIP_KEY.render(params));
  }
  if (files.length > 0) {
    volumes.push(emptyDir('secret-config', Size.mebibytes(1), true));
    volumeMounts.push({ name: 'secret-config', mountPath: PATHS.secretConfig });
  }
  const start = START.render({ CONFIG_DIR: PATHS.config, FLAGS: files.map((f) => ` -config-file=${PATHS.secretConfig}/${f.config}`).join('') });
  return { volumes, volumeMounts, script: blocks.map((b) => `${b}\n`).join('') + start };
}

/** The readiness probe of a Consul server (readiness.sh, after the leader function of leader-http(s).sh). */
export function readinessScript(peers: string[], tls?: { caFile: string; serverName: string }): string {
  const leader = tls ? LEADER_HTTPS.render({ CA_FILE: tls.caFile, SERVER_NAME: tls.serverName }) : LEADER_HTTP.render();
  return `${leader}\n${READINESS.render({ PEERS: peers })}`;
}

/** The snapshot CronJob's work (snapshot.sh): one verified snapshot file into `backupDir`. */
export function snapshotScript(backupDir: string): string {
  return SNAPSHOT.render({ BACKUP_DIR: backupDir });
}
