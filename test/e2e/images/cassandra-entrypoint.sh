#!/bin/bash
# The documented contract of the official cassandra image's entrypoint (https://hub.docker.com/_/cassandra, "Make a
# cluster" and "Configuring Cassandra"), for the real-servers suite: the image cannot be pulled here, so this script
# stands in for /usr/local/bin/docker-entrypoint.sh around Apache's cassandra-all from Maven Central. Written from the
# documentation and the observed behaviour of cassandra:5.0.9, not copied:
#   - no arguments, or a first argument starting with '-': the command is `cassandra -f <args>`;
#   - for `cassandra`, the variables below are written into $CASSANDRA_CONF/cassandra.yaml and
#     $CASSANDRA_CONF/cassandra-rackdc.properties at every start (in place: the file keeps its inode), then the command
#     runs (exec) as the container's user:
#       CASSANDRA_LISTEN_ADDRESS   listen_address; default `auto`: the first address of the container that is not
#                                  loopback or link-local
#       CASSANDRA_BROADCAST_ADDRESS broadcast_address; default: the listen address (`auto` resolves the same way)
#       CASSANDRA_BROADCAST_RPC_ADDRESS broadcast_rpc_address; default: the broadcast address
#       CASSANDRA_RPC_ADDRESS      rpc_address; default 0.0.0.0
#       CASSANDRA_SEEDS            the seeds of seed_provider, quoted; default: the broadcast address
#       CASSANDRA_CLUSTER_NAME, CASSANDRA_NUM_TOKENS, CASSANDRA_ENDPOINT_SNITCH, CASSANDRA_START_RPC
#                                  cluster_name, num_tokens, endpoint_snitch, start_rpc, when set (a commented-out
#                                  `# key:` line is uncommented); written unquoted
#       CASSANDRA_DC, CASSANDRA_RACK  dc= and rack= of cassandra-rackdc.properties, when set
#   - a key or property the file does not have is not added (the image edits lines, it does not write YAML).
set -Eeuo pipefail

if [ "$#" -eq 0 ] || [ "${1:0:1}" = '-' ]; then
	set -- cassandra -f "$@"
fi

first_address() {
	ip -o -4 address show scope global | awk '{ sub(/\/.*/, "", $4); print $4; exit }'
}

# Rewrites a file with sed without replacing it (a bind-mounted or shared file must keep its inode).
edit() {
	local file=$1 tmp
	shift
	tmp=$(mktemp)
	sed "$@" "$file" >"$tmp"
	cat "$tmp" >"$file"
	rm -f "$tmp"
}

if [ "$1" = cassandra ]; then
	listen=${CASSANDRA_LISTEN_ADDRESS:-auto}
	[ "$listen" = auto ] && listen=$(first_address)
	broadcast=${CASSANDRA_BROADCAST_ADDRESS:-$listen}
	[ "$broadcast" = auto ] && broadcast=$(first_address)
	declare -A yaml=(
		[listen_address]=$listen
		[broadcast_address]=$broadcast
		[broadcast_rpc_address]=${CASSANDRA_BROADCAST_RPC_ADDRESS:-$broadcast}
		[rpc_address]=${CASSANDRA_RPC_ADDRESS:-0.0.0.0}
		[cluster_name]=${CASSANDRA_CLUSTER_NAME:-}
		[num_tokens]=${CASSANDRA_NUM_TOKENS:-}
		[endpoint_snitch]=${CASSANDRA_ENDPOINT_SNITCH:-}
		[start_rpc]=${CASSANDRA_START_RPC:-}
	)
	conf=$CASSANDRA_CONF/cassandra.yaml
	edit "$conf" -E "s/(- seeds:).*/\\1 \"${CASSANDRA_SEEDS:-$broadcast}\"/"
	for key in "${!yaml[@]}"; do
		[ -n "${yaml[$key]}" ] || continue
		edit "$conf" -E "s/^(# )?($key:).*/\\2 ${yaml[$key]}/"
	done
	for key in dc rack; do
		var=CASSANDRA_${key^^}
		[ -n "${!var:-}" ] || continue
		edit "$CASSANDRA_CONF/cassandra-rackdc.properties" -E "s/^($key=).*/\\1${!var}/"
	done
fi

exec "$@"
