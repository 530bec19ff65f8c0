# main.ts in Python: the same four charts, built with the Python bindings (the wheel jsii-pacmak builds) and written
# by the same Manifests.write. `npm run test:bindings` compares what this writes with main.ts's output, byte for byte.
# usage: python main.py <outdir>
import sys

from cdk8s import App, Chart, Size
from constructs import Construct

import cdk8s_stateful_constructs as s
from cdk8s_stateful_constructs import k8s

NGINX_CONF = """server {
    listen 8080;
    root /usr/share/nginx/html;
    location = /healthz {
        access_log off;
        default_type text/plain;
        return 200 "ok\\n";
    }
}
"""


class WebChart(Chart):
    """Seed 001's Pet Set example on StatefulCluster: nginx `web`, 2 replicas, governing service `nginx`."""

    def __init__(self, scope: Construct, id: str, *, namespace: str) -> None:
        super().__init__(scope, id, namespace=namespace)
        config = k8s.KubeConfigMap(self, "nginx-conf",
            metadata=k8s.ObjectMeta(name="web-nginx-conf", labels={
                "app.kubernetes.io/name": "nginx", "app.kubernetes.io/instance": "web", "app.kubernetes.io/component": "web",
                "app.kubernetes.io/part-of": "web", "app.kubernetes.io/managed-by": "cdk8s"}),
            data={"default.conf": NGINX_CONF})
        self.web = s.StatefulCluster(self, "web",
            name="web",
            service_name="nginx",
            replicas=2,
            image="nginxinc/nginx-unprivileged:1.28.0-alpine",
            app_labels=s.AppLabels(app="nginx", instance="web", component="web"),
            run_as=s.RunAsUser(uid=10101, gid=10101),
            ports=[s.ClusterPort(name="http", port=8080)],
            claims=[s.ClaimTemplate(name="www", mount_path="/usr/share/nginx/html", size=Size.gibibytes(1))],
            volumes=[
                k8s.Volume(name="tmp", empty_dir=k8s.EmptyDirVolumeSource(size_limit=k8s.Quantity.from_string("64Mi"))),
                k8s.Volume(name="conf", config_map=k8s.ConfigMapVolumeSource(name=config.name)),
            ],
            volume_mounts=[
                k8s.VolumeMount(name="tmp", mount_path="/tmp"),
                k8s.VolumeMount(name="conf", mount_path="/etc/nginx/conf.d", read_only=True),
            ],
            readiness_probe=k8s.Probe(http_get=k8s.HttpGetAction(path="/healthz", port=k8s.IntOrString.from_string("http")),
                                      period_seconds=5, failure_threshold=2),
            liveness_probe=k8s.Probe(tcp_socket=k8s.TcpSocketAction(port=k8s.IntOrString.from_string("http")),
                                     initial_delay_seconds=10, period_seconds=20, failure_threshold=3),
            annotations={"ignore-check.kube-linter.io/minimum-three-replicas": "seed 001's example: two replicas, web-0 and web-1"})


class ConsulChart(Chart):
    """Seeds 000/002: a 3-server Consul cluster with its UI, in its own namespace."""

    def __init__(self, scope: Construct, id: str, *, namespace: str) -> None:
        super().__init__(scope, id, namespace=namespace)
        self.consul = s.ConsulCluster(self, "consul", replicas=3, datacenter="dc1")


class SquashChart(Chart):
    """Seed 004: Squash TM on PostgreSQL; the credentials Secret is created out of band."""

    def __init__(self, scope: Construct, id: str, *, namespace: str) -> None:
        super().__init__(scope, id, namespace=namespace)
        self.postgres = s.PostgresWithSecrets(self, "postgres",
            database="squashtm",
            credentials=s.Credentials.from_existing_secret("postgres-credentials"),
            alias_service_name="postgres")
        self.squash = s.SquashApp(self, "squash",
            database=self.postgres,
            exposure=s.SquashExposure.ingress(host="squash.example.com", ingress_class_name="nginx"))


class CassandraChart(Chart):
    """Seed 003: a 3-node Cassandra ring (one rack) in its own namespace."""

    def __init__(self, scope: Construct, id: str, *, namespace: str) -> None:
        super().__init__(scope, id, namespace=namespace)
        self.cassandra = s.CassandraRing(self, "cassandra",
            replicas=3, cluster_name="my-cassandra-cluster", datacenter="dc1", rack="rack1")


def namespaced(chart: Chart) -> Chart:
    """A chart whose objects live in `namespace`, which it creates first."""
    s.AppNamespace(chart, "namespace")
    return chart


def build_app(app: App) -> App:
    namespaced(WebChart(app, "web", namespace="web"))
    namespaced(ConsulChart(app, "consul", namespace="consul"))
    namespaced(SquashChart(app, "squash", namespace="squash"))
    namespaced(CassandraChart(app, "cassandra", namespace="cassandra"))
    return app


if __name__ == "__main__":
    s.Manifests.write(build_app(App()), outdir=sys.argv[1])
