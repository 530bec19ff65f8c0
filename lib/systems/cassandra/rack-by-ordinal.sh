#!/bin/sh
# Config init container of a ring with several racks and no zones: this node's rack is racks[ordinal % number of
# racks], the ordinal taken from the pod name (cassandra-0 in the first rack, cassandra-1 in the second...).
# The file as written, before synth (the YAML and npm test see it rendered): $rack is read by write-rack.sh, which follows this fragment in the same script.
# shellcheck disable=SC2034
ordinal=${POD_NAME##*-}
set -- __RACKS__
shift $((ordinal % __RACK_COUNT__))
rack=$1
