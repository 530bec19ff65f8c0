// main.ts in Java: the same four charts, built with the Java bindings (the jar jsii-pacmak builds) and written by
// the same Manifests.write. `npm run test:bindings` compares what this writes with main.ts's output, byte for byte.
// usage: java example.Main <outdir>
package example;

import io.github.cdk8sstateful.AppLabels;
import io.github.cdk8sstateful.AppNamespace;
import io.github.cdk8sstateful.CassandraRing;
import io.github.cdk8sstateful.ClaimTemplate;
import io.github.cdk8sstateful.ClusterPort;
import io.github.cdk8sstateful.ConsulCluster;
import io.github.cdk8sstateful.Credentials;
import io.github.cdk8sstateful.IngressOptions;
import io.github.cdk8sstateful.Manifests;
import io.github.cdk8sstateful.ManifestsWriteOptions;
import io.github.cdk8sstateful.PostgresWithSecrets;
import io.github.cdk8sstateful.RunAsUser;
import io.github.cdk8sstateful.SquashApp;
import io.github.cdk8sstateful.SquashExposure;
import io.github.cdk8sstateful.StatefulCluster;
import io.github.cdk8sstateful.k8s.ConfigMapVolumeSource;
import io.github.cdk8sstateful.k8s.EmptyDirVolumeSource;
import io.github.cdk8sstateful.k8s.HttpGetAction;
import io.github.cdk8sstateful.k8s.IntOrString;
import io.github.cdk8sstateful.k8s.KubeConfigMap;
import io.github.cdk8sstateful.k8s.ObjectMeta;
import io.github.cdk8sstateful.k8s.Probe;
import io.github.cdk8sstateful.k8s.Quantity;
import io.github.cdk8sstateful.k8s.TcpSocketAction;
import io.github.cdk8sstateful.k8s.Volume;
import io.github.cdk8sstateful.k8s.VolumeMount;
import java.util.List;
import java.util.Map;
import org.cdk8s.App;
import org.cdk8s.Chart;
import org.cdk8s.ChartProps;
import org.cdk8s.Size;
import software.constructs.Construct;

public final class Main {
  /** nginx server block: serve the per-pod `www` claim, and answer /healthz for the readiness probe. */
  static final String NGINX_CONF = String.join("\n",
      "server {",
      "    listen 8080;",
      "    root /usr/share/nginx/html;",
      "    location = /healthz {",
      "        access_log off;",
      "        default_type text/plain;",
      "        return 200 \"ok\\n\";",
      "    }",
      "}",
      "");

  /** Seed 001's Pet Set example on StatefulCluster: nginx `web`, 2 replicas, governing service `nginx`. */
  static final class WebChart extends Chart {
    final StatefulCluster web;

    WebChart(Construct scope, String id, ChartProps props) {
      super(scope, id, props);
      KubeConfigMap config = KubeConfigMap.Builder.create(this, "nginx-conf")
          .metadata(ObjectMeta.builder().name("web-nginx-conf").labels(Map.of(
              "app.kubernetes.io/name", "nginx", "app.kubernetes.io/instance", "web", "app.kubernetes.io/component", "web",
              "app.kubernetes.io/part-of", "web", "app.kubernetes.io/managed-by", "cdk8s")).build())
          .data(Map.of("default.conf", NGINX_CONF))
          .build();
      web = StatefulCluster.Builder.create(this, "web")
          .name("web")
          .serviceName("nginx")
          .replicas(2)
          .image("nginxinc/nginx-unprivileged:1.28.0-alpine")
          .appLabels(AppLabels.builder().app("nginx").instance("web").component("web").build())
          .runAs(RunAsUser.builder().uid(10101).gid(10101).build())
          .ports(List.of(ClusterPort.builder().name("http").port(8080).build()))
          .claims(List.of(ClaimTemplate.builder().name("www").mountPath("/usr/share/nginx/html").size(Size.gibibytes(1)).build()))
          .volumes(List.of(
              Volume.builder().name("tmp").emptyDir(EmptyDirVolumeSource.builder().sizeLimit(Quantity.fromString("64Mi")).build()).build(),
              Volume.builder().name("conf").configMap(ConfigMapVolumeSource.builder().name(config.getName()).build()).build()))
          .volumeMounts(List.of(
              VolumeMount.builder().name("tmp").mountPath("/tmp").build(),
              VolumeMount.builder().name("conf").mountPath("/etc/nginx/conf.d").readOnly(true).build()))
          .readinessProbe(Probe.builder()
              .httpGet(HttpGetAction.builder().path("/healthz").port(IntOrString.fromString("http")).build())
              .periodSeconds(5).failureThreshold(2).build())
          .livenessProbe(Probe.builder()
              .tcpSocket(TcpSocketAction.builder().port(IntOrString.fromString("http")).build())
              .initialDelaySeconds(10).periodSeconds(20).failureThreshold(3).build())
          .annotations(Map.of("ignore-check.kube-linter.io/minimum-three-replicas", "seed 001's example: two replicas, web-0 and web-1"))
          .build();
    }
  }

  /** Seeds 000/002: a 3-server Consul cluster with its UI, in its own namespace. */
  static final class ConsulChart extends Chart {
    final ConsulCluster consul;

    ConsulChart(Construct scope, String id, ChartProps props) {
      super(scope, id, props);
      consul = ConsulCluster.Builder.create(this, "consul").replicas(3).datacenter("dc1").build();
    }
  }

  /** Seed 004: Squash TM on PostgreSQL; the credentials Secret is created out of band. */
  static final class SquashChart extends Chart {
    final PostgresWithSecrets postgres;
    final SquashApp squash;

    SquashChart(Construct scope, String id, ChartProps props) {
      super(scope, id, props);
      postgres = PostgresWithSecrets.Builder.create(this, "postgres")
          .database("squashtm")
          .credentials(Credentials.fromExistingSecret("postgres-credentials"))
          .aliasServiceName("postgres")
          .build();
      squash = SquashApp.Builder.create(this, "squash")
          .database(postgres)
          .exposure(SquashExposure.ingress(IngressOptions.builder().host("squash.example.com").ingressClassName("nginx").build()))
          .build();
    }
  }

  /** Seed 003: a 3-node Cassandra ring (one rack) in its own namespace. */
  static final class CassandraChart extends Chart {
    final CassandraRing cassandra;

    CassandraChart(Construct scope, String id, ChartProps props) {
      super(scope, id, props);
      cassandra = CassandraRing.Builder.create(this, "cassandra")
          .replicas(3).clusterName("my-cassandra-cluster").datacenter("dc1").rack("rack1")
          .build();
    }
  }

  /** A chart whose objects live in `namespace`, which it creates first. */
  static <T extends Chart> T namespaced(T chart) {
    new AppNamespace(chart, "namespace");
    return chart;
  }

  static ChartProps in(String namespace) {
    return ChartProps.builder().namespace(namespace).build();
  }

  /** Every chart of the example app. */
  static App buildApp(App app) {
    namespaced(new WebChart(app, "web", in("web")));
    namespaced(new ConsulChart(app, "consul", in("consul")));
    namespaced(new SquashChart(app, "squash", in("squash")));
    namespaced(new CassandraChart(app, "cassandra", in("cassandra")));
    return app;
  }

  public static void main(String[] args) {
    Manifests.write(buildApp(new App()), ManifestsWriteOptions.builder().outdir(args[0]).build());
  }
}
