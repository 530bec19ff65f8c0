#!/bin/sh
# The readiness probe of a Cassandra node with TLS: Up/Normal in this node's own view of the ring, at its own address
# (as readiness.sh), and CQL at that address over TLS (`cqlsh --ssl` with SSL_CERTFILE, SSL_VALIDATE=true from the
# container's env). Known defect: cqlsh 6.2.2's Python driver 3.30.1 does not apply SSL_VALIDATE (it sets the
# SSLContext's options, not its verify_mode), so this checks that CQL answers over TLS, not who signed the
# certificate (Cassandra itself refuses to start on files it cannot load). The probe has no
# credentials: with authentication on, the server's request for them, which comes after the TLS handshake, is the
# answer expected (the driver's AuthenticationFailed 'Remote end requires authentication'); without authentication,
# the connection simply succeeds. A plaintext-only port, a certificate of another CA or no CQL at all fail.
MAX_HEAP_SIZE=128m nodetool status | grep -E "^UN\s+${POD_IP}\s" || exit 1
out=$(cqlsh --ssl --connect-timeout=5 -e 'SELECT release_version FROM system.local' "$POD_IP" 2>&1) && exit 0
case "$out" in
  *"Remote end requires authentication"*) exit 0 ;;
  *) echo "$out" >&2; exit 1 ;;
esac
