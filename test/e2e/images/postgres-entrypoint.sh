#!/bin/bash
# The documented contract of the official postgres image's entrypoint (https://hub.docker.com/_/postgres, "Environment
# Variables" and "Docker Secrets"), for the real-servers suite: the image itself cannot be pulled here, so this
# script stands in for its entrypoint around Debian's PostgreSQL binaries. Written from the documentation:
#   - POSTGRES_PASSWORD (required on first start), POSTGRES_USER (default postgres), POSTGRES_DB (default: the user),
#     each also readable from a file named by the same variable with _FILE;
#   - PGDATA (default /var/lib/postgresql/data) is initialized by initdb on first start only, with the superuser and
#     password above and initdb's own defaults (trust on the local socket and loopback); every other host may connect
#     with a password (scram-sha-256, POSTGRES_HOST_AUTH_METHOD's default); the server listens on every address;
#   - the database POSTGRES_DB is created on first start;
#   - then `postgres` runs in the foreground (exec), as the container's user.
set -Eeuo pipefail

from_file() {
	local var=$1 file_var="${1}_FILE" default=${2:-}
	if [ -n "${!var:-}" ] && [ -n "${!file_var:-}" ]; then
		echo "error: both $var and $file_var are set (but are exclusive)" >&2
		exit 1
	fi
	if [ -n "${!file_var:-}" ]; then
		export "$var"="$(< "${!file_var}")"
	elif [ -z "${!var:-}" ]; then
		export "$var"="$default"
	fi
	unset "$file_var"
}

if [ "${1:-}" != postgres ]; then
	exec "$@"
fi

: "${PGDATA:=/var/lib/postgresql/data}"
from_file POSTGRES_PASSWORD
from_file POSTGRES_USER postgres
from_file POSTGRES_DB "$POSTGRES_USER"

mkdir -p "$PGDATA"
chmod 700 "$PGDATA"

if [ ! -s "$PGDATA/PG_VERSION" ]; then
	if [ -z "$POSTGRES_PASSWORD" ]; then
		echo 'Error: Database is uninitialized and superuser password is not specified.' >&2
		exit 1
	fi
	initdb --username="$POSTGRES_USER" --pwfile=<(printf '%s\n' "$POSTGRES_PASSWORD")
	printf 'host all all all scram-sha-256\n' >> "$PGDATA/pg_hba.conf"
	printf "listen_addresses = '*'\n" >> "$PGDATA/postgresql.auto.conf"
	# A temporary server on the Unix socket only, to create the database: started with the container's own server
	# arguments, as the image's docker_temp_server_start "$@" does (so a -c hba_file= or ssl=on applies already), and
	# with PGPASSWORD exported, as the image does ("required for psql when authentication is required for 'local'
	# connections via pg_hba.conf", docker-entrypoint.sh).
	export PGPASSWORD="${PGPASSWORD:-$POSTGRES_PASSWORD}"
	server_args=''
	if [ $# -gt 1 ]; then server_args="$(printf '%q ' "${@:2}")"; fi
	pg_ctl -D "$PGDATA" -o "$server_args -c listen_addresses=''" -w start
	if [ -z "$(psql --username "$POSTGRES_USER" --no-password --dbname postgres --tuples-only --set db="$POSTGRES_DB" \
		<<< "SELECT 1 FROM pg_database WHERE datname = :'db'")" ]; then
		psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --no-password --dbname postgres --set db="$POSTGRES_DB" \
			<<< 'CREATE DATABASE :"db";'
	fi
	pg_ctl -D "$PGDATA" -m fast -w stop
	unset PGPASSWORD
	echo 'PostgreSQL init process complete; ready for start up.'
fi

exec "$@"
