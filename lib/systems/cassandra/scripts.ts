// Internal: the scripts a Cassandra pod or Job runs: the config init container's steps, the preStop hook and the
// auth bootstrap.
import { ZONE_LABEL } from '../../core/scheduling';
import { API_CREDENTIALS, AUTH_SECRET_DIR, AUTH_WORK_DIR, DECOMMISSIONED_MARKER, NODETOOL, PATHS } from './defaults';

/**
 * Init-container lines turning on password authentication and role-based authorization in the image's
 * cassandra.yaml, and refusing to start the node when the file does not end up with those classes (another image
 * layout): a node must never come up open because a sed matched nothing. Both layouts of the keys are handled:
 * `authenticator: AllowAllAuthenticator` (4.x) and, since 5.0, a block whose indented `class_name:` names the class.
 */
export function enableAuthScript(yaml: string): string[] {
  const set = (key: string, value: string) => [
    `-e 's/^${key}:[[:space:]]*[^[:space:]#].*/${key}: ${value}/'`,
    `-e '/^${key}:[[:space:]]*$/,/^[^[:space:]#]/s/^\\([[:space:]][[:space:]]*class_name[[:space:]]*:\\).*/\\1 ${value}/'`,
  ];
  return [
    `sed -i ${[...set('authenticator', 'PasswordAuthenticator'), ...set('authorizer', 'CassandraAuthorizer')].join(' ')} ${yaml}`,
    // The class a key ends up with, in either layout: the value on its line, or the class_name of its block.
    String.raw`effective() { awk -v k="$1:" 'index($0, k) == 1 { v = substr($0, length(k) + 1); b = 1; next } b && /^[ \t]+class_name[ \t]*:/ { sub(/^[ \t]+class_name[ \t]*:/, ""); v = $0; b = 0; next } /^[^ \t#]/ { b = 0 } END { gsub(/[ \t]/, "", v); print v }' "$2"; }; `
      + `[ "$(effective authenticator ${yaml})" = PasswordAuthenticator ] && [ "$(effective authorizer ${yaml})" = CassandraAuthorizer ] `
      + `|| { echo "${yaml}: no authenticator/authorizer to set; refusing to start without authentication" >&2; exit 1; }`,
  ];
}

/**
 * The auth bootstrap script (bash, in the Cassandra image, whose cqlsh it uses). Credentials go from the mounted
 * Secret into cqlshrc files on the memory volume (mode 0600, read raw by cqlsh: no interpolation) and statements
 * into files there: never an argument or an env var. CQL string literals double their quotes.
 */
export function authBootstrapScript(o: { host: string; port: number; datacenter: string; rf: number }): string {
  return [
    'umask 077',
    `W=${AUTH_WORK_DIR}`,
    `user=$(cat ${AUTH_SECRET_DIR}/username)`,
    `pass=$(cat ${AUTH_SECRET_DIR}/password)`,
    'if [ "$user" = cassandra ]; then echo "the Secret\'s role must not be the default superuser cassandra (it is disabled here)" >&2; exit 1; fi',
    String.raw`rc() { printf '[authentication]\nusername = %s\npassword = %s\n[connection]\nhostname = %s\nport = %s\ntimeout = 20\nrequest_timeout = 60\n' "$2" "$3" ${o.host} ${o.port} > "$W/$1.rc"; }`,
    'rc superuser "$user" "$pass"',
    'rc default cassandra cassandra',
    'can_login() { cqlsh --cqlshrc "$W/$1.rc" -e "SELECT release_version FROM system.local" >/dev/null 2>&1; }',
    'run() { cqlsh --cqlshrc "$W/$1.rc" -f "$2"; }',
    'deadline=$((SECONDS + 1800))',
    'until can_login superuser || can_login default; do',
    '  if [ $SECONDS -ge $deadline ]; then',
    `    echo "neither the Secret's role nor the default superuser logs in at ${o.host}:${o.port} after 30 min (if the Secret's password changed, ALTER ROLE with the old one first)" >&2`,
    '    exit 1',
    '  fi',
    '  sleep 10',
    'done',
    'as=superuser; can_login superuser || as=default',
    '# The ring this role store replicates over: at least rf nodes known before system_auth moves to rf replicas.',
    'peers() { cqlsh --cqlshrc "$W/$as.rc" -e "SELECT peer FROM system.peers" 2>/dev/null | sed -n \'s/^(\\([0-9]*\\) rows)$/\\1/p\'; }',
    `until [ "$(peers)" -ge ${o.rf - 1} ] 2>/dev/null; do`,
    `  [ $SECONDS -lt $deadline ] || { echo "fewer than ${o.rf} nodes in the ring after 30 min" >&2; exit 1; }`,
    '  sleep 10',
    'done',
    "q_user=${user//\\'/\\'\\'}",
    "q_pass=${pass//\\'/\\'\\'}",
    'cat > "$W/setup.cql" <<EOF',
    `ALTER KEYSPACE system_auth WITH replication = {'class': 'NetworkTopologyStrategy', '${o.datacenter}': ${o.rf}};`,
    "CREATE ROLE IF NOT EXISTS '$q_user' WITH SUPERUSER = true AND LOGIN = true AND PASSWORD = '$q_pass';",
    'EOF',
    // Right after the ALTER, the default role's row is on its one old replica until read repair copies it: a QUORUM
    // read of it can miss ("User cassandra does not have sufficient privileges"). The statements are idempotent.
    'for try in $(seq 1 12); do',
    '  if run "$as" "$W/setup.cql"; then break; fi',
    '  [ "$try" -lt 12 ] || { echo "the setup statements failed 12 times" >&2; exit 1; }',
    '  echo "setup statements failed (try $try), retrying in 5 s" >&2; sleep 5',
    'done',
    'until can_login superuser; do [ $SECONDS -lt $deadline ] || { echo "the new role $user cannot log in" >&2; exit 1; }; sleep 2; done',
    'if can_login default; then',
    '  random=$(head -c 48 /dev/urandom | base64 | tr -dc A-Za-z0-9)',
    String.raw`  printf "ALTER ROLE cassandra WITH SUPERUSER = false AND LOGIN = false AND PASSWORD = '%s';\n" "$random" > "$W/lock.cql"`,
    '  run superuser "$W/lock.cql"',
    'fi',
    '# Roles and credentials are cached for a few seconds (roles_validity, credentials_validity): wait for the lock.',
    'for i in $(seq 1 30); do can_login default || break; sleep 2; done',
    'if can_login default; then echo "the default superuser still logs in" >&2; exit 1; fi',
    `echo "role $user is the superuser; the default role cannot log in; system_auth: NetworkTopologyStrategy ${o.datacenter}=${o.rf}"`,
  ].join('\n');
}

/**
 * The preStop hook of a Cassandra node (sh, in the Cassandra image). Kubernetes stops a pod for two reasons that
 * Cassandra must tell apart:
 * - the node is LEAVING: a scale-down removes the highest ordinals, so the StatefulSet's desired `replicas` (read from
 *   the API server with the pod's ServiceAccount token; the Role grants `get` on this StatefulSet only) is at most this
 *   pod's ordinal, and above 0. `nodetool decommission` streams every range the node holds to the nodes that take it
 *   over and removes it from the ring, and marks its claim: the claim is retained on scale-down, and Cassandra refuses
 *   to start a decommissioned node, so when a later scale-up brings the ordinal back, the init container deletes the
 *   old data (owned by other nodes since) and the node bootstraps afresh.
 *   K8ssandra's cass-operator decides the same way from the datacenter's size and decommissions before the pod is
 *   deleted; here the StatefulSet controller deletes the pod and the hook does the work within the grace period.
 * - the node is RESTARTING (rolling update, deleted or evicted pod, node drain) or the ring is paused (`replicas: 0`):
 *   `nodetool drain` flushes the memtables and stops accepting writes, so the restart replays no commit log.
 * When Cassandra refuses the decommission (fewer nodes would remain than a keyspace's replication factor in this
 * datacenter, e.g. system_auth at 3 and a scale to 2) or the API server cannot be read, the node drains instead and
 * the hook fails loudly: the kubelet records a FailedPreStopHook event with the message, and the node stays in the
 * ring as DN, to be removed (`nodetool removenode`) once the replication factors fit.
 */
export function preStopScript(o: { statefulSet: string; namespace: string }): string {
  const python = [
    'import json, ssl, os, urllib.request',
    `creds = "${API_CREDENTIALS}"`,
    'host = os.environ["KUBERNETES_SERVICE_HOST"]',
    'host = "[" + host + "]" if ":" in host else host',
    `url = "https://%s:%s/apis/apps/v1/namespaces/${o.namespace}/statefulsets/${o.statefulSet}" % (host, os.environ["KUBERNETES_SERVICE_PORT"])`,
    'request = urllib.request.Request(url, headers={"Authorization": "Bearer " + open(creds + "/token").read().strip()})',
    'context = ssl.create_default_context(cafile=creds + "/ca.crt")',
    'print(json.load(urllib.request.urlopen(request, context=context, timeout=10))["spec"]["replicas"])',
  ].join('\n');
  return [
    `log() { echo "preStop $POD_NAME: $*" | tee -a ${PATHS.logs}/prestop.log >&2; }`,
    'ordinal=${POD_NAME##*-}',
    `replicas=$(python3 -c '${python}') || replicas=`,
    'case "$replicas" in',
    `  ''|*[!0-9]*) log "cannot read the replicas of StatefulSet ${o.namespace}/${o.statefulSet}: restarting, nodetool drain"; ${NODETOOL} drain; exit 1 ;;`,
    'esac',
    'if [ "$replicas" -gt 0 ] && [ "$ordinal" -ge "$replicas" ]; then',
    '  log "leaving the ring (replicas $replicas, ordinal $ordinal): nodetool decommission"',
    `  if ${NODETOOL} decommission && ${NODETOOL} netstats | grep -q '^Mode: DECOMMISSIONED'; then`,
    `    log "decommissioned: its ranges are on the other nodes (its data on the claim is deleted if this ordinal starts again)"`,
    `    touch ${DECOMMISSIONED_MARKER}`,
    '    exit 0',
    '  fi',
    '  log "DECOMMISSION FAILED OR REFUSED: draining instead; this node stays in the ring as DN with its ranges (nodetool removenode once the replication factors fit the remaining nodes)"',
    `  ${NODETOOL} drain`,
    '  exit 1',
    'fi',
    'log "restarting (replicas $replicas, ordinal $ordinal): nodetool drain"',
    `${NODETOOL} drain`,
  ].join('\n');
}

/** Shell lines setting `$rack` to `racks[ordinal % racks.length]`, the ordinal taken from `$POD_NAME`. */
export function rackByOrdinalScript(racks: string[]): string[] {
  return [
    'ordinal=${POD_NAME##*-}',
    `set -- ${racks.join(' ')}`,
    `shift $((ordinal % ${racks.length}))`,
    'rack=$1',
  ];
}

/**
 * Shell lines setting `$rack` to the rack of the zone of this pod's node (`$NODE_NAME`), read from the Kubernetes
 * API with the pod's ServiceAccount token by the image's python3 (cqlsh's interpreter); fails with the zone when no
 * rack is mapped to it, so the node never starts in a wrong rack.
 */
export function zoneRackScript(zones: { [rack: string]: string }): string[] {
  const rackOfZone = Object.fromEntries(Object.entries(zones).map(([rack, zone]) => [zone, rack]).sort(([a], [b]) => a.localeCompare(b)));
  const python = [
    'import json, os, ssl, sys, urllib.request',
    `creds = "${API_CREDENTIALS}"`,
    'host = os.environ["KUBERNETES_SERVICE_HOST"]',
    'host = "[" + host + "]" if ":" in host else host',
    'url = "https://%s:%s/api/v1/nodes/%s" % (host, os.environ["KUBERNETES_SERVICE_PORT"], os.environ["NODE_NAME"])',
    'request = urllib.request.Request(url, headers={"Authorization": "Bearer " + open(creds + "/token").read().strip()})',
    'context = ssl.create_default_context(cafile=creds + "/ca.crt")',
    'node = json.load(urllib.request.urlopen(request, context=context, timeout=10))',
    `zone = node["metadata"].get("labels", {}).get("${ZONE_LABEL}", "")`,
    `racks = ${JSON.stringify(rackOfZone)}`,
    'if zone not in racks:',
    '    sys.exit("node %s is in zone %r, which no rack is mapped to (%s)" % (os.environ["NODE_NAME"], zone, ", ".join(sorted(racks))))',
    'print(racks[zone])',
  ].join('\n');
  return [`rack=$(python3 -c '${python}')`];
}
