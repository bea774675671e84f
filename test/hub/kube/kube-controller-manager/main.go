// Command kube-controller-manager is the upstream kube-controller-manager, built like
// ../kube-apiserver from k8s.io/kubernetes through the Go module proxy; test/hub/up.sh builds
// and caches it. The body is a copy of
// k8s.io/kubernetes/cmd/kube-controller-manager/controller-manager.go (a main package).
package main

import (
	"os"
	_ "time/tzdata" // for CronJob Time Zone support

	"k8s.io/component-base/cli"
	_ "k8s.io/component-base/logs/json/register"          // JSON log format registration
	_ "k8s.io/component-base/metrics/prometheus/clientgo" // client-go metrics plugins
	_ "k8s.io/component-base/metrics/prometheus/version"  // version metric registration
	"k8s.io/kubernetes/cmd/kube-controller-manager/app"
)

func main() {
	os.Exit(cli.Run(app.NewControllerManagerCommand()))
}
