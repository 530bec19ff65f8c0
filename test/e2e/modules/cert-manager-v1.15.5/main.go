// The cert-manager controller for the e2e control plane: cert-manager's own control loops (github.com/cert-manager/
// cert-manager/pkg/controller/...), run by this small program of ours.
//
// cert-manager ships its controller's main package in a nested module (cmd/controller, module path
// github.com/cert-manager/cert-manager/controller-binary) that the Go module proxy does not serve, so it cannot be
// `go install`ed. The control loops themselves are public packages of the main module, each registering itself in
// controller.Known(); this program builds their shared context (controller.NewContextFactory, as the upstream binary
// does) and runs the loops the suite needs: Issuers and ClusterIssuers, the six Certificate loops (trigger, key
// manager, request manager, issuing, readiness, revision manager), the approver, and the SelfSigned and CA signers.
// No ACME, Vault, Venafi, ingress/gateway shims, webhook or cainjector; no leader election (one instance); no metrics
// or health server (nothing listens).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"sort"
	"strings"
	"sync"
	"syscall"

	"k8s.io/klog/v2"
	"k8s.io/utils/clock"

	"github.com/cert-manager/cert-manager/pkg/controller"
	logf "github.com/cert-manager/cert-manager/pkg/logs"
	"github.com/cert-manager/cert-manager/pkg/metrics"

	// Each of these registers its control loop(s) in controller.Known() (or its issuer type) when imported.
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificaterequests/approver"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificaterequests/ca"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificaterequests/selfsigned"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificates/issuing"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificates/keymanager"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificates/readiness"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificates/requestmanager"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificates/revisionmanager"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificates/trigger"
	_ "github.com/cert-manager/cert-manager/pkg/controller/clusterissuers"
	_ "github.com/cert-manager/cert-manager/pkg/controller/issuers"
	_ "github.com/cert-manager/cert-manager/pkg/issuer/ca"
	_ "github.com/cert-manager/cert-manager/pkg/issuer/selfsigned"
)

// The loops run; any other name registered by an imported package stays off.
var loops = []string{
	"issuers", "clusterissuers",
	"certificates-trigger", "certificates-key-manager", "certificates-request-manager", "certificates-issuing",
	"certificates-readiness", "certificates-revision-manager",
	"certificaterequests-approver", "certificaterequests-issuer-selfsigned", "certificaterequests-issuer-ca",
}

func main() {
	kubeconfig := flag.String("kubeconfig", "", "kubeconfig of the API server (required)")
	clusterResourceNamespace := flag.String("cluster-resource-namespace", "cert-manager", "namespace of the Secrets ClusterIssuers refer to")
	workers := flag.Int("concurrent-workers", 5, "workers per control loop (upstream default 5)")
	listLoops := flag.Bool("list-controllers", false, "print the control loops this binary runs and exit")
	klog.InitFlags(flag.CommandLine) // -v=N: 2 info (upstream default), 4 debug
	flag.Parse()

	if *listLoops {
		fmt.Println(strings.Join(loops, "\n"))
		return
	}
	if *kubeconfig == "" {
		fmt.Fprintln(os.Stderr, "cert-manager-controller: -kubeconfig is required")
		os.Exit(2)
	}

	logf.InitLogs()
	defer logf.FlushLogs()
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	ctx = logf.NewContext(ctx, logf.Log, "controller")
	log := logf.FromContext(ctx)

	factory, err := controller.NewContextFactory(ctx, controller.ContextOptions{
		Kubeconfig:         *kubeconfig,
		KubernetesAPIQPS:   20, // upstream defaults
		KubernetesAPIBurst: 50,
		Clock:              clock.RealClock{},
		Metrics:            metrics.New(log, clock.RealClock{}),
		IssuerOptions:      controller.IssuerOptions{ClusterResourceNamespace: *clusterResourceNamespace},
		// Annotations copied from a Certificate to its CertificateRequests: upstream's default list.
		CertificateOptions: controller.CertificateOptions{CopiedAnnotationPrefixes: []string{"*", "-kubectl.kubernetes.io/", "-fluxcd.io/", "-argocd.argoproj.io/"}},
	})
	if err != nil {
		fail(err)
	}
	base, err := factory.Build()
	if err != nil {
		fail(err)
	}

	known := controller.Known()
	var missing []string
	for _, name := range loops {
		if known[name] == nil {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		registered := make([]string, 0, len(known))
		for n := range known {
			registered = append(registered, n)
		}
		sort.Strings(registered)
		fail(fmt.Errorf("control loops not registered: %v (registered: %v)", missing, registered))
	}

	var wg sync.WaitGroup
	errs := make(chan error, len(loops))
	for _, name := range loops {
		loop, err := known[name](factory)
		if err != nil {
			fail(fmt.Errorf("%s: %w", name, err))
		}
		wg.Add(1)
		go func(name string, loop controller.Interface) {
			defer wg.Done()
			log.Info("starting control loop", "controller", name)
			if err := loop.Run(*workers, ctx); err != nil {
				errs <- fmt.Errorf("%s: %w", name, err)
				stop()
			}
		}(name, loop)
	}
	// The informers the loops registered while being constructed.
	base.SharedInformerFactory.Start(ctx.Done())
	base.KubeSharedInformerFactory.Start(ctx.Done())
	base.HTTP01ResourceMetadataInformersFactory.Start(ctx.Done())
	log.Info("cert-manager control loops running", "controllers", loops, "clusterResourceNamespace", *clusterResourceNamespace)

	wg.Wait()
	close(errs)
	for err := range errs {
		fail(err)
	}
	log.Info("control loops exited")
}

func fail(err error) {
	logf.Log.Error(err, "cert-manager-controller")
	logf.FlushLogs()
	os.Exit(1)
}
