#!/bin/sh
# The first lines of a Cassandra node's config init container, with -e. The root filesystem is read-only, and the
# image's entrypoint rewrites cassandra.yaml and cassandra-rackdc.properties in /etc/cassandra at every start: so
# /etc/cassandra is an emptyDir, filled here with the image's own files (this container runs the same image).
# Logback keeps up to 5 GB of rotated logs per file appender: its cap is lowered so the log volume never fills up.
cp -R __CONFIG_DIR__/. __SEED_DIR__/
if [ -f __SEED_DIR__/logback.xml ]; then sed -i 's#<totalSizeCap>[^<]*</totalSizeCap>#<totalSizeCap>__LOG_TOTAL_SIZE_CAP__</totalSizeCap>#g' __SEED_DIR__/logback.xml; fi
