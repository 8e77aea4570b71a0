//go:build linux

package nodes

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-zookeeper/zk"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// TestZooKeeper runs the three-server ensemble of examples/zookeeper as
// generated: one leader and two followers; writes succeed with a member
// gone; the budget lets one member be evicted and refuses the next while
// it is down, through the Eviction API and through a drain; and a config
// change rolls the ensemble while a client keeps writing.
func TestZooKeeper(t *testing.T) {
	ctx := testContext(t, 20*time.Minute)
	extra := map[string]string{"zz_e2e.cue": "package zookeeper\n\napps: zk: namespace: \"zk\"\n"}
	ex := compileExample(t, "zookeeper", "zk", extra)
	deploy(t, ctx, ex, nil)
	ns := ex.namespace
	members := []string{"zk-0", "zk-1", "zk-2"}

	// One leader, two followers, each as its four-letter word says.
	eventually(t, ctx, "one leader and two followers", 2*time.Minute, func(ctx context.Context) error {
		modes := map[string]int{}
		for _, m := range members {
			mode, err := zkMode(ctx, pod(t, ctx, ns, m).Status.PodIP)
			if err != nil {
				return fmt.Errorf("%s: %v", m, err)
			}
			modes[mode]++
		}
		if modes["leader"] != 1 || modes["follower"] != 2 {
			return fmt.Errorf("modes %v", modes)
		}
		return nil
	})

	// A client of the client Service, as an application would be.
	svc, err := c.Client.CoreV1().Services(ns).Get(ctx, "zk-cs", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	client := net.JoinHostPort(svc.Spec.ClusterIP, "2181")
	conn, _, err := zk.Connect([]string{client}, 10*time.Second, zk.WithLogInfo(false))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	write := func(path, value string) error {
		_, err := conn.Set(path, []byte(value), -1)
		if err == zk.ErrNoNode {
			_, err = conn.Create(path, []byte(value), 0, zk.WorldACL(zk.PermAll))
		}
		return err
	}
	eventually(t, ctx, "a first write", time.Minute, func(context.Context) error { return write("/e2e", "0") })

	// With one member deleted, the two others are a quorum: writes go on.
	if err := c.Client.CoreV1().Pods(ns).Delete(ctx, "zk-2", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	eventually(t, ctx, "a write with zk-2 deleted", 30*time.Second, func(context.Context) error { return write("/e2e", "1") })
	if err := c.WaitStatefulSetReady(ctx, ns, "zk", 5*time.Minute); err != nil {
		t.Fatal(err)
	}

	// The Eviction API: one member may go, and while it is down the next
	// is refused.
	evict := func(name string) error {
		return c.Client.PolicyV1().Evictions(ns).Evict(ctx, &policyv1.Eviction{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns}})
	}
	waitBudget(t, ctx, ns, "zk-pdb", 1)
	if err := evict("zk-0"); err != nil {
		t.Fatalf("evicting zk-0 with all members Ready: %v", err)
	}
	if err := evict("zk-1"); !apierrors.IsTooManyRequests(err) {
		t.Fatalf("evicting zk-1 while zk-0 is down: %v, want the budget's refusal", err)
	}
	if err := c.WaitStatefulSetReady(ctx, ns, "zk", 5*time.Minute); err != nil {
		t.Fatal(err)
	}

	// A drain: the member's node empties, the member cannot go anywhere
	// else (one per node), and the next drain is refused.
	waitBudget(t, ctx, ns, "zk-pdb", 1)
	first := pod(t, ctx, ns, "zk-1").Spec.NodeName
	second := pod(t, ctx, ns, "zk-2").Spec.NodeName
	defer c.Cordon(context.Background(), first, false)
	defer c.Cordon(context.Background(), second, false)
	if evicted, err := c.Drain(ctx, first); err != nil {
		t.Fatalf("draining %s (%v): %v", first, evicted, err)
	}
	eventually(t, ctx, "a write with zk-1's node drained", 30*time.Second, func(context.Context) error { return write("/e2e", "2") })
	if _, err := c.Drain(ctx, second); !apierrors.IsTooManyRequests(err) {
		t.Fatalf("draining %s while zk-1 is down: %v, want the budget's refusal", second, err)
	}
	// The new zk-1 waits: every node left holds a member already.
	eventually(t, ctx, "zk-1 re-created, unschedulable", time.Minute, func(ctx context.Context) error {
		p, err := c.Client.CoreV1().Pods(ns).Get(ctx, "zk-1", metav1.GetOptions{})
		switch {
		case err != nil:
			return err
		case p.Spec.NodeName != "":
			return fmt.Errorf("zk-1 is on %s", p.Spec.NodeName)
		case !unschedulable(p):
			return fmt.Errorf("zk-1 is not yet reported unschedulable")
		}
		return nil
	})
	for _, n := range []string{first, second} {
		if err := c.Cordon(ctx, n, false); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.WaitStatefulSetReady(ctx, ns, "zk", 5*time.Minute); err != nil {
		t.Fatal(err)
	}

	// A config change rolls the servers, highest ordinal first, while a
	// client writes ten times a second; every write succeeds within a
	// bounded retry.
	extra["zz_e2e_note.cue"] = "package zookeeper\n\napps: zk: config: files: \"e2e-note.txt\": \"rolled\\n\"\n"
	changed := compileExample(t, "zookeeper", "zk", extra)
	const retry = 30 * time.Second
	var (
		mu       sync.Mutex
		writes   int
		failed   []string
		longest  time.Duration
		stop     = make(chan struct{})
		finished = make(chan struct{})
	)
	go func() {
		defer close(finished)
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			case <-time.After(100 * time.Millisecond):
			}
			start := time.Now()
			var err error
			for {
				if err = write("/e2e", fmt.Sprint(i)); err == nil || time.Since(start) > retry {
					break
				}
				time.Sleep(200 * time.Millisecond)
			}
			mu.Lock()
			writes++
			if err != nil {
				failed = append(failed, fmt.Sprintf("write %d: %v", i, err))
			}
			longest = max(longest, time.Since(start))
			mu.Unlock()
		}
	}()
	if err := c.Apply(ctx, ns, changed.manifests); err != nil {
		t.Fatal(err)
	}
	rollErr := c.WaitStatefulSetReady(ctx, ns, "zk", 8*time.Minute)
	close(stop)
	<-finished
	if rollErr != nil {
		t.Fatal(rollErr)
	}
	sts, err := c.Client.AppsV1().StatefulSets(ns).Get(ctx, "zk", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if sts.Status.CurrentRevision != sts.Status.UpdateRevision {
		t.Errorf("the roll did not finish: revision %s, update %s", sts.Status.CurrentRevision, sts.Status.UpdateRevision)
	}
	for _, m := range members {
		out := inPod(t, ctx, ns, m, "zk", "cat", "/conf/e2e-note.txt")
		if out != "rolled" {
			t.Errorf("%s has not the new config: %q", m, out)
		}
	}
	t.Logf("%d writes during the roll; the longest took %s", writes, longest.Round(time.Millisecond))
	if len(failed) > 0 {
		t.Errorf("%d writes failed after %s of retries: %s", len(failed), retry, strings.Join(failed, "; "))
	}
}

// zkMode asks a ZooKeeper server at ip for its mode with the srvr command:
// leader, follower or standalone.
func zkMode(ctx context.Context, ip string) (string, error) {
	d := net.Dialer{Timeout: 3 * time.Second}
	conn, err := d.DialContext(ctx, "tcp", net.JoinHostPort(ip, "2181"))
	if err != nil {
		return "", err
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(3 * time.Second))
	if _, err := io.WriteString(conn, "srvr"); err != nil {
		return "", err
	}
	sc := bufio.NewScanner(conn)
	for sc.Scan() {
		if mode, ok := strings.CutPrefix(sc.Text(), "Mode: "); ok {
			return mode, nil
		}
	}
	return "", fmt.Errorf("srvr gave no mode (%v)", sc.Err())
}

// unschedulable reports that the scheduler found no node for the pod.
func unschedulable(p *corev1.Pod) bool {
	for _, cond := range p.Status.Conditions {
		if cond.Type == corev1.PodScheduled && cond.Status == corev1.ConditionFalse && cond.Reason == corev1.PodReasonUnschedulable {
			return true
		}
	}
	return false
}

// waitBudget waits until the budget's status allows n disruptions.
func waitBudget(t *testing.T, ctx context.Context, ns, name string, n int32) {
	t.Helper()
	eventually(t, ctx, fmt.Sprintf("budget %s allows %d", name, n), time.Minute, func(ctx context.Context) error {
		pdb, err := c.Client.PolicyV1().PodDisruptionBudgets(ns).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		if pdb.Status.ObservedGeneration != pdb.Generation || pdb.Status.DisruptionsAllowed != n {
			return fmt.Errorf("allows %d", pdb.Status.DisruptionsAllowed)
		}
		return nil
	})
}
