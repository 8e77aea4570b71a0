//go:build linux

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	authorizationv1 "k8s.io/api/authorization/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/stsgen/stsgen/generator"
)

// TestExamples runs every app of every example as written.
func TestExamples(t *testing.T) {
	for _, dir := range exampleDirs(t) {
		apps, ds, err := compileDir(dir, nil, nil)
		if err != nil || apps == nil {
			t.Fatalf("compiling %s: %v\n%v", dir, err, ds)
		}
		for _, name := range slices.Sorted(maps.Keys(apps)) {
			t.Run(filepath.Base(dir)+"/"+name, func(t *testing.T) {
				t.Parallel()
				exercise(t, apps[name])
			})
		}
	}
}

// variants are examples changed in what matters to the controllers: where
// the ordinals start, how pods are managed, how many there are, the budget.
// Each runs in a namespace of its own.
var variants = []struct {
	name, example, app string
	edits              []edit
}{
	{"zookeeper-start-3", "zookeeper", "zk", []edit{set("zk", "ordinals.start", "3")}},
	{"zookeeper-7-parallel", "zookeeper", "zk", []edit{set("zk", "replicas", "7"), set("zk", "podManagementPolicy", `"Parallel"`)}},
	// The most a 5-server ensemble can lose: 5 − quorum.
	{"zookeeper-5-min-quorum", "zookeeper", "zk5", []edit{set("zk5", "disruption.minAvailable", "3")}},
	{"redis-start-10", "redis", "redis", []edit{set("redis", "ordinals.start", "10"), set("redis", "replicas", "4")}},
	{"mysql-start-2", "mysql", "mysql", []edit{set("mysql", "ordinals.start", "2")}},
	{"postgres-parallel", "postgres", "postgres", []edit{set("postgres", "podManagementPolicy", `"Parallel"`)}},
	{"nginx-cache-ordered-start-1", "nginx-cache", "cache", []edit{set("cache", "podManagementPolicy", `"OrderedReady"`), set("cache", "ordinals.start", "1")}},
	{"nginx-web-start-5", "nginx-web", "web", []edit{set("web", "ordinals.start", "5"), set("web", "replicas", "3")}},
}

// TestVariants runs the variants.
func TestVariants(t *testing.T) {
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			t.Parallel()
			edits := append(v.edits, set(v.app, "namespace", fmt.Sprintf("%q", "v-"+v.name)))
			apps, ds, err := compileDir(filepath.Join("../examples", v.example), edits, nil)
			if err != nil || apps == nil || apps[v.app] == nil {
				t.Fatalf("compiling the variant: %v\n%v", err, ds)
			}
			exercise(t, apps[v.app])
		})
	}
}

// timeout bounds each wait; the controllers react in milliseconds.
const timeout = 30 * time.Second

// exercise applies the app and checks, step by step, that the controllers
// do with its objects what stsgen promises.
func exercise(t *testing.T, a *app) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	t.Cleanup(func() {
		if t.Failed() {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			t.Log(describe(ctx, a))
		}
	})
	prepare(ctx, t, a)
	if err := applyFiles(ctx, a.files, false); err != nil {
		t.Fatalf("server-side apply with strict field validation refused stsgen's output: %v", err)
	}
	startUp(ctx, t, a)
	checkClaims(ctx, t, a)
	checkBudget(ctx, t, a)
	checkEndpoints(ctx, t, a)
	rollOut(ctx, t, a)
	checkForbiddenChanges(ctx, t, a)
}

// startUp releases the pods one at a time with OrderedReady, checking that
// the controller creates each only once the one before is Ready; with
// Parallel it checks that all are created before any is Ready.
func startUp(ctx context.Context, t *testing.T, a *app) {
	t.Helper()
	ns := a.spec.Namespace
	ords := a.ordinals()
	if a.spec.PodManagementPolicy == string(appsv1.ParallelPodManagement) {
		waitFor(ctx, t, fmt.Sprintf("all %d pods to be created at once", len(ords)), func() (bool, string) {
			n := len(kubelet.StatefulSetPods(a.sts()))
			return n == len(ords), fmt.Sprintf("%d pods", n)
		})
		for _, o := range ords {
			kubelet.Release(ns, a.podName(o))
		}
	} else {
		for _, o := range ords {
			pod := a.podName(o)
			waitFor(ctx, t, "pod "+pod+" to be created", func() (bool, string) {
				return hasPod(a, pod), podNames(a)
			})
			// Give the controller time to do wrong: no further pod may
			// appear while this one is not Ready.
			time.Sleep(300 * time.Millisecond)
			kubelet.Release(ns, pod)
		}
	}
	waitReady(ctx, t, a, len(ords))

	var created []string
	for _, e := range a.events(0) {
		if e.Deleted {
			t.Errorf("start-up: %s", e)
			continue
		}
		created = append(created, e.Pod)
		var want []string
		if a.spec.PodManagementPolicy != string(appsv1.ParallelPodManagement) {
			// Every pod before this one, and only those, are Ready.
			ord, _ := strconv.Atoi(e.Ordinal)
			for _, o := range ords {
				if int(o) < ord {
					want = append(want, a.podName(o))
				}
			}
			slices.Sort(want)
		}
		if !slices.Equal(e.Ready, want) {
			t.Errorf("start-up: %s; want Ready: %v", e, want)
		}
	}
	var want []string
	for _, o := range ords {
		want = append(want, a.podName(o))
	}
	if a.spec.PodManagementPolicy == string(appsv1.ParallelPodManagement) {
		slices.Sort(created)
		slices.Sort(want)
	}
	if !slices.Equal(created, want) {
		t.Errorf("start-up created pods %v; want %v", created, want)
	}
}

// waitReady waits until the StatefulSet reports n pods Ready, all of its
// current revision.
func waitReady(ctx context.Context, t *testing.T, a *app, n int) *appsv1.StatefulSet {
	t.Helper()
	var sts *appsv1.StatefulSet
	waitFor(ctx, t, fmt.Sprintf("%d pods Ready and up to date", n), func() (bool, string) {
		var err error
		sts, err = cp.Client.AppsV1().StatefulSets(a.spec.Namespace).Get(ctx, a.spec.Name, metav1.GetOptions{})
		if err != nil {
			return false, err.Error()
		}
		st := sts.Status
		done := st.ObservedGeneration == sts.Generation && int(st.ReadyReplicas) == n && int(st.UpdatedReplicas) == n &&
			int(st.Replicas) == n && st.CurrentRevision == st.UpdateRevision
		return done, fmt.Sprintf("status %+v", st)
	})
	return sts
}

// checkClaims checks that the controller created one claim per template and
// pod, named <claim>-<statefulset>-<ordinal> and labelled with the selector.
func checkClaims(ctx context.Context, t *testing.T, a *app) {
	t.Helper()
	sts := a.sts()
	want := map[string]bool{}
	for _, c := range sts.Spec.VolumeClaimTemplates {
		for _, o := range a.ordinals() {
			want[fmt.Sprintf("%s-%s-%d", c.Name, sts.Name, o)] = true
		}
	}
	pvcs, err := cp.Client.CoreV1().PersistentVolumeClaims(sts.Namespace).List(ctx, metav1.ListOptions{
		LabelSelector: labels.SelectorFromSet(sts.Spec.Selector.MatchLabels).String(),
	})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, p := range pvcs.Items {
		got[p.Name] = true
	}
	if !maps.Equal(got, want) {
		t.Errorf("claims %v; want %v", slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(want)))
	}
}

// checkBudget checks that the PodDisruptionBudget selects exactly the app's
// pods and allows as many disruptions as the topology promises.
func checkBudget(ctx context.Context, t *testing.T, a *app) {
	t.Helper()
	pdb := a.bundle.PDB
	if pdb == nil {
		if a.spec.Replicas > 1 {
			t.Errorf("no PodDisruptionBudget for %d replicas", a.spec.Replicas)
		}
		return
	}
	sel, err := metav1.LabelSelectorAsSelector(pdb.Spec.Selector)
	if err != nil {
		t.Fatal(err)
	}
	all, err := cp.Client.CoreV1().Pods(a.spec.Namespace).List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var selected, owned []string
	for _, p := range all.Items {
		if sel.Matches(labels.Set(p.Labels)) {
			selected = append(selected, p.Name)
		}
	}
	for _, p := range kubelet.StatefulSetPods(a.sts()) {
		owned = append(owned, p.Name)
	}
	slices.Sort(selected)
	slices.Sort(owned)
	if !slices.Equal(selected, owned) {
		t.Errorf("the PodDisruptionBudget selects %v; the StatefulSet owns %v", selected, owned)
	}

	n := a.spec.Replicas
	want := promisedDisruptions(a.spec)
	waitFor(ctx, t, fmt.Sprintf("the budget to allow %d disruptions of %d healthy pods", want, n), func() (bool, string) {
		got, err := cp.Client.PolicyV1().PodDisruptionBudgets(pdb.Namespace).Get(ctx, pdb.Name, metav1.GetOptions{})
		if err != nil {
			return false, err.Error()
		}
		st := got.Status
		return st.ObservedGeneration == got.Generation && st.CurrentHealthy == n && st.ExpectedPods == n &&
			st.DisruptionsAllowed == want, fmt.Sprintf("status %+v", st)
	})
}

// promisedDisruptions is how many pods of a healthy app may be evicted at
// once: one by default, which leaves an ensemble the rest of its tolerance
// for an unplanned failure during a drain, or what the app's disruption
// field says (stsgen keeps that within the quorum).
func promisedDisruptions(s *generator.Spec) int32 {
	n := s.Replicas
	allowed := int32(1)
	d := s.Disruption
	scaled := func(x *generator.IntOrPercent) int32 {
		if x.Percent {
			return (x.Value*n + 99) / 100 // the disruption controller rounds up
		}
		return x.Value
	}
	switch {
	case d.MaxUnavailable != nil:
		allowed = scaled(d.MaxUnavailable)
	case d.MinAvailable != nil:
		allowed = n - scaled(d.MinAvailable)
	}
	return max(allowed, 0)
}

// checkEndpoints checks what DNS would answer: the headless Service's
// EndpointSlices list every pod under its hostname, so that each stable
// name in the config files resolves to its pod; the read Service selects
// every pod and the primary Service the primary only.
func checkEndpoints(ctx context.Context, t *testing.T, a *app) {
	t.Helper()
	pods := map[string]string{} // name to IP
	for _, p := range kubelet.StatefulSetPods(a.sts()) {
		pods[p.Name] = p.Status.PodIP
	}
	var all []string
	for _, o := range a.ordinals() {
		all = append(all, a.podName(o))
	}
	ns := a.spec.Namespace

	headless := a.bundle.Headless.Name
	waitFor(ctx, t, "the headless Service to publish every pod's hostname", func() (bool, string) {
		hosts, err := hostnames(ctx, ns, headless)
		if err != nil {
			return false, err.Error()
		}
		for _, p := range all {
			if hosts[p] == "" || hosts[p] != pods[p] {
				return false, fmt.Sprintf("hostnames %v; pod IPs %v", hosts, pods)
			}
		}
		return len(hosts) == len(all), fmt.Sprintf("hostnames %v", hosts)
	})
	names := a.stableNames()
	for _, n := range names {
		if n.domain != a.spec.ClusterDomain {
			t.Errorf("stable name %s: cluster domain %s; the app's is %s", n.name, n.domain, a.spec.ClusterDomain)
		}
		// Another app's member (an app of the same system) may be
		// rolling in its own test: wait for it.
		waitFor(ctx, t, "stable name "+n.name+" to resolve", func() (bool, string) {
			hosts, err := hostnames(ctx, n.namespace, n.service)
			if err != nil {
				return false, err.Error()
			}
			return hosts[n.pod] != "", fmt.Sprintf("Service %s/%s publishes no hostname %s", n.namespace, n.service, n.pod)
		})
	}
	if a.spec.Topology != "standalone" && len(names) == 0 {
		t.Errorf("neither the config files nor the commands, args and env of a %s app name a peer", a.spec.Topology)
	}

	services := map[string][]string{a.bundle.Read.Name: all}
	if a.bundle.Primary != nil {
		if l := a.spec.Services.Primary.Leader; l != nil {
			followLeader(ctx, t, a, l.Label, l.Value)
		} else {
			services[a.bundle.Primary.Name] = all[:1]
		}
	}
	for svc, want := range services {
		waitFor(ctx, t, fmt.Sprintf("Service %s to select %v", svc, want), func() (bool, string) {
			got, err := targets(ctx, ns, svc)
			if err != nil {
				return false, err.Error()
			}
			return slices.Equal(got, want), fmt.Sprintf("it selects %v", got)
		})
	}
}

// followLeader plays the app's leader election for a primary Service that
// follows the leader by a label the app maintains: with no member
// labelled, the Service selects none; a member that labels itself, as the
// pods' own ServiceAccount, through the Role stsgen wrote, is the one it
// selects; after a failover (the label moved to another member) it selects
// the new leader alone. The account may patch the members' pods, and no
// other pod, nor delete them.
func followLeader(ctx context.Context, t *testing.T, a *app, label, value string) {
	t.Helper()
	ns, svc := a.spec.Namespace, a.bundle.Primary.Name
	ords := a.ordinals()
	if len(ords) < 3 {
		t.Fatalf("%d members: the test moves the leader between the second and third", len(ords))
	}
	account := a.sts().Spec.Template.Spec.ServiceAccountName
	if account == "" {
		t.Fatalf("the primary Service follows the label %s, but the pods have no account to set it with", label)
	}
	// Who the pods are to the API server.
	user := "system:serviceaccount:" + ns + ":" + account
	groups := []string{"system:serviceaccounts", "system:serviceaccounts:" + ns}
	cfg := rest.CopyConfig(cp.Config)
	cfg.Impersonate = rest.ImpersonationConfig{UserName: user, Groups: groups}
	asPod, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	setLabel := func(pod string, v any) {
		t.Helper()
		patch, _ := json.Marshal(map[string]any{"metadata": map[string]any{"labels": map[string]any{label: v}}})
		if _, err := asPod.CoreV1().Pods(ns).Patch(ctx, pod, types.MergePatchType, patch, metav1.PatchOptions{}); err != nil {
			t.Fatalf("%s labelling %s %s=%v: %v", user, pod, label, v, err)
		}
	}
	selects := func(want []string) {
		t.Helper()
		waitFor(ctx, t, fmt.Sprintf("Service %s to select %v", svc, want), func() (bool, string) {
			got, err := targets(ctx, ns, svc)
			if err != nil {
				return false, err.Error()
			}
			return slices.Equal(got, want), fmt.Sprintf("it selects %v", got)
		})
	}
	selects(nil)
	first, second := a.podName(ords[1]), a.podName(ords[2])
	setLabel(first, value)
	selects([]string{first})
	// A failover: the old leader steps down, the new one labels itself.
	setLabel(first, nil)
	setLabel(second, value)
	selects([]string{second})

	for _, c := range []struct {
		verb, name string
		allowed    bool
	}{{"patch", first, true}, {"patch", "not-a-member", false}, {"delete", first, false}} {
		review := &authorizationv1.SubjectAccessReview{Spec: authorizationv1.SubjectAccessReviewSpec{
			User: user, Groups: groups,
			ResourceAttributes: &authorizationv1.ResourceAttributes{Namespace: ns, Verb: c.verb, Resource: "pods", Name: c.name},
		}}
		got, err := cp.Client.AuthorizationV1().SubjectAccessReviews().Create(ctx, review, metav1.CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if got.Status.Allowed != c.allowed {
			t.Errorf("%s may %s pod %s: %v, want %v (%s)", user, c.verb, c.name, got.Status.Allowed, c.allowed, got.Status.Reason)
		}
	}
}

// hostnames returns the hostnames the Service's EndpointSlices publish,
// with their addresses.
func hostnames(ctx context.Context, ns, svc string) (map[string]string, error) {
	hosts := map[string]string{}
	list, err := cp.Client.DiscoveryV1().EndpointSlices(ns).List(ctx, metav1.ListOptions{LabelSelector: "kubernetes.io/service-name=" + svc})
	if err != nil {
		return nil, err
	}
	for _, s := range list.Items {
		for _, e := range s.Endpoints {
			if e.Hostname != nil && len(e.Addresses) > 0 {
				hosts[*e.Hostname] = e.Addresses[0]
			}
		}
	}
	return hosts, nil
}

// targets returns the pods the Service's EndpointSlices point at, sorted.
func targets(ctx context.Context, ns, svc string) ([]string, error) {
	var pods []string
	list, err := cp.Client.DiscoveryV1().EndpointSlices(ns).List(ctx, metav1.ListOptions{LabelSelector: "kubernetes.io/service-name=" + svc})
	if err != nil {
		return nil, err
	}
	for _, s := range list.Items {
		for _, e := range s.Endpoints {
			if e.TargetRef != nil && e.TargetRef.Kind == "Pod" {
				pods = append(pods, e.TargetRef.Name)
			}
		}
	}
	slices.SortFunc(pods, func(x, y string) int { return ordinalOf(x) - ordinalOf(y) })
	return pods, nil
}

// ordinalOf returns the ordinal a pod's name ends with.
func ordinalOf(pod string) int {
	n, _ := strconv.Atoi(pod[strings.LastIndexByte(pod, '-')+1:])
	return n
}

// waitFor polls cond until it holds, failing the test with cond's last
// account of what it saw if the timeout passes first.
func waitFor(ctx context.Context, t *testing.T, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		ok, saw := cond()
		if ok {
			return
		}
		if err := cp.Exited(); err != nil {
			t.Fatal(err)
		}
		if ctx.Err() != nil {
			t.Fatalf("the test ran out of time waiting for %s; last saw %s", what, saw)
		}
		if time.Now().After(deadline) {
			t.Fatalf("waited %v for %s; last saw %s", timeout, what, saw)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func hasPod(a *app, name string) bool {
	for _, p := range kubelet.StatefulSetPods(a.sts()) {
		if p.Name == name {
			return true
		}
	}
	return false
}

func podNames(a *app) string {
	var names []string
	for _, p := range kubelet.StatefulSetPods(a.sts()) {
		names = append(names, p.Name)
	}
	slices.Sort(names)
	return fmt.Sprint(names)
}
