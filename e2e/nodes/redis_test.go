//go:build linux

package nodes

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

// TestRedis runs examples/redis as generated: the replicas replicate from
// the primary, a key written through the primary Service is read through
// the read Service, a deleted replica comes back with its data and resyncs,
// the password is required, and the ServiceMonitor's targets, one per
// member, are the exporter sidecars, which read their server. Then the
// password is rotated: its Secret
// and its declared version change, and the members roll onto the new
// one.
func TestRedis(t *testing.T) {
	// Beside the other examples that need no node of their own.
	t.Parallel()
	ctx := testContext(t, 10*time.Minute)
	ex := compileExample(t, "redis", "redis", map[string]string{
		"zz_e2e.cue": "package redis\n\napps: redis: namespace: \"redis\"\n",
	})
	const password = "e2e-redis-password"
	deploy(t, ctx, ex, map[string]map[string]string{"redis": {"password": password}})
	ns := ex.namespace
	primary := "redis-0.redis-hs.redis.svc.cluster.local"

	// redis-cli authenticates with REDISCLI_AUTH, which the example sets
	// from the Secret in every container.
	cli := func(pod string, args ...string) string {
		return inPod(t, ctx, ns, pod, "redis", append([]string{"redis-cli", "--no-auth-warning"}, args...)...)
	}
	info := func(pod string) map[string]string {
		out, _, err := c.Exec(ctx, ns, pod, "redis", "redis-cli", "--no-auth-warning", "info", "replication")
		m := map[string]string{}
		if err != nil {
			return m
		}
		for _, line := range strings.Split(out, "\n") {
			if k, v, ok := strings.Cut(strings.TrimSpace(line), ":"); ok {
				m[k] = v
			}
		}
		return m
	}

	eventually(t, ctx, "redis-0 has two replicas", time.Minute, func(context.Context) error {
		if r := info("redis-0"); r["role"] != "master" || r["connected_slaves"] != "2" {
			return fmt.Errorf("redis-0: role %s, %s replicas", r["role"], r["connected_slaves"])
		}
		return nil
	})
	for _, p := range []string{"redis-1", "redis-2"} {
		eventually(t, ctx, p+" follows redis-0", time.Minute, func(context.Context) error {
			r := info(p)
			if r["role"] != "slave" || r["master_host"] != primary || r["master_link_status"] != "up" {
				return fmt.Errorf("%s: role %s, master %s, link %s", p, r["role"], r["master_host"], r["master_link_status"])
			}
			return nil
		})
	}

	// Prometheus' view: the ServiceMonitor's targets, one per member,
	// where each member's exporter sidecar reads its server with the
	// password.
	scrapeServiceMonitors(t, ctx, ex, 3, "redis_up 1")

	// A write through the primary Service, from another member, by the
	// Service's name; reads through the read Service, which any member
	// may answer, see it once it is replicated.
	if got := cli("redis-2", "-h", "redis-primary", "set", "e2e:greeting", "hello"); got != "OK" {
		t.Fatalf("SET through redis-primary: %q", got)
	}
	for _, p := range []string{"redis-0", "redis-1", "redis-2"} {
		eventually(t, ctx, p+" has the key", 30*time.Second, func(context.Context) error {
			if got := cli(p, "get", "e2e:greeting"); got != "hello" {
				return fmt.Errorf("%s: GET = %q", p, got)
			}
			return nil
		})
	}
	for range 6 {
		if got := cli("redis-1", "-h", "redis", "get", "e2e:greeting"); got != "hello" {
			t.Fatalf("GET through the read Service: %q", got)
		}
	}
	// Replicas refuse writes.
	if got := cli("redis-1", "set", "e2e:other", "x"); !strings.HasPrefix(got, "READONLY") {
		t.Errorf("SET on a replica: %q, want READONLY", got)
	}

	// The password is required, and a wrong one refused.
	if out, _, _ := c.Exec(ctx, ns, "redis-0", "redis", "env", "-u", "REDISCLI_AUTH", "redis-cli", "ping"); !strings.Contains(out, "NOAUTH") {
		t.Errorf("PING without the password: %q, want NOAUTH", out)
	}
	// redis-cli reports the refused AUTH on its standard error, then sends
	// the command unauthenticated.
	if out, errOut, _ := c.Exec(ctx, ns, "redis-0", "redis", "redis-cli", "--no-auth-warning", "--pass", "wrong", "ping"); !strings.Contains(errOut, "WRONGPASS") || !strings.Contains(out, "NOAUTH") {
		t.Errorf("PING with a wrong password: %q, %q; want WRONGPASS, then NOAUTH", out, errOut)
	}

	// A replica deleted comes back on its own claim, with its data, and
	// resyncs; what was written meanwhile reaches it.
	claimUID := func() string {
		pvc, err := c.Client.CoreV1().PersistentVolumeClaims(ns).Get(ctx, "data-redis-2", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return string(pvc.UID) + " " + pvc.Spec.VolumeName
	}
	before := claimUID()
	cli("redis-0", "set", "e2e:before", "kept")
	eventually(t, ctx, "redis-2 has e2e:before", 30*time.Second, func(context.Context) error {
		if got := cli("redis-2", "get", "e2e:before"); got != "kept" {
			return fmt.Errorf("GET = %q", got)
		}
		return nil
	})
	recreate(t, ctx, ns, "redis-2")
	if after := claimUID(); after != before {
		t.Errorf("redis-2's claim and volume were %s, are %s", before, after)
	}
	if got := cli("redis-2", "get", "e2e:before"); got != "kept" {
		t.Errorf("redis-2 lost e2e:before: %q", got)
	}
	cli("redis-0", "set", "e2e:after", "synced")
	eventually(t, ctx, "redis-2 resyncs", time.Minute, func(context.Context) error {
		r := info("redis-2")
		if r["master_link_status"] != "up" {
			return fmt.Errorf("link %s", r["master_link_status"])
		}
		if got := cli("redis-2", "get", "e2e:after"); got != "synced" {
			return fmt.Errorf("GET e2e:after = %q", got)
		}
		return nil
	})

	rotateRedisPassword(t, ctx, ex, password)
}

// rotateRedisPassword rotates the password as the example's comment says:
// a new value in the Secret, a new version in the app's declaration of it,
// then stsgen build and apply. The pod template's hash of the declared
// versions changes, so the StatefulSet rolls every member; each comes back
// with the new password, the old one is refused, the replicas follow the
// primary with the new one, and the data is still there.
func rotateRedisPassword(t *testing.T, ctx context.Context, ex *example, old string) {
	t.Helper()
	ns := ex.namespace
	src, err := os.ReadFile(filepath.Join("..", "..", "examples", "redis", "redis.cue"))
	if err != nil {
		t.Fatal(err)
	}
	version := regexp.MustCompile(`(?m)^(\s*version:\s*)"1"$`)
	if n := len(version.FindAll(src, -1)); n != 1 {
		t.Fatalf("examples/redis/redis.cue: %d lines version: \"1\", want the Secret's one", n)
	}
	rotated := compileExample(t, "redis", "redis", map[string]string{
		"zz_e2e.cue": "package redis\n\napps: redis: namespace: \"redis\"\n",
		"redis.cue":  string(version.ReplaceAll(src, []byte(`${1}"2"`))),
	})
	const hashKey = "stsgen.dev/secrets-hash"
	before, after := ex.bundle.StatefulSet.Spec.Template.Annotations[hashKey], rotated.bundle.StatefulSet.Spec.Template.Annotations[hashKey]
	if before == "" || before == after {
		t.Fatalf("the pod template's %s is %q, then %q: want a hash that changes with the version", hashKey, before, after)
	}

	sts, err := c.Client.AppsV1().StatefulSets(ns).Get(ctx, "redis", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	oldRevision := sts.Status.UpdateRevision
	pods := map[string]types.UID{}
	for _, p := range []string{"redis-0", "redis-1", "redis-2"} {
		pods[p] = pod(t, ctx, ns, p).UID
	}

	const password = "e2e-redis-password-2"
	writeSecret(t, ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "redis", Namespace: ns}, StringData: map[string]string{"password": password}})
	start := time.Now()
	if err := c.Apply(ctx, ns, rotated.manifests); err != nil {
		t.Fatal(err)
	}
	eventually(t, ctx, "a new revision of redis", 30*time.Second, func(ctx context.Context) error {
		sts, err := c.Client.AppsV1().StatefulSets(ns).Get(ctx, "redis", metav1.GetOptions{})
		if err != nil || sts.Status.UpdateRevision == oldRevision {
			return fmt.Errorf("update revision %s (%v)", sts.Status.UpdateRevision, err)
		}
		return nil
	})
	eventually(t, ctx, "every member rolled", 5*time.Minute, func(ctx context.Context) error {
		sts, err := c.Client.AppsV1().StatefulSets(ns).Get(ctx, "redis", metav1.GetOptions{})
		if err != nil {
			return err
		}
		st := sts.Status
		if st.ObservedGeneration != sts.Generation || st.CurrentRevision != st.UpdateRevision || st.UpdatedReplicas != 3 || st.ReadyReplicas != 3 {
			return fmt.Errorf("revision %s of %s, %d updated, %d ready", st.CurrentRevision, st.UpdateRevision, st.UpdatedReplicas, st.ReadyReplicas)
		}
		for name, uid := range pods {
			p := pod(t, ctx, ns, name)
			if p.UID == uid || p.Labels[appsv1.ControllerRevisionHashLabelKey] != st.UpdateRevision {
				return fmt.Errorf("%s not restarted at revision %s", name, st.UpdateRevision)
			}
		}
		return nil
	})
	t.Logf("the rotation rolled the three members in %s", time.Since(start).Round(time.Second))

	for _, p := range []string{"redis-0", "redis-1", "redis-2"} {
		// REDISCLI_AUTH, from the Secret: the new password.
		if got := inPod(t, ctx, ns, p, "redis", "redis-cli", "--no-auth-warning", "ping"); got != "PONG" {
			t.Errorf("%s: PING with the password from the Secret: %q", p, got)
		}
		if out, errOut, _ := c.Exec(ctx, ns, p, "redis", "redis-cli", "--no-auth-warning", "--pass", old, "ping"); !strings.Contains(errOut, "WRONGPASS") {
			t.Errorf("%s: PING with the old password: %q, %q; want WRONGPASS", p, out, errOut)
		}
		if got := inPod(t, ctx, ns, p, "redis", "env", "-u", "REDISCLI_AUTH", "redis-cli", "--no-auth-warning", "--pass", password, "get", "e2e:greeting"); got != "hello" {
			t.Errorf("%s: GET e2e:greeting with the new password: %q", p, got)
		}
	}
	// The exporters too read the servers with the new password.
	scrapeServiceMonitors(t, ctx, rotated, 3, "redis_up 1")
	eventually(t, ctx, "redis-0 has two replicas again", time.Minute, func(context.Context) error {
		out := inPod(t, ctx, ns, "redis-0", "redis", "redis-cli", "--no-auth-warning", "info", "replication")
		if !strings.Contains(out, "connected_slaves:2") {
			return fmt.Errorf("%s", out)
		}
		return nil
	})
}
