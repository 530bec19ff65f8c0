#!/bin/sh
# Config init container, with -e: a node decommissioned by a scale-down (pre-stop.sh marked its claim) and brought
# back by a scale-up: its ranges belong to other nodes now, and Cassandra would refuse to start on its old system
# keyspace. Its data is cleared, and it bootstraps as a new node.
if [ -f __MARKER__ ]; then echo "$POD_NAME was decommissioned: clearing __DATA_DIR__ to bootstrap as a new node"; find __DATA_DIR__ -mindepth 1 -maxdepth 1 -exec rm -rf {} +; fi
