// The README's Java example (README.md shows this file without this comment; test/bindings.test.ts checks it).
package example;

import io.github.cdk8sstateful.AppNamespace;
import io.github.cdk8sstateful.ConsulCluster;
import io.github.cdk8sstateful.Manifests;
import org.cdk8s.App;
import org.cdk8s.Chart;
import org.cdk8s.ChartProps;

public final class Example {
  public static void main(String[] args) {
    App app = new App();
    Chart chart = new Chart(app, "platform", ChartProps.builder().namespace("platform").build());
    new AppNamespace(chart, "namespace");
    ConsulCluster consul = ConsulCluster.Builder.create(chart, "consul").replicas(3).datacenter("dc1").build();
    System.out.println(consul.peerAddress(0)); // consul-0.consul.platform.svc.cluster.local
    Manifests.write(app); // dist/platform.k8s.yaml and dist/Kustomization
  }
}
