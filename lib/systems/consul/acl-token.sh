#!/bin/sh
# Part of the Consul server's start script, with -e: the ACL management token from the mounted Secret into a config
# file on the memory-backed volume (acl.tokens.initial_management, and the servers' own agent token), and into a
# token file for CONSUL_HTTP_TOKEN_FILE (the CLI in the pod: readiness probe, kubectl exec). Never an env var or an
# argument; umask 077: the consul user's only. A token is letters, digits and '-': anything else could break out of
# the JSON string, and stops the start without printing the value.
# The file as written, before synth (the YAML and npm test see it rendered): __CHARSET__ is a character class, filled in at synth.
# shellcheck disable=SC2102
(
  umask 077
  v=$(cat __FILE__)
  case "$v" in ''|*[!__CHARSET__]*) echo '__PROP__: the value of Secret __SECRET__, key __KEY__, is empty or has characters other than __CHARSET__' >&2; exit 1 ;; esac
  printf '{"acl": {"tokens": {"initial_management": "%s", "agent": "%s"}}}\n' "$v" "$v" > __CONFIG__
  printf '%s' "$v" > __TOKEN_FILE__
)
