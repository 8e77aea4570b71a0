//go:build linux

package e2e

import (
	"context"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"cuelang.org/go/cue"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"sigs.k8s.io/yaml"

	"github.com/stsgen/stsgen/generator"
)

// TestExamples runs every app of every example as written.
func TestExamples(t *testing.T) {
	files, err := filepath.Glob("../examples/*/*.cue")
	if err != nil || len(files) == 0 {
		t.Fatalf("no examples found (%v)", err)
	}
	var dirs []string
	for _, f := range files {
		if d := filepath.Dir(f); !slices.Contains(dirs, d) {
			dirs = append(dirs, d)
		}
	}
	for _, dir := range dirs {
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
		sts, err = cluster.client.AppsV1().StatefulSets(a.spec.Namespace).Get(ctx, a.spec.Name, metav1.GetOptions{})
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
	pvcs, err := cluster.client.CoreV1().PersistentVolumeClaims(sts.Namespace).List(ctx, metav1.ListOptions{
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
	all, err := cluster.client.CoreV1().Pods(a.spec.Namespace).List(ctx, metav1.ListOptions{})
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
		got, err := cluster.client.PolicyV1().PodDisruptionBudgets(pdb.Namespace).Get(ctx, pdb.Name, metav1.GetOptions{})
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
			t.Errorf("config name %s: cluster domain %s; the app's is %s", n.name, n.domain, a.spec.ClusterDomain)
		}
		if hosts, err := hostnames(ctx, n.namespace, n.service); err != nil {
			t.Errorf("config name %s: %v", n.name, err)
		} else if hosts[n.pod] == "" {
			t.Errorf("config name %s does not resolve: Service %s/%s publishes no hostname %s", n.name, n.namespace, n.service, n.pod)
		}
	}
	if a.spec.Topology != "standalone" && len(names) == 0 {
		t.Errorf("the config files of a %s app name no peers", a.spec.Topology)
	}

	services := map[string][]string{a.bundle.Read.Name: all}
	if a.bundle.Primary != nil {
		services[a.bundle.Primary.Name] = all[:1]
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

// hostnames returns the hostnames the Service's EndpointSlices publish,
// with their addresses.
func hostnames(ctx context.Context, ns, svc string) (map[string]string, error) {
	hosts := map[string]string{}
	list, err := cluster.client.DiscoveryV1().EndpointSlices(ns).List(ctx, metav1.ListOptions{LabelSelector: "kubernetes.io/service-name=" + svc})
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
	list, err := cluster.client.DiscoveryV1().EndpointSlices(ns).List(ctx, metav1.ListOptions{LabelSelector: "kubernetes.io/service-name=" + svc})
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

// rollOut changes a config file, which changes the pod template's config
// hash, and checks that the controller replaces the pods one at a time from
// the highest ordinal down; then changes it again with a partition, which
// must hold the lower ordinals back.
func rollOut(ctx context.Context, t *testing.T, a *app) {
	t.Helper()
	ns, name := a.spec.Namespace, a.spec.Name
	before := len(kubelet.History(ns))
	rollout := `config.files."e2e-rollout.conf"`
	next, ds := a.variant(t, nil, set(name, rollout, `"round = 1\n"`))
	if next == nil {
		t.Fatalf("a config-only change does not compile:\n%v", ds)
	}
	if next.sts().Spec.Template.Annotations[generator.AnnotationConfigHash] == a.sts().Spec.Template.Annotations[generator.AnnotationConfigHash] {
		t.Fatalf("a config-only change left the pod template's %s annotation as it was", generator.AnnotationConfigHash)
	}
	oldRevision := liveStatefulSet(ctx, t, a).Status.CurrentRevision
	if err := applyFiles(ctx, next.files, false); err != nil {
		t.Fatalf("applying a config-only change: %v", err)
	}
	releaseUpdated(ctx, t, a, a.ordinals())
	sts := waitReady(ctx, t, next, int(a.spec.Replicas))
	if sts.Status.CurrentRevision == oldRevision {
		t.Fatalf("a config-only change did not create a new revision")
	}
	checkRollingOrder(t, next, before, a.ordinals())

	if a.spec.Replicas < 2 {
		return
	}
	// Partition 1 holds the first pod back: the controller counts the
	// partition from ordinals.start (STS113).
	partition := int32(1)
	held := a.spec.OrdinalsStart + partition
	before = len(kubelet.History(ns))
	partitioned, ds := a.variant(t, nil, set(name, rollout, `"round = 2\n"`), set(name, "updateStrategy.partition", fmt.Sprint(partition)))
	if partitioned == nil {
		t.Fatalf("a partitioned change does not compile:\n%v", ds)
	}
	if err := applyFiles(ctx, partitioned.files, false); err != nil {
		t.Fatalf("applying a partitioned change: %v", err)
	}
	n := int32(len(a.ordinals()))
	releaseUpdated(ctx, t, a, a.ordinals()[partition:])
	waitFor(ctx, t, fmt.Sprintf("the pods from ordinal %d up to be updated", held), func() (bool, string) {
		sts := liveStatefulSet(ctx, t, a)
		st := sts.Status
		return st.ObservedGeneration == sts.Generation && st.UpdatedReplicas == n-1 && st.ReadyReplicas == n,
			fmt.Sprintf("status %+v", st)
	})
	// Give the controller time to do wrong, then check that the pods below
	// the partition kept the old revision.
	time.Sleep(500 * time.Millisecond)
	live := liveStatefulSet(ctx, t, a)
	pods := map[string]*corev1.Pod{}
	for _, p := range kubelet.StatefulSetPods(a.sts()) {
		pods[p.Name] = p
	}
	for _, ord := range a.ordinals() {
		p := pods[a.podName(ord)]
		if p == nil || p.DeletionTimestamp != nil {
			t.Errorf("pod %s is gone or going after a partitioned update", a.podName(ord))
			continue
		}
		rev := p.Labels[appsv1.ControllerRevisionHashLabelKey]
		if ord < held && rev != live.Status.CurrentRevision {
			t.Errorf("pod %s, held back by partition %d, has revision %s; want the current %s", p.Name, partition, rev, live.Status.CurrentRevision)
		} else if ord >= held && rev != live.Status.UpdateRevision {
			t.Errorf("pod %s, not held back by partition %d, has revision %s; want the update %s", p.Name, partition, rev, live.Status.UpdateRevision)
		}
	}
	checkRollingOrder(t, partitioned, before, a.ordinals()[partition:])
}

// releaseUpdated lets the pods of ords become Ready as the rolling update
// re-creates them, highest first, each after a pause in which the
// controller must wait for it.
func releaseUpdated(ctx context.Context, t *testing.T, a *app, ords []int32) {
	t.Helper()
	var revision string
	waitFor(ctx, t, "the controller to see the update", func() (bool, string) {
		sts := liveStatefulSet(ctx, t, a)
		revision = sts.Status.UpdateRevision
		return sts.Status.ObservedGeneration == sts.Generation, fmt.Sprintf("status %+v", sts.Status)
	})
	for _, o := range slices.Backward(ords) {
		pod := a.podName(o)
		waitFor(ctx, t, fmt.Sprintf("pod %s to be re-created at revision %s", pod, revision), func() (bool, string) {
			for _, p := range kubelet.StatefulSetPods(a.sts()) {
				if p.Name == pod && p.DeletionTimestamp == nil && p.Labels[appsv1.ControllerRevisionHashLabelKey] == revision {
					return true, ""
				}
			}
			return false, podNames(a)
		})
		time.Sleep(300 * time.Millisecond)
		kubelet.Release(a.spec.Namespace, pod)
	}
}

// checkRollingOrder checks the pod events after the first n of the
// namespace: each pod of ords, from the highest down, deleted while every
// other pod of the app was Ready, and re-created before the next goes.
func checkRollingOrder(t *testing.T, a *app, n int, ords []int32) {
	t.Helper()
	var want, got []string
	for _, o := range slices.Backward(ords) {
		want = append(want, "delete "+a.podName(o), "create "+a.podName(o))
	}
	for _, e := range a.events(n) {
		if e.Deleted {
			got = append(got, "delete "+e.Pod)
			var others []string
			for _, o := range a.ordinals() {
				if p := a.podName(o); p != e.Pod {
					others = append(others, p)
				}
			}
			slices.Sort(others)
			if !slices.Equal(e.Ready, others) {
				t.Errorf("rolling update: %s; want every other pod Ready: %v", e, others)
			}
		} else {
			got = append(got, "create "+e.Pod)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("rolling update order:\n got %v\nwant %v", got, want)
	}
}

func liveStatefulSet(ctx context.Context, t *testing.T, a *app) *appsv1.StatefulSet {
	t.Helper()
	sts, err := cluster.client.AppsV1().StatefulSets(a.spec.Namespace).Get(ctx, a.spec.Name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return sts
}

// forbiddenUpdate is the API server's answer to a change of an immutable
// StatefulSet field.
const forbiddenUpdate = "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"

// checkForbiddenChanges makes each change Kubernetes forbids to a running
// StatefulSet and checks that the API server rejects it and that stsgen,
// given the live objects as the previous output, reports it first; and
// makes changes Kubernetes allows and checks that neither objects.
func checkForbiddenChanges(ctx context.Context, t *testing.T, a *app) {
	t.Helper()
	name := a.spec.Name
	prev := livePrevious(ctx, t, a)
	type change struct {
		what      string
		edits     []edit
		forbidden bool
		field     string // where stsgen reports a forbidden change, below the app
	}
	other := map[string]string{"OrderedReady": "Parallel", "Parallel": "OrderedReady"}[a.spec.PodManagementPolicy]
	changes := []change{
		{"serviceName", []edit{set(name, "services.headless.name", fmt.Sprintf("%q", name+"-other"))}, true, ".services.headless.name"},
		{"podManagementPolicy", []edit{set(name, "podManagementPolicy", fmt.Sprintf("%q", other))}, true, ".podManagementPolicy"},
		{"replicas", scale(a, a.spec.Replicas+2), false, ""},
		{"ordinals", []edit{set(name, "ordinals.start", fmt.Sprint(a.spec.OrdinalsStart+1))}, false, ""},
		{"minReadySeconds", []edit{set(name, "minReadySeconds", "5")}, false, ""},
		{"retention", []edit{set(name, "retention.whenScaled", `"Delete"`)}, false, ""},
		{"image", []edit{set(name, "image", fmt.Sprintf("%q", a.spec.Image+"-e2e"))}, false, ""},
	}
	if len(a.spec.Storage) > 0 {
		claim := cue.MakePath(cue.Str(a.spec.Storage[0].Name)).String()
		changes = append(changes,
			change{"claim size", []edit{set(name, "storage."+claim+".size", `"999Gi"`)}, true, ".storage." + claim},
			change{"claim class", []edit{set(name, "storage."+claim+".class", `"e2e-other"`)}, true, ".storage." + claim},
			change{"claim access modes", []edit{set(name, "storage."+claim+".accessModes", `["ReadWriteOncePod"]`)}, true, ".storage." + claim},
			change{"claim templates", []edit{set(name, `storage."e2e-extra"`, `{size: "1Gi", mountPath: "/e2e-extra"}`)}, true, ".storage"},
		)
	}
	for _, c := range changes {
		t.Run(c.what, func(t *testing.T) {
			// Without the previous objects, stsgen builds the change...
			changed, ds := a.variant(t, nil, c.edits...)
			if changed == nil {
				t.Fatalf("the change does not compile on its own:\n%v", ds)
			}
			// ...which the API server takes or refuses (dry run: the live
			// objects stay as they are)...
			err := applyFiles(ctx, changed.files, true)
			switch {
			case c.forbidden && err == nil:
				t.Errorf("the API server accepted a change of %s", c.what)
			case c.forbidden && (!apierrors.IsInvalid(err) || !strings.Contains(err.Error(), forbiddenUpdate)):
				t.Errorf("the API server refused the change with %v; want the forbidden-update error", err)
			case !c.forbidden && err != nil:
				t.Errorf("the API server refused an allowed change: %v", err)
			}
			// ...and with them, stsgen reports what the server would.
			_, ds = a.variant(t, prev, c.edits...)
			var reported []string
			for _, d := range ds {
				if d.Rule == generator.RuleImmutable && d.Severity == generator.Error {
					reported = append(reported, d.Path)
				}
			}
			var want []string
			if c.forbidden {
				want = []string{appPath(name) + c.field}
			}
			if !slices.Equal(reported, want) {
				t.Errorf("stsgen reported %s at %v; want %v\n%v", generator.RuleImmutable, reported, want, ds)
			}
		})
	}
	t.Run("selector", func(t *testing.T) { checkSelectorChange(ctx, t, a) })
}

// appPath is the path of an app's diagnostics.
func appPath(name string) string {
	return cue.MakePath(cue.Str("apps"), cue.Str(name)).String()
}

// scale returns the edits that give the app n replicas, and a quorum
// ensemble's minAvailable budget the new quorum.
func scale(a *app, n int32) []edit {
	edits := []edit{set(a.spec.Name, "replicas", fmt.Sprint(n))}
	if a.spec.Topology == "quorum" && a.spec.Disruption.MinAvailable != nil {
		edits = append(edits, set(a.spec.Name, "disruption.minAvailable", fmt.Sprint(n/2+1)))
	}
	return edits
}

// checkSelectorChange covers the one immutable field no spec change
// reaches: the selector, which stsgen derives from the app's name. A
// StatefulSet created by other means with another selector stands in for
// it, in a namespace of its own; its pods never become Ready.
func checkSelectorChange(ctx context.Context, t *testing.T, a *app) {
	ns := "sel-" + strings.ReplaceAll(strings.ToLower(t.Name()), "/", "-")
	ns = strings.Trim(ns[:min(len(ns), 60)], "-")
	moved, ds := a.variant(t, nil, set(a.spec.Name, "namespace", fmt.Sprintf("%q", ns)))
	if moved == nil {
		t.Fatalf("moving the app to namespace %s:\n%v", ns, ds)
	}
	prepare(ctx, t, moved)
	legacy := moved.sts().DeepCopy()
	legacy.Spec.Selector.MatchLabels = map[string]string{"app": a.spec.Name}
	legacy.Spec.Template.Labels = map[string]string{"app": a.spec.Name}
	legacy.TypeMeta = metav1.TypeMeta{APIVersion: "apps/v1", Kind: "StatefulSet"}
	data, err := yaml.Marshal(legacy)
	if err != nil {
		t.Fatal(err)
	}
	if err := applyYAML(ctx, data, false); err != nil {
		t.Fatalf("creating a StatefulSet with another selector: %v", err)
	}
	err = applyFiles(ctx, moved.files, true)
	if err == nil || !apierrors.IsInvalid(err) || !strings.Contains(err.Error(), forbiddenUpdate) {
		t.Errorf("changing the selector: the API server answered %v; want the forbidden-update error", err)
	}
	_, ds = moved.variant(t, livePrevious(ctx, t, moved))
	if !slices.ContainsFunc(ds, func(d generator.Diagnostic) bool {
		return d.Rule == generator.RuleImmutable && d.Severity == generator.Error && d.Path == appPath(a.spec.Name) &&
			strings.Contains(d.Message, "selector")
	}) {
		t.Errorf("stsgen did not report the selector change as %s at %s:\n%v", generator.RuleImmutable, appPath(a.spec.Name), ds)
	}
}

// livePrevious reads the app's live StatefulSet and Services as `kubectl
// get -o yaml` shows them, into stsgen's previous objects.
func livePrevious(ctx context.Context, t *testing.T, a *app) *generator.Previous {
	t.Helper()
	prev := &generator.Previous{}
	sts := liveStatefulSet(ctx, t, a)
	sts.TypeMeta = metav1.TypeMeta{APIVersion: "apps/v1", Kind: "StatefulSet"}
	objs := []any{sts}
	for _, svc := range []*corev1.Service{a.bundle.Headless, a.bundle.Read, a.bundle.Primary} {
		if svc == nil {
			continue
		}
		live, err := cluster.client.CoreV1().Services(svc.Namespace).Get(ctx, svc.Name, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			continue
		} else if err != nil {
			t.Fatal(err)
		}
		live.TypeMeta = metav1.TypeMeta{APIVersion: "v1", Kind: "Service"}
		objs = append(objs, live)
	}
	for _, o := range objs {
		data, err := yaml.Marshal(o)
		if err != nil {
			t.Fatal(err)
		}
		if err := prev.AddPrevious("the cluster", data); err != nil {
			t.Fatal(err)
		}
	}
	return prev
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
		if err := cluster.exited(); err != nil {
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
