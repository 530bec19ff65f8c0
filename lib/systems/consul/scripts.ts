// Internal: the scripts a Consul server pod runs: the start script (values from Secrets into config files) and the
// readiness probe.
import { Size } from 'cdk8s';
import * as k8s from '../../../imports/k8s';
import { SecretKeyRef } from '../../core/secret-key-ref';
import { emptyDir } from '../../core/volumes';
import { PATHS } from './defaults';

/** A value of a Secret that Consul reads only from its configuration, written into a config file at start. */
export interface SecretConfigFile {
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
  /** printf format of the config file: each `%s` is the value. */
  readonly format: string;
  /** Also write the bare value to this file (for `CONSUL_HTTP_TOKEN_FILE`). */
  readonly tokenFile?: string;
}

/**
 * Each Secret key mounted (mode 0440: root and the fsGroup), and a start script that writes its value into a config
 * file on one memory-backed volume (`-config-file`): never an env var, and never on a command line (which any
 * process of the node could read in /proc); printf is a shell builtin. umask 077: the files are readable by the
 * consul user only. A value with characters outside its charset stops the start, without printing it.
 */
export function secretConfigFiles(files: SecretConfigFile[]): { volumes: k8s.Volume[]; volumeMounts: k8s.VolumeMount[]; script: string; flags: string } {
  if (files.length === 0) return { volumes: [], volumeMounts: [], script: '', flags: '' };
  const volumes: k8s.Volume[] = [];
  const volumeMounts: k8s.VolumeMount[] = [];
  const script: string[] = [];
  for (const f of files) {
    volumes.push({ name: f.volume, secret: { secretName: f.ref.secretName, defaultMode: 0o440, items: [{ key: f.ref.key, path: f.file }] } });
    volumeMounts.push({ name: f.volume, mountPath: f.mountPath, readOnly: true });
    const values = ' "$v"'.repeat(f.format.split('%s').length - 1);
    script.push(
      '(',
      '  umask 077',
      `  v=$(cat ${f.mountPath}/${f.file})`,
      `  case "$v" in ''|*[!${f.charset}]*) echo '${f.prop}: the value of Secret ${f.ref.secretName}, key ${f.ref.key}, is empty or has characters other than ${f.charset}' >&2; exit 1 ;; esac`,
      `  printf '${f.format}\\n'${values} > ${PATHS.secretConfig}/${f.config}`,
      ...(f.tokenFile ? [`  printf '%s' "$v" > ${f.tokenFile}`] : []),
      ')',
    );
  }
  volumes.push(emptyDir('secret-config', Size.mebibytes(1), true));
  volumeMounts.push({ name: 'secret-config', mountPath: PATHS.secretConfig });
  return { volumes, volumeMounts, script: script.join('\n') + '\n', flags: files.map((f) => ` -config-file=${PATHS.secretConfig}/${f.config}`).join('') };
}

/**
 * The readiness probe of a Consul server: Ready when autopilot counts this server, at this pod's IP, a healthy voter
 * under a known leader, so a rollout (one server at a time) never outruns Raft: a restarted server rejoins as a non-voter and is promoted by autopilot
 * some seconds later, and only then may the next one go. While no server answers with a leader (the first
 * bootstrap, or every server down) there is no quorum to protect and `bootstrap_expect` needs the next server:
 * Ready, as soon as the local agent answers.
 */
export function consulReadinessScript(peers: string[], tls?: { caFile: string; serverName: string }): string {
  const leader = tls
    ? `leader() { curl -s --max-time 2 --cacert ${tls.caFile} --connect-to "${tls.serverName}:8501:$1:8501" https://${tls.serverName}:8501/v1/status/leader; }`
    : 'leader() { curl -s --max-time 2 "http://$1:8500/v1/status/leader"; }';
  return [
    leader,
    'here=$(leader 127.0.0.1)',
    'if [ "$here" != \'""\' ]; then',
    // This incarnation's own entry: a restarted pod has a new IP, and until the leader has replaced the old entry
    // (still a voter) by the new one (a non-voter), matching the name alone would pass too early. Autopilot's state
    // (what `consul operator autopilot state` and the health endpoint report) rather than the Raft configuration:
    // it is refreshed every 2 s, so a probe on the Raft configuration alone passed before autopilot counted the
    // server a healthy voter.
    '  case "$POD_IP" in *:*) addr="[$POD_IP]:8300" ;; *) addr="$POD_IP:8300" ;; esac',
    '  consul operator autopilot state -format=json | jq -e --arg node "$POD_NAME" --arg addr "$addr" \'any(.Servers[]; .Name == $node and .Address == $addr and .Healthy and (.Status == "voter" or .Status == "leader"))\' >/dev/null',
    '  exit',
    'fi',
    `for peer in ${peers.join(' ')}; do`,
    '  case "$peer" in "$POD_NAME".*) continue ;; esac',
    '  case "$(leader "$peer")" in \'"\'?*\'"\') exit 1 ;; esac',
    'done',
  ].join('\n');
}
