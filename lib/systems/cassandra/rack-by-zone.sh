#!/bin/sh
# Config init container of a ring with several racks in zones: this node's rack is the rack of the zone its
# Kubernetes node is in, read by zone-rack.py (run by the image's python3, cqlsh's interpreter).
rack=$(python3 -c '__PYTHON__')
