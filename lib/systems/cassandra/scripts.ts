// Internal: the scripts a Cassandra pod or Job runs, from the script files beside this one: the config init
// container's steps, the readiness probe and preStop hook, and the auth bootstrap.
import { ZONE_LABEL } from '../../core/scheduling';
import { EmbeddedScript, JsonParam, ScriptFile } from '../../core/script';
import { API_CREDENTIALS, AUTH_SECRET_DIR, AUTH_WORK_DIR, DECOMMISSIONED_MARKER, LOG_TOTAL_SIZE_CAP, PATHS } from './defaults';

const CONFIG_INIT = ScriptFile.at(__dirname, 'config-init.sh');
const ENABLE_AUTH = ScriptFile.at(__dirname, 'enable-auth.sh');
const CLEAR_DECOMMISSIONED = ScriptFile.at(__dirname, 'clear-decommissioned.sh');
const RACK_BY_ORDINAL = ScriptFile.at(__dirname, 'rack-by-ordinal.sh');
const RACK_BY_ZONE = ScriptFile.at(__dirname, 'rack-by-zone.sh');
const ZONE_RACK = ScriptFile.at(__dirname, 'zone-rack.py');
const WRITE_RACK = ScriptFile.at(__dirname, 'write-rack.sh');
const READINESS = ScriptFile.at(__dirname, 'readiness.sh');
const PRE_STOP = ScriptFile.at(__dirname, 'pre-stop.sh');
const STATEFULSET_REPLICAS = ScriptFile.at(__dirname, 'statefulset-replicas.py');
const AUTH_BOOTSTRAP = ScriptFile.at(__dirname, 'auth-bootstrap.sh');
const TLS_CONFIG = ScriptFile.at(__dirname, 'tls-config.sh');
const READINESS_TLS = ScriptFile.at(__dirname, 'readiness-tls.sh');
const TLS_CHECK_PY = ScriptFile.at(__dirname, 'tls-check.py');
const TLS_CHECK = ScriptFile.at(__dirname, 'tls-check.sh');

/** What a ring's TLS writes into cassandra.yaml: the keystore and truststore files, and whether plaintext is accepted. */
export interface CassandraTlsConfig {
  /** The combined PEM: the PKCS#8 key, then the certificate chain. */
  readonly keystore: string;
  /** The CA bundle. */
  readonly truststore: string;
  /** Plaintext still accepted (TlsMode.TRANSITIONAL), on the CQL port and between nodes. */
  readonly optional: boolean;
}

/** How the config init container finds the node's rack: one rack for all (none), by ordinal, or by zone. */
export interface RackSource {
  /** Racks in order (by ordinal: node i is in racks[i % n]). */
  readonly racks?: string[];
  /** Rack to zone, for every rack (by zone: the rack of the zone of the pod's node). */
  readonly zones?: { [rack: string]: string };
}

/**
 * The config init container's script: the image's configuration copied onto the config volume (config-init.sh),
 * authentication turned on (enable-auth.sh), the data of a node decommissioned earlier cleared
 * (clear-decommissioned.sh), and with several racks the node's rack found (rack-by-ordinal.sh or rack-by-zone.sh with
 * zone-rack.py) and written (write-rack.sh).
 */
export function configInitScript(o: { auth: boolean; rack?: RackSource; tls?: CassandraTlsConfig }): string {
  const parts = [CONFIG_INIT.render({ CONFIG_DIR: PATHS.config, SEED_DIR: PATHS.configSeed, LOG_TOTAL_SIZE_CAP })];
  if (o.auth) parts.push(ENABLE_AUTH.render({ YAML: `${PATHS.configSeed}/cassandra.yaml` }));
  if (o.tls) {
    parts.push(TLS_CONFIG.render({
      YAML: `${PATHS.configSeed}/cassandra.yaml`, KEYSTORE: o.tls.keystore, TRUSTSTORE: o.tls.truststore,
      CLIENT_OPTIONAL: String(o.tls.optional), INTERNODE_OPTIONAL: String(o.tls.optional),
    }));
  }
  parts.push(CLEAR_DECOMMISSIONED.render({ MARKER: DECOMMISSIONED_MARKER, DATA_DIR: PATHS.data }));
  if (o.rack?.zones) parts.push(RACK_BY_ZONE.render({ PYTHON: new EmbeddedScript(zoneRackPython(o.rack.zones)) }));
  else if (o.rack?.racks) parts.push(RACK_BY_ORDINAL.render({ RACKS: o.rack.racks, RACK_COUNT: o.rack.racks.length }));
  if (o.rack) parts.push(WRITE_RACK.render({ SEED_DIR: PATHS.configSeed }));
  return parts.join('\n');
}

/** zone-rack.py for these racks: zone to rack, sorted by zone. */
function zoneRackPython(zones: { [rack: string]: string }): string {
  const rackOfZone = Object.fromEntries(Object.entries(zones).map(([rack, zone]) => [zone, rack]).sort(([a], [b]) => a.localeCompare(b)));
  return ZONE_RACK.render({ API_CREDENTIALS, ZONE_LABEL, RACKS: new JsonParam(rackOfZone) });
}

/**
 * The readiness probe: this node Up/Normal at its pod IP (readiness.sh); with TLS, also the certificate served there
 * verified against `caFile` for the pod's name under `peerDomain` (tls-check.py), then CQL over TLS (readiness-tls.sh).
 */
export function readinessScript(tls?: { caFile: string; peerDomain: string }): string {
  return tls
    ? READINESS_TLS.render({ PYTHON: new EmbeddedScript(TLS_CHECK_PY.render()), CA_FILE: tls.caFile, PEER_DOMAIN: tls.peerDomain })
    : READINESS.render();
}

/**
 * The preStop hook (pre-stop.sh): a node leaving the ring on a scale-down decommissions, a restarting one drains. It
 * reads the desired replicas of its StatefulSet with statefulset-replicas.py.
 */
export function preStopScript(o: { statefulSet: string; namespace: string }): string {
  const python = STATEFULSET_REPLICAS.render({ API_CREDENTIALS, NAMESPACE: o.namespace, STATEFULSET: o.statefulSet });
  return PRE_STOP.render({
    LOG_FILE: `${PATHS.logs}/prestop.log`, PYTHON: new EmbeddedScript(python), NAMESPACE: o.namespace, STATEFULSET: o.statefulSet,
    MARKER: DECOMMISSIONED_MARKER,
  });
}

/**
 * The auth bootstrap Job's script (auth-bootstrap.sh). With `caFile`, its cqlshrc files connect over TLS, set to verify
 * the server against that CA (`ssl = true` in [connection]; [ssl] certfile, validate = true: text inside the script's
 * printf format, hence an EmbeddedScript with printf's `\n` escapes), and since cqlsh's driver does not apply that
 * (see the README), tls-check.sh comes first and every cqlsh call is preceded by its verifying handshake.
 */
export function authBootstrapScript(o: { host: string; port: number; datacenter: string; rf: number; caFile?: string }): string {
  const tlsRc = o.caFile ? `ssl = true\\n[ssl]\\ncertfile = ${o.caFile}\\nvalidate = true\\n` : '';
  const bootstrap = AUTH_BOOTSTRAP.render({
    WORK_DIR: AUTH_WORK_DIR, SECRET_DIR: AUTH_SECRET_DIR, HOST: o.host, PORT: o.port, DATACENTER: o.datacenter, RF: o.rf, MIN_PEERS: o.rf - 1,
    TLS_RC: new EmbeddedScript(tlsRc), VERIFIED: new EmbeddedScript(o.caFile ? 'tls_check && ' : ''),
  });
  if (!o.caFile) return bootstrap;
  const check = TLS_CHECK.render({ PYTHON: new EmbeddedScript(TLS_CHECK_PY.render()), HOST: o.host, PORT: o.port, CA_FILE: o.caFile });
  return `${check}\n${bootstrap}`;
}
