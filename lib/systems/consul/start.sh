#!/bin/sh
# The last line of the Consul server's start script: the agent replaces the shell (PID 1 gets SIGTERM and leaves the
# cluster gracefully, leave_on_terminate), named after the pod and advertising the pod's IP; __FLAGS__ are the
# -config-file flags of the config files written from Secrets before it (gossip-key.sh, acl-token.sh).
exec consul agent -config-dir=__CONFIG_DIR__ -node="$POD_NAME" -advertise="$POD_IP"__FLAGS__
