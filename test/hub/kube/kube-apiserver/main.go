// Command kube-apiserver is the upstream kube-apiserver, built from the k8s.io/kubernetes
// module through the Go module proxy (see go.mod); test/hub/up.sh builds and caches it.
// The body is a copy of k8s.io/kubernetes/cmd/kube-apiserver/apiserver.go, which is a
// main package and so cannot be imported or `go install`ed from outside its own module.
package main

import (
	"os"
	_ "time/tzdata" // for timeZone support in CronJob

	"k8s.io/component-base/cli"
	_ "k8s.io/component-base/logs/json/register"          // JSON log format registration
	_ "k8s.io/component-base/metrics/prometheus/clientgo" // client-go metrics plugins
	_ "k8s.io/component-base/metrics/prometheus/version"  // version metric registration
	"k8s.io/kubernetes/cmd/kube-apiserver/app"
)

func main() {
	os.Exit(cli.Run(app.NewAPIServerCommand()))
}
