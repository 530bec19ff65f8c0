#!/bin/sh
# The PostgreSQL backup CronJob's work (before the backup retention line, lib/core/backup-retention.sh), with -e: a
# pg_dump in the custom format (restorable with pg_restore, table by table), as the database owner whose user name and
# password are read from the mounted credentials Secret (never an env value of the pod spec), through the ClusterIP
# Service. PGPASSWORD is assigned, then exported: `export PGPASSWORD=$(cat ...)` would hide a failed read from -e.
# The file gets its final name only once complete.
PGPASSWORD=$(cat __PASSWORD_FILE__)
export PGPASSWORD
out=__BACKUP_DIR__/__DATABASE__-$(date -u +%Y%m%dT%H%M%SZ).dump
pg_dump -h __HOST__ -p __PORT__ -U "$(cat __USER_FILE__)" -d __DATABASE__ -Fc -f "$out.partial"
mv "$out.partial" "$out"
