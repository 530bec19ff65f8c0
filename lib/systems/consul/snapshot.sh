#!/bin/sh
# The Consul snapshot CronJob's work (before the backup retention line, lib/core/backup-retention.sh), with -e:
# `consul snapshot save` asks the leader (through whichever server answers: CONSUL_HTTP_ADDR is the headless
# Service) and verifies the file it wrote; the file gets its final name only once complete.
out=__BACKUP_DIR__/consul-$(date -u +%Y%m%dT%H%M%SZ).snap
consul snapshot save "$out.partial"
mv "$out.partial" "$out"
