#!/bin/bash
# The auth bootstrap Job of a Cassandra ring (bash, in the Cassandra image, whose cqlsh it uses), with -e: makes the
# Secret's role the only superuser, and is safe to run again.
# - Waits (up to 30 minutes) until the Secret's role or, on the first bootstrap, the image's default
#   cassandra/cassandra logs in at the CQL Service (__HOST__:__PORT__), and until at least __RF__ nodes are in the ring.
# - Moves system_auth to NetworkTopologyStrategy with __RF__ replicas in the datacenter BEFORE it writes a role, so the
#   role is written to every replica.
# - Creates the role if it does not exist (SUPERUSER, LOGIN), then takes login, superuser and its known password away
#   from the default role, and checks that the default role can no longer log in. Right after the ALTER, the default
#   role's row is on its one old replica until read repair copies it, and a QUORUM read of it can miss ("User cassandra
#   does not have sufficient privileges"): the (idempotent) setup statements are retried, up to 12 times.
# Credentials go from the mounted Secret (mode 0440) into cqlshrc files on the memory volume (umask 077: mode 0600,
# read raw by cqlsh, no interpolation) and statements into files there: never an argument or an env var. CQL string
# literals double their quotes. With TLS, __TLS_RC__ adds `ssl = true` to [connection] and an [ssl] section (certfile:
# the mounted CA, validate = true), asking cqlsh to verify the server against the CA (known defect: cqlsh 6.2.2's
# Python driver 3.30.1 does not apply it), and __VERIFIED__ puts `tls_check && ` (tls-check.sh, the fragment before
# this one) before every cqlsh call: the server is verified by a handshake of its own first. Without TLS both are
# empty.
# The file as written, before synth (the YAML and npm test see it rendered): __MIN_PEERS__ is a number, filled in at synth.
# shellcheck disable=SC2170
umask 077
W=__WORK_DIR__
user=$(cat __SECRET_DIR__/username)
pass=$(cat __SECRET_DIR__/password)
if [ "$user" = cassandra ]; then echo "the Secret's role must not be the default superuser cassandra (it is disabled here)" >&2; exit 1; fi
rc() { printf '[authentication]\nusername = %s\npassword = %s\n[connection]\nhostname = %s\nport = %s\ntimeout = 20\nrequest_timeout = 60\n__TLS_RC__' "$2" "$3" __HOST__ __PORT__ > "$W/$1.rc"; }
rc superuser "$user" "$pass"
rc default cassandra cassandra
can_login() { __VERIFIED__cqlsh --cqlshrc "$W/$1.rc" -e "SELECT release_version FROM system.local" >/dev/null 2>&1; }
run() { __VERIFIED__cqlsh --cqlshrc "$W/$1.rc" -f "$2"; }
deadline=$((SECONDS + 1800))
until can_login superuser || can_login default; do
  if [ $SECONDS -ge $deadline ]; then
    echo "neither the Secret's role nor the default superuser logs in at __HOST__:__PORT__ after 30 min (if the Secret's password changed, ALTER ROLE with the old one first)" >&2
    exit 1
  fi
  sleep 10
done
as=superuser; can_login superuser || as=default
# The ring this role store replicates over: at least rf nodes known before system_auth moves to rf replicas.
peers() { __VERIFIED__cqlsh --cqlshrc "$W/$as.rc" -e "SELECT peer FROM system.peers" 2>/dev/null | sed -n 's/^(\([0-9]*\) rows)$/\1/p'; }
until [ "$(peers)" -ge __MIN_PEERS__ ] 2>/dev/null; do
  [ $SECONDS -lt $deadline ] || { echo "fewer than __RF__ nodes in the ring after 30 min" >&2; exit 1; }
  sleep 10
done
q_user=${user//\'/\'\'}
q_pass=${pass//\'/\'\'}
cat > "$W/setup.cql" <<EOF
ALTER KEYSPACE system_auth WITH replication = {'class': 'NetworkTopologyStrategy', '__DATACENTER__': __RF__};
CREATE ROLE IF NOT EXISTS '$q_user' WITH SUPERUSER = true AND LOGIN = true AND PASSWORD = '$q_pass';
EOF
for try in $(seq 1 12); do
  if run "$as" "$W/setup.cql"; then break; fi
  [ "$try" -lt 12 ] || { echo "the setup statements failed 12 times" >&2; exit 1; }
  echo "setup statements failed (try $try), retrying in 5 s" >&2; sleep 5
done
until can_login superuser; do [ $SECONDS -lt $deadline ] || { echo "the new role $user cannot log in" >&2; exit 1; }; sleep 2; done
if can_login default; then
  random=$(head -c 48 /dev/urandom | base64 | tr -dc A-Za-z0-9)
  printf "ALTER ROLE cassandra WITH SUPERUSER = false AND LOGIN = false AND PASSWORD = '%s';\n" "$random" > "$W/lock.cql"
  run superuser "$W/lock.cql"
fi
# Roles and credentials are cached for a few seconds (roles_validity, credentials_validity): wait for the lock.
for _ in $(seq 1 30); do can_login default || break; sleep 2; done
if can_login default; then echo "the default superuser still logs in" >&2; exit 1; fi
echo "role $user is the superuser; the default role cannot log in; system_auth: NetworkTopologyStrategy __DATACENTER__=__RF__"
