#!/bin/sh
# The last line of every backup CronJob's script (after the system's own work, with -e: only after a successful
# backup): files of this backup older than the retention are deleted, by modification time.
find __BACKUP_DIR__ -name '__GLOB__' -mtime +__RETENTION_DAYS__ -delete
