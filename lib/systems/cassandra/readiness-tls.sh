#!/bin/sh
# The readiness probe of a Cassandra node with TLS: Up/Normal in this node's own view of the ring, at its own address
# (as readiness.sh), and CQL at that address over TLS, the server's certificate verified against the CA
# (`cqlsh --ssl` with SSL_CERTFILE, SSL_VALIDATE=true from the container's env). cqlsh does not check the name in the
# certificate (its driver's check_hostname is off), so this proves "signed by the ring's CA". The probe has no
# credentials: with authentication on, the server's request for them, which comes after the TLS handshake, is the
# answer expected (the driver's AuthenticationFailed 'Remote end requires authentication'); without authentication,
# the connection simply succeeds. A plaintext-only port, a certificate of another CA or no CQL at all fail.
MAX_HEAP_SIZE=128m nodetool status | grep -E "^UN\s+${POD_IP}\s" || exit 1
out=$(cqlsh --ssl --connect-timeout=5 -e 'SELECT release_version FROM system.local' "$POD_IP" 2>&1) && exit 0
case "$out" in
  *"Remote end requires authentication"*) exit 0 ;;
  *) echo "$out" >&2; exit 1 ;;
esac
