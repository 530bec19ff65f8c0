#!/bin/bash
# With TLS, the first fragment of the auth bootstrap Job's script (auth-bootstrap.sh follows): tls_check runs
# tls-check.py, the handshake that verifies the CQL server (its certificate chains to the mounted CA and names the CQL
# Service) which cqlsh's driver does not. Every cqlsh call of the Job comes after a passing tls_check, so the Secret's
# password is sent only to a server that has just passed it (each cqlsh call is a new connection: an interceptor that
# relays the check and answers the next connection itself is not excluded; the README says so).
tls_check() { python3 -c '__PYTHON__' __HOST__ __PORT__ __CA_FILE__ __HOST__; }
