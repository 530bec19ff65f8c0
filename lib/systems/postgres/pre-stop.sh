#!/bin/sh
# The preStop hook of PostgreSQL: SIGTERM is a "smart" shutdown that waits for every client to leave; stop fast
# (abort the transactions in progress, checkpoint) within the grace period instead, then let the kubelet finish.
pg_ctl stop -D "$PGDATA" -m fast -w -t 50
