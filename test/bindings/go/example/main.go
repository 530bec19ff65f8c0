// The README's Go example (README.md shows this file without this comment; test/bindings.test.ts checks it).
package main

import (
	"fmt"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"

	sc "example.com/cdk8s-stateful-constructs-go/cdk8sstatefulconstructs"
)

func main() {
	app := cdk8s.NewApp(nil)
	chart := cdk8s.NewChart(app, jsii.String("platform"), &cdk8s.ChartProps{Namespace: jsii.String("platform")})
	sc.NewAppNamespace(chart, jsii.String("namespace"), nil)
	consul := sc.NewConsulCluster(chart, jsii.String("consul"), &sc.ConsulClusterProps{Replicas: jsii.Number(3), Datacenter: jsii.String("dc1")})
	fmt.Println(*consul.PeerAddress(jsii.Number(0))) // consul-0.consul.platform.svc.cluster.local
	sc.Manifests_Write(app, nil)                     // dist/platform.k8s.yaml and dist/Kustomization
}
