#!/bin/sh
# Config init container of a ring with several racks, after rack-by-ordinal.sh or rack-by-zone.sh set $rack: the
# node's rack into cassandra-rackdc.properties, where the image's entrypoint leaves it alone (CASSANDRA_RACK is unset).
# The file as written, before synth (the YAML and npm test see it rendered): $rack is set by rack-by-ordinal.sh or rack-by-zone.sh, before this fragment in the same script.
# shellcheck disable=SC2154
sed -i "s/^rack=.*/rack=$rack/" __SEED_DIR__/cassandra-rackdc.properties
echo "$POD_NAME: rack $rack"
