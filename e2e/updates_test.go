//go:build linux

package e2e

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"cuelang.org/go/cue"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	"github.com/stsgen/stsgen/generator"
)

// rollOut changes a config file, which changes the pod template's config
// hash, and checks that the controller replaces the pods one at a time from
// the highest ordinal down; then changes it again with a partition, which
// must hold the lower ordinals back. An app without config files, whose
// image may have no shell for stsgen-init, gets a change of an annotation
// instead, which the pod template carries too.
func rollOut(ctx context.Context, t *testing.T, a *app) {
	t.Helper()
	ns, name := a.spec.Namespace, a.spec.Name
	before := len(kubelet.History(ns))
	round := func(n int) edit {
		if a.bundle.ConfigMap == nil {
			return set(name, `annotations."e2e.example.com/round"`, fmt.Sprintf("%q", fmt.Sprint(n)))
		}
		return set(name, `config.files."e2e-rollout.conf"`, fmt.Sprintf("%q", fmt.Sprintf("round = %d\n", n)))
	}
	next, ds := a.variant(t, nil, round(1))
	if next == nil {
		t.Fatalf("a config-only change does not compile:\n%v", ds)
	}
	if a.bundle.ConfigMap == nil {
		if len(next.sts().Spec.Template.Spec.InitContainers) != len(a.sts().Spec.Template.Spec.InitContainers) {
			t.Fatalf("an annotation change added init containers")
		}
	} else if next.sts().Spec.Template.Annotations[generator.AnnotationConfigHash] == a.sts().Spec.Template.Annotations[generator.AnnotationConfigHash] {
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
	partitioned, ds := a.variant(t, nil, round(2), set(name, "updateStrategy.partition", fmt.Sprint(partition)))
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
	sts, err := cp.Client.AppsV1().StatefulSets(a.spec.Namespace).Get(ctx, a.spec.Name, metav1.GetOptions{})
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
	policy := []edit{set(name, "podManagementPolicy", fmt.Sprintf("%q", other))}
	if r := a.spec.Probes.Readiness; r != nil && r.NeedsQuorum {
		// OrderedReady would never start a member whose readiness needs a
		// quorum (STS209): the change comes with a probe that does not.
		policy = append(policy, set(name, "probes.readiness.needsQuorum", "false"))
	}
	changes := []change{
		{"serviceName", []edit{set(name, "services.headless.name", fmt.Sprintf("%q", name+"-other"))}, true, ".services.headless.name"},
		{"podManagementPolicy", policy, true, ".podManagementPolicy"},
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
		live, err := cp.Client.CoreV1().Services(svc.Namespace).Get(ctx, svc.Name, metav1.GetOptions{})
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
