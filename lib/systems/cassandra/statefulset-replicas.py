# The desired replicas of this pod's StatefulSet, embedded in pre-stop.sh: read from the Kubernetes API with the pod's
# ServiceAccount token (the ring's Role grants `get` on this StatefulSet only). Double quotes only: the script is
# embedded in single quotes.
import json, ssl, os, urllib.request
creds = "__API_CREDENTIALS__"
host = os.environ["KUBERNETES_SERVICE_HOST"]
host = "[" + host + "]" if ":" in host else host
url = "https://%s:%s/apis/apps/v1/namespaces/__NAMESPACE__/statefulsets/__STATEFULSET__" % (host, os.environ["KUBERNETES_SERVICE_PORT"])
request = urllib.request.Request(url, headers={"Authorization": "Bearer " + open(creds + "/token").read().strip()})
context = ssl.create_default_context(cafile=creds + "/ca.crt")
print(json.load(urllib.request.urlopen(request, context=context, timeout=10))["spec"]["replicas"])
