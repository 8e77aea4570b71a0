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
)

// TestNginx runs examples/nginx-web and examples/nginx-cache as generated,
// in default, where the cache finds the web servers: web-1 waits for its
// primary, the pinned primary Service reaches web-0 alone; the cache's
// members start at once, each with its own claim, and serve from cache.
func TestNginx(t *testing.T) {
	// Beside the other examples that need no node of their own.
	t.Parallel()
	ctx := testContext(t, 10*time.Minute)
	web := compileExample(t, "nginx-web", "web", nil)
	deploy(t, ctx, web, nil)
	ns := web.namespace

	// web-1 started once its init container reached web-0.
	logs, err := c.Logs(ctx, ns, "web-1", "wait-for-web-0")
	if err != nil || !strings.Contains(logs, "wait: web-0.web-hs serves") {
		t.Errorf("web-1's wait-for-web-0 log: %q (%v)", logs, err)
	}
	if logs, err := c.Logs(ctx, ns, "web-0", "wait-for-web-0"); err != nil || !strings.Contains(logs, "is the first member") {
		t.Errorf("web-0's wait-for-web-0 log: %q (%v)", logs, err)
	}

	// Each member serves its own claim; the primary Service only web-0's.
	for _, p := range []string{"web-0", "web-1"} {
		inPod(t, ctx, ns, p, "web", "sh", "-c", `echo "$STSGEN_POD" >/usr/share/nginx/html/index.html`)
	}
	primary := clusterIP(t, ctx, ns, "web-primary")
	for range 8 {
		body, _, err := get(ctx, "http://"+net.JoinHostPort(primary, "8080")+"/")
		if err != nil || body != "web-0" {
			t.Fatalf("GET through web-primary: %q (%v), want web-0", body, err)
		}
	}

	cache := compileExample(t, "nginx-cache", "cache", nil)
	deploy(t, ctx, cache, nil)

	// Parallel: every member was created before the first was Ready.
	pods, err := c.Client.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: "app.kubernetes.io/name=cache"})
	if err != nil || len(pods.Items) != 3 {
		t.Fatalf("cache pods: %v (%v)", len(pods.Items), err)
	}
	var lastCreated, firstReady time.Time
	claims := map[string]string{}
	for _, p := range pods.Items {
		lastCreated = later(lastCreated, p.CreationTimestamp.Time)
		for _, cond := range p.Status.Conditions {
			if cond.Type == "Ready" && (firstReady.IsZero() || cond.LastTransitionTime.Time.Before(firstReady)) {
				firstReady = cond.LastTransitionTime.Time
			}
		}
		for _, v := range p.Spec.Volumes {
			if v.PersistentVolumeClaim != nil {
				claims[p.Name] = v.PersistentVolumeClaim.ClaimName
			}
		}
	}
	if lastCreated.After(firstReady) {
		t.Errorf("the last cache pod was created at %s, after the first was Ready at %s", lastCreated, firstReady)
	}
	volumes := map[string]bool{}
	for p, claim := range claims {
		if want := "cache-" + p; claim != want {
			t.Errorf("%s mounts claim %s, want %s", p, claim, want)
		}
		pvc, err := c.Client.CoreV1().PersistentVolumeClaims(ns).Get(ctx, claim, metav1.GetOptions{})
		if err != nil || pvc.Spec.VolumeName == "" {
			t.Fatalf("claim %s: %v", claim, err)
		}
		volumes[pvc.Spec.VolumeName] = true
	}
	if len(volumes) != 3 {
		t.Errorf("the cache's claims share volumes: %v", volumes)
	}

	// A cache member fetches a page from web once, then serves it from
	// its cache.
	ip := pod(t, ctx, ns, "cache-0").Status.PodIP
	url := "http://" + net.JoinHostPort(ip, "8080") + "/"
	first, h, err := get(ctx, url)
	if err != nil || (first != "web-0" && first != "web-1") || h.Get("X-Cache-Status") != "MISS" {
		t.Fatalf("first GET from cache-0: %q, X-Cache-Status %q (%v)", first, h.Get("X-Cache-Status"), err)
	}
	again, h, err := get(ctx, url)
	if err != nil || again != first || h.Get("X-Cache-Status") != "HIT" {
		t.Fatalf("second GET from cache-0: %q, X-Cache-Status %q (%v); want %q from the cache", again, h.Get("X-Cache-Status"), err, first)
	}
}

// clusterIP is the Service's cluster IP.
func clusterIP(t *testing.T, ctx context.Context, ns, name string) string {
	t.Helper()
	svc, err := c.Client.CoreV1().Services(ns).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return svc.Spec.ClusterIP
}

// get fetches url and returns its body, trimmed, and its headers; a
// status other than 200 is an error.
func get(ctx context.Context, url string) (string, http.Header, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "", nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("%s", resp.Status)
	}
	return strings.TrimSpace(string(body)), resp.Header, err
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
