#!/bin/sh
# Config init container of a ring with several racks in zones: this node's rack is the rack of the zone its
# Kubernetes node is in, read by zone-rack.py (run by the image's python3, cqlsh's interpreter).
# The file as written, before synth (the YAML and npm test see it rendered): $rack is read by write-rack.sh, which follows this fragment in the same script.
# shellcheck disable=SC2034
rack=$(python3 -c '__PYTHON__')
