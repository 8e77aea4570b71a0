// Command coredns is CoreDNS with only the plugins the end-to-end cluster's
// Corefile uses. The upstream binary links some sixty plugins, with the
// cloud providers' SDKs; this one builds in a fraction of the time.
package main

import (
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/coremain"

	_ "github.com/coredns/coredns/plugin/bind"
	_ "github.com/coredns/coredns/plugin/cache"
	_ "github.com/coredns/coredns/plugin/errors"
	_ "github.com/coredns/coredns/plugin/forward"
	_ "github.com/coredns/coredns/plugin/health"
	_ "github.com/coredns/coredns/plugin/kubernetes"
	_ "github.com/coredns/coredns/plugin/log"
	_ "github.com/coredns/coredns/plugin/ready"
)

func init() {
	// The order is upstream's (core/dnsserver/zdirectives.go): each plugin
	// sees the requests after those listed before it.
	dnsserver.Directives = []string{
		"bind",
		"ready",
		"health",
		"errors",
		"log",
		"cache",
		"kubernetes",
		"forward",
	}
}

func main() {
	coremain.Run()
}
