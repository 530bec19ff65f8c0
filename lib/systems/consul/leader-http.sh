#!/bin/sh
# The first line of the readiness probe (readiness.sh) without TLS: the leader a server at $1 knows, over HTTP.
leader() { curl -s --max-time 2 "http://$1:8500/v1/status/leader"; }
