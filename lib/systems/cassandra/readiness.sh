#!/bin/sh
# The readiness probe of a Cassandra node: Up/Normal in this node's own view of the ring, at its own address (the
# listen address is the pod IP). nodetool starts a JVM whose -Xmx is $MAX_HEAP_SIZE when set: without the prefix the
# probe would start a second JVM entitled to the server's whole heap, inside the same memory limit (128m is
# nodetool's own default).
MAX_HEAP_SIZE=128m nodetool status | grep -E "^UN\s+${POD_IP}\s"
