#!/usr/bin/env python3
# The server check that comes before cqlsh when TLS is on, embedded in auth-bootstrap.sh and readiness-tls.sh. cqlsh
# is set to verify the server (`validate = true`, SSL_VALIDATE) but its Python driver does not apply that (cqlsh 6.2.2
# with the driver 3.30.1 set the SSL context's options, not its verify_mode: the README's TLS section), so this
# handshake does it: the CQL port at argv[1]:argv[2] must present a certificate that chains to the CA file argv[3] and
# names argv[4] (the CQL Service's name for the auth Job, the pod's own name under the headless Service for the
# probe). It sends nothing after the handshake: no credential ever goes to a server that fails it. Exits 1 with one
# line on stderr otherwise. Double quotes only: the script is embedded in single quotes.
import socket, ssl, sys
address, port, cafile, name = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
context = ssl.create_default_context(cafile=cafile)
try:
    with socket.create_connection((address, port), timeout=10) as raw:
        with context.wrap_socket(raw, server_hostname=name):
            pass
except (OSError, ValueError) as e:
    sys.exit("TLS check of %s:%s as %s failed: %s" % (address, port, name, e))
