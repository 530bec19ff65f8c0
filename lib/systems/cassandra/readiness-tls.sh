#!/bin/sh
# The readiness probe of a Cassandra node with TLS: Up/Normal in this node's own view of the ring, at its own address
# (as readiness.sh); the certificate served at that address verified against the mounted CA and for the pod's own name
# under the headless Service (tls-check.py: cqlsh's Python driver 3.30.1 does not apply SSL_VALIDATE, it sets the
# SSLContext's options, not its verify_mode); then CQL at that address over TLS (`cqlsh --ssl`). The probe has no
# credentials: with authentication on, the server's request for them, which comes after the TLS handshake, is the
# answer expected (the driver's AuthenticationFailed 'Remote end requires authentication'); without authentication,
# the connection simply succeeds. A plaintext-only port, a certificate of another CA or no CQL at all fail.
MAX_HEAP_SIZE=128m nodetool status | grep -E "^UN\s+${POD_IP}\s" || exit 1
python3 -c '__PYTHON__' "$POD_IP" 9042 __CA_FILE__ "${POD_NAME}.__PEER_DOMAIN__" || exit 1
out=$(cqlsh --ssl --connect-timeout=5 -e 'SELECT release_version FROM system.local' "$POD_IP" 2>&1) && exit 0
case "$out" in
  *"Remote end requires authentication"*) exit 0 ;;
  *) echo "$out" >&2; exit 1 ;;
esac
