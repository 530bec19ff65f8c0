#!/bin/sh
# The preStop hook of a Cassandra node. Kubernetes stops a pod for two reasons that Cassandra must tell apart:
# - the node is LEAVING: a scale-down removes the highest ordinals, so the StatefulSet's desired `replicas` (read by
#   statefulset-replicas.py) is at most this pod's ordinal, and above 0. `nodetool decommission` streams every range the
#   node holds to the nodes that take it over and removes it from the ring, and marks its claim: the claim is retained
#   on scale-down, and Cassandra refuses to start a decommissioned node, so when a later scale-up brings the ordinal
#   back, the init container (clear-decommissioned.sh) deletes the old data (owned by other nodes since) and the node
#   bootstraps afresh. K8ssandra's cass-operator decides the same way from the datacenter's size and decommissions
#   before the pod is deleted; here the StatefulSet controller deletes the pod and the hook does the work within the
#   grace period.
# - the node is RESTARTING (rolling update, deleted or evicted pod, node drain) or the ring is paused (`replicas: 0`):
#   `nodetool drain` flushes the memtables and stops accepting writes, so the restart replays no commit log.
# When Cassandra refuses the decommission (fewer nodes would remain than a keyspace's replication factor in this
# datacenter, e.g. system_auth at 3 and a scale to 2) or the API server cannot be read, the node drains instead and
# the hook fails loudly: the kubelet records a FailedPreStopHook event with the message, and the node stays in the ring
# as DN, to be removed (`nodetool removenode`) once the replication factors fit. nodetool starts a JVM whose -Xmx is
# $MAX_HEAP_SIZE when set: MAX_HEAP_SIZE=128m (see readiness.sh).
log() { echo "preStop $POD_NAME: $*" | tee -a __LOG_FILE__ >&2; }
ordinal=${POD_NAME##*-}
replicas=$(python3 -c '__PYTHON__') || replicas=
case "$replicas" in
  ''|*[!0-9]*) log "cannot read the replicas of StatefulSet __NAMESPACE__/__STATEFULSET__: restarting, nodetool drain"; MAX_HEAP_SIZE=128m nodetool drain; exit 1 ;;
esac
if [ "$replicas" -gt 0 ] && [ "$ordinal" -ge "$replicas" ]; then
  log "leaving the ring (replicas $replicas, ordinal $ordinal): nodetool decommission"
  if MAX_HEAP_SIZE=128m nodetool decommission && MAX_HEAP_SIZE=128m nodetool netstats | grep -q '^Mode: DECOMMISSIONED'; then
    log "decommissioned: its ranges are on the other nodes (its data on the claim is deleted if this ordinal starts again)"
    touch __MARKER__
    exit 0
  fi
  log "DECOMMISSION FAILED OR REFUSED: draining instead; this node stays in the ring as DN with its ranges (nodetool removenode once the replication factors fit the remaining nodes)"
  MAX_HEAP_SIZE=128m nodetool drain
  exit 1
fi
log "restarting (replicas $replicas, ordinal $ordinal): nodetool drain"
MAX_HEAP_SIZE=128m nodetool drain
