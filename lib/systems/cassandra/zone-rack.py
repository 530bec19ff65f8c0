# The rack of the zone of this pod's node, embedded in rack-by-zone.sh: reads the node (NODE_NAME) from the Kubernetes
# API with the ServiceAccount token mounted in the init container only, and prints the rack mapped to its
# topology.kubernetes.io/zone label; fails, naming the zone, when no rack is mapped to it, so the node never starts
# in a wrong rack. Double quotes only: the script is embedded in single quotes.
import json, os, ssl, sys, urllib.request
creds = "__API_CREDENTIALS__"
host = os.environ["KUBERNETES_SERVICE_HOST"]
host = "[" + host + "]" if ":" in host else host
url = "https://%s:%s/api/v1/nodes/%s" % (host, os.environ["KUBERNETES_SERVICE_PORT"], os.environ["NODE_NAME"])
request = urllib.request.Request(url, headers={"Authorization": "Bearer " + open(creds + "/token").read().strip()})
context = ssl.create_default_context(cafile=creds + "/ca.crt")
node = json.load(urllib.request.urlopen(request, context=context, timeout=10))
zone = node["metadata"].get("labels", {}).get("__ZONE_LABEL__", "")
racks = __RACKS__
if zone not in racks:
    sys.exit("node %s is in zone %r, which no rack is mapped to (%s)" % (os.environ["NODE_NAME"], zone, ", ".join(sorted(racks))))
print(racks[zone])
