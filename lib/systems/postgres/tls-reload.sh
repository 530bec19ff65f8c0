#!/bin/sh
# The tls-reload sidecar of PostgreSQL. PostgreSQL reads its certificate and key at start and on a configuration
# reload only (https://www.postgresql.org/docs/current/ssl-tcp.html), and nothing in Kubernetes signals a process when
# a mounted Secret changes. Every __INTERVAL__ s this compares the certificate and key files with what it saw last; on a
# change (cert-manager renewed the certificate, the kubelet updated the volume) it asks the server to reload
# (`SELECT pg_reload_conf()`, SIGHUP semantics: new connections get the new certificate, open sessions keep theirs).
# It logs in over the pod's Unix socket as the owner, with a password file in its own memory-backed /tmp (never argv
# or env). /tmp/alive is touched every round: the probes read it. A failed reload is logged and retried next round.
set -eu
umask 077
user=$(cat __USER_FILE__)
password=$(cat __PASSWORD_FILE__)
# .pgpass fields escape `\` and `:` with a backslash.
escape() { printf '%s' "$1" | sed 's/\\/\\\\/g; s/:/\\:/g'; }
printf '*:*:*:%s:%s\n' "$(escape "$user")" "$(escape "$password")" >/tmp/pgpass
PGPASSFILE=/tmp/pgpass PGCONNECT_TIMEOUT=10
export PGPASSFILE PGCONNECT_TIMEOUT
fingerprint() { cat __TLS_DIR__/tls.crt __TLS_DIR__/tls.key | sha256sum; }
seen=$(fingerprint)
trap 'exit 0' TERM INT
while :; do
  touch /tmp/alive
  sleep __INTERVAL__ &
  wait $!
  now=$(fingerprint) || continue
  [ "$now" = "$seen" ] && continue
  if psql -X -q -w -h /var/run/postgresql -U "$user" -d __DATABASE__ -tAc 'SELECT pg_reload_conf()' >/dev/null; then
    seen=$now
    echo "tls-reload: the certificate or key changed; the server reloaded them"
  else
    echo "tls-reload: the certificate or key changed; the reload failed, retrying in __INTERVAL__ s" >&2
  fi
done
