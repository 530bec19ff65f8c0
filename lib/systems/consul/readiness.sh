#!/bin/sh
# The readiness probe of a Consul server, after leader-http.sh or leader-https.sh: Ready when autopilot counts this
# server, at this pod's IP, a healthy voter under a known leader, so a rollout (one server at a time) never outruns
# Raft: a restarted server rejoins as a non-voter and is promoted by autopilot some seconds later, and only then may
# the next one go. This incarnation's own entry (name and pod IP): a restarted pod has a new IP, and until the leader
# has replaced the old entry (still a voter) by the new one (a non-voter), matching the name alone would pass too
# early. Autopilot's state (what `consul operator autopilot state` and the health endpoint report) rather than the
# Raft configuration: autopilot refreshes its state every 2 s, and a probe on the Raft configuration alone passes up
# to 2 s before autopilot counts the server a healthy voter (measured on the real Consul 1.20.2). With ACLs, the consul CLI reads CONSUL_HTTP_TOKEN_FILE (operator:read).
#
# While no server answers with a leader (the first bootstrap, or every server down) there is no quorum to protect,
# and bootstrap_expect needs the next server: Ready as soon as the local agent answers. __PEERS__ are the stable DNS
# names of every server (retry_join).
# The file as written, before synth (the YAML and npm test see it rendered): __PEERS__ is the list of the servers' addresses, filled in at synth.
# shellcheck disable=SC2043
here=$(leader 127.0.0.1)
if [ "$here" != '""' ]; then
  case "$POD_IP" in *:*) addr="[$POD_IP]:8300" ;; *) addr="$POD_IP:8300" ;; esac
  consul operator autopilot state -format=json | jq -e --arg node "$POD_NAME" --arg addr "$addr" 'any(.Servers[]; .Name == $node and .Address == $addr and .Healthy and (.Status == "voter" or .Status == "leader"))' >/dev/null
  exit
fi
for peer in __PEERS__; do
  case "$peer" in "$POD_NAME".*) continue ;; esac
  case "$(leader "$peer")" in '"'?*'"') exit 1 ;; esac
done
