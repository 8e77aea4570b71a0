//go:build linux

package nodes

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
)

// scrapeServiceMonitors finds the targets of the example's ServiceMonitors
// as the Prometheus Operator does, and scrapes each as Prometheus would:
// the Services in the namespace that the monitor's selector selects, the
// addresses their EndpointSlices publish under the endpoint's port name,
// and the endpoint's scheme and path. Each target must answer with every
// line of want, and there must be one per member. It returns the targets.
func scrapeServiceMonitors(t *testing.T, ctx context.Context, ex *example, members int, want ...string) []string {
	t.Helper()
	var targets []string
	monitors := 0
	for _, sm := range decodeManifests(t, ex.manifests) {
		if sm.GetKind() != "ServiceMonitor" {
			continue
		}
		monitors++
		sel, _, _ := unstructured.NestedStringMap(sm.Object, "spec", "selector", "matchLabels")
		endpoints, _, _ := unstructured.NestedSlice(sm.Object, "spec", "endpoints")
		svcs, err := c.Client.CoreV1().Services(ex.namespace).List(ctx, metav1.ListOptions{LabelSelector: labels.SelectorFromSet(sel).String()})
		if err != nil {
			t.Fatal(err)
		}
		if len(svcs.Items) == 0 {
			t.Fatalf("ServiceMonitor %s selects no Service (%v)", sm.GetName(), sel)
		}
		for _, e := range endpoints {
			e, _ := e.(map[string]any)
			port, _ := e["port"].(string)
			path, _ := e["path"].(string)
			scheme, _ := e["scheme"].(string)
			if path == "" {
				path = "/metrics"
			}
			if scheme == "" {
				scheme = "http"
			}
			for _, svc := range svcs.Items {
				slices, err := c.Client.DiscoveryV1().EndpointSlices(ex.namespace).List(ctx, metav1.ListOptions{LabelSelector: "kubernetes.io/service-name=" + svc.Name})
				if err != nil {
					t.Fatal(err)
				}
				for _, s := range slices.Items {
					for _, p := range s.Ports {
						if p.Name == nil || *p.Name != port || p.Port == nil {
							continue
						}
						for _, ep := range s.Endpoints {
							for _, a := range ep.Addresses {
								targets = append(targets, scheme+"://"+net.JoinHostPort(a, fmt.Sprint(*p.Port))+path)
							}
						}
					}
				}
			}
		}
	}
	if monitors == 0 {
		t.Fatalf("%s writes no ServiceMonitor", ex.app)
	}
	if len(targets) != members {
		t.Errorf("the ServiceMonitors' targets: %v, want one per member (%d)", targets, members)
	}
	client := &http.Client{Timeout: 10 * time.Second}
	for _, target := range targets {
		eventually(t, ctx, "scraping "+target, time.Minute, func(ctx context.Context) error {
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
			if err != nil {
				return err
			}
			resp, err := client.Do(req)
			if err != nil {
				return err
			}
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			if err != nil {
				return err
			}
			if resp.StatusCode != http.StatusOK {
				return fmt.Errorf("%s", resp.Status)
			}
			lines := strings.Split(string(body), "\n")
			for _, w := range want {
				found := false
				for _, l := range lines {
					found = found || l == w
				}
				if !found {
					return fmt.Errorf("no line %q in %d bytes of metrics", w, len(body))
				}
			}
			return nil
		})
	}
	return targets
}
