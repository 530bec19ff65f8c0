// main.ts in Go: the same four charts, built with the Go bindings (the module jsii-pacmak generates) and written by
// the same Manifests.Write. `npm run test:bindings` compares what this writes with main.ts's output, byte for byte.
// usage: go run . <outdir>
package main

import (
	"os"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"

	sc "example.com/cdk8s-stateful-constructs-go/cdk8sstatefulconstructs"
	"example.com/cdk8s-stateful-constructs-go/cdk8sstatefulconstructs/k8s"
)

// nginxConf is the nginx server block: serve the per-pod `www` claim, and answer /healthz for the readiness probe.
const nginxConf = `server {
    listen 8080;
    root /usr/share/nginx/html;
    location = /healthz {
        access_log off;
        default_type text/plain;
        return 200 "ok\n";
    }
}
`

// NewWebChart is seed 001's Pet Set example on StatefulCluster: nginx `web`, 2 replicas, governing service `nginx`.
func NewWebChart(scope constructs.Construct, id string, props *cdk8s.ChartProps) cdk8s.Chart {
	chart := cdk8s.NewChart(scope, jsii.String(id), props)
	config := k8s.NewKubeConfigMap(chart, jsii.String("nginx-conf"), &k8s.KubeConfigMapProps{
		Metadata: &k8s.ObjectMeta{Name: jsii.String("web-nginx-conf"), Labels: &map[string]*string{
			"app.kubernetes.io/name": jsii.String("nginx"), "app.kubernetes.io/instance": jsii.String("web"),
			"app.kubernetes.io/component": jsii.String("web"), "app.kubernetes.io/part-of": jsii.String("web"),
			"app.kubernetes.io/managed-by": jsii.String("cdk8s"),
		}},
		Data: &map[string]*string{"default.conf": jsii.String(nginxConf)},
	})
	sc.NewStatefulCluster(chart, jsii.String("web"), &sc.StatefulClusterProps{
		Name:        jsii.String("web"),
		ServiceName: jsii.String("nginx"),
		Replicas:    jsii.Number(2),
		Image:       jsii.String("nginxinc/nginx-unprivileged:1.28.0-alpine"),
		AppLabels:   &sc.AppLabels{App: jsii.String("nginx"), Instance: jsii.String("web"), Component: jsii.String("web")},
		RunAs:       &sc.RunAsUser{Uid: jsii.Number(10101), Gid: jsii.Number(10101)},
		Ports:       &[]*sc.ClusterPort{{Name: jsii.String("http"), Port: jsii.Number(8080)}},
		Claims: &[]*sc.ClaimTemplate{{
			Name: jsii.String("www"), MountPath: jsii.String("/usr/share/nginx/html"), Size: cdk8s.Size_Gibibytes(jsii.Number(1)),
		}},
		Volumes: &[]*k8s.Volume{
			{Name: jsii.String("tmp"), EmptyDir: &k8s.EmptyDirVolumeSource{SizeLimit: k8s.Quantity_FromString(jsii.String("64Mi"))}},
			{Name: jsii.String("conf"), ConfigMap: &k8s.ConfigMapVolumeSource{Name: config.Name()}},
		},
		VolumeMounts: &[]*k8s.VolumeMount{
			{Name: jsii.String("tmp"), MountPath: jsii.String("/tmp")},
			{Name: jsii.String("conf"), MountPath: jsii.String("/etc/nginx/conf.d"), ReadOnly: jsii.Bool(true)},
		},
		ReadinessProbe: &k8s.Probe{
			HttpGet:       &k8s.HttpGetAction{Path: jsii.String("/healthz"), Port: k8s.IntOrString_FromString(jsii.String("http"))},
			PeriodSeconds: jsii.Number(5), FailureThreshold: jsii.Number(2),
		},
		LivenessProbe: &k8s.Probe{
			TcpSocket:           &k8s.TcpSocketAction{Port: k8s.IntOrString_FromString(jsii.String("http"))},
			InitialDelaySeconds: jsii.Number(10), PeriodSeconds: jsii.Number(20), FailureThreshold: jsii.Number(3),
		},
		Annotations: &map[string]*string{
			"ignore-check.kube-linter.io/minimum-three-replicas": jsii.String("seed 001's example: two replicas, web-0 and web-1"),
		},
	})
	return chart
}

// NewConsulChart is seeds 000/002: a 3-server Consul cluster with its UI, in its own namespace.
func NewConsulChart(scope constructs.Construct, id string, props *cdk8s.ChartProps) cdk8s.Chart {
	chart := cdk8s.NewChart(scope, jsii.String(id), props)
	sc.NewConsulCluster(chart, jsii.String("consul"), &sc.ConsulClusterProps{Replicas: jsii.Number(3), Datacenter: jsii.String("dc1")})
	return chart
}

// NewSquashChart is seed 004: Squash TM on PostgreSQL; the credentials Secret is created out of band.
func NewSquashChart(scope constructs.Construct, id string, props *cdk8s.ChartProps) cdk8s.Chart {
	chart := cdk8s.NewChart(scope, jsii.String(id), props)
	postgres := sc.NewPostgresWithSecrets(chart, jsii.String("postgres"), &sc.PostgresWithSecretsProps{
		Database:         jsii.String("squashtm"),
		Credentials:      sc.Credentials_FromExistingSecret(jsii.String("postgres-credentials"), nil),
		AliasServiceName: jsii.String("postgres"),
	})
	sc.NewSquashApp(chart, jsii.String("squash"), &sc.SquashAppProps{
		Database: postgres,
		Exposure: sc.SquashExposure_Ingress(&sc.IngressOptions{Host: jsii.String("squash.example.com"), IngressClassName: jsii.String("nginx")}),
	})
	return chart
}

// NewCassandraChart is seed 003: a 3-node Cassandra ring (one rack) in its own namespace.
func NewCassandraChart(scope constructs.Construct, id string, props *cdk8s.ChartProps) cdk8s.Chart {
	chart := cdk8s.NewChart(scope, jsii.String(id), props)
	sc.NewCassandraRing(chart, jsii.String("cassandra"), &sc.CassandraRingProps{
		Replicas: jsii.Number(3), ClusterName: jsii.String("my-cassandra-cluster"), Datacenter: jsii.String("dc1"), Rack: jsii.String("rack1"),
	})
	return chart
}

// namespaced gives a chart whose objects live in `namespace` the Namespace, created first.
func namespaced(chart cdk8s.Chart) cdk8s.Chart {
	sc.NewAppNamespace(chart, jsii.String("namespace"), nil)
	return chart
}

func in(namespace string) *cdk8s.ChartProps {
	return &cdk8s.ChartProps{Namespace: jsii.String(namespace)}
}

// BuildApp adds every chart of the example app.
func BuildApp(app cdk8s.App) cdk8s.App {
	namespaced(NewWebChart(app, "web", in("web")))
	namespaced(NewConsulChart(app, "consul", in("consul")))
	namespaced(NewSquashChart(app, "squash", in("squash")))
	namespaced(NewCassandraChart(app, "cassandra", in("cassandra")))
	return app
}

func main() {
	sc.Manifests_Write(BuildApp(cdk8s.NewApp(nil)), &sc.ManifestsWriteOptions{Outdir: jsii.String(os.Args[1])})
}
