# The README's Python example (README.md shows this file without this comment; test/bindings.test.ts checks it).
from cdk8s import App, Chart
from cdk8s_stateful_constructs import AppNamespace, ConsulCluster, Manifests

app = App()
chart = Chart(app, "platform", namespace="platform")
AppNamespace(chart, "namespace")
consul = ConsulCluster(chart, "consul", replicas=3, datacenter="dc1")
print(consul.peer_address(0))  # consul-0.consul.platform.svc.cluster.local
Manifests.write(app)  # dist/platform.k8s.yaml and dist/Kustomization
