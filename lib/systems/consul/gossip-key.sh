#!/bin/sh
# Part of the Consul server's start script (args of the consul container), with -e: the gossip encryption key from
# the mounted Secret (mode 0440: root and the fsGroup) into a config file on the memory-backed volume, read with
# -config-file. Never an env var, never a command-line argument (any process of the node can read /proc/*/cmdline);
# printf is a shell builtin. umask 077: the file is the consul user's only. A value that is empty or has characters
# outside its charset (a gossip key is base64) could break out of the JSON string: the start stops, without
# printing the value.
# The file as written, before synth (the YAML and npm test see it rendered): __CHARSET__ is a character class, filled in at synth.
# shellcheck disable=SC2102
(
  umask 077
  v=$(cat __FILE__)
  case "$v" in ''|*[!__CHARSET__]*) echo '__PROP__: the value of Secret __SECRET__, key __KEY__, is empty or has characters other than __CHARSET__' >&2; exit 1 ;; esac
  printf '{"encrypt": "%s"}\n' "$v" > __CONFIG__
)
