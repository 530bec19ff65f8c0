#!/bin/sh
# The first line of the readiness probe (readiness.sh) with TLS (HTTP closed): the leader a server at $1 knows, over
# HTTPS with the CA, the server certificate being valid for server.<datacenter>.consul (--connect-to keeps that name
# whatever the address).
leader() { curl -s --max-time 2 --cacert __CA_FILE__ --connect-to "__SERVER_NAME__:8501:$1:8501" https://__SERVER_NAME__:8501/v1/status/leader; }
