//go:build linux

package e2e

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stsgen/stsgen/e2e/internal/crds"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
)

// newKinds are the kinds stsgen writes around the StatefulSet: the app's
// account and its RBAC, the bootstrap Job, and the custom resources of
// cert-manager, the Prometheus Operator and External Secrets, whose CRDs
// TestMain installs from those projects' modules.
var newKinds = []string{
	"ServiceAccount", "Role", "RoleBinding", "Job",
	"Certificate", "ServiceMonitor", "PodMonitor", "ExternalSecret",
}

// customKinds are those of newKinds whose schema is a CRD's.
var customKinds = []string{"Certificate", "ServiceMonitor", "PodMonitor", "ExternalSecret"}

// A sourced object is an object of stsgen's output and where it came from.
type sourcedObject struct {
	source string // golden/<case> or example/<dir>
	obj    *unstructured.Unstructured
}

// TestNewKinds creates every object of the new kinds that stsgen writes for
// its golden cases and its examples on the API server, for real, with
// server-side apply and strict field validation, each source in namespaces
// of its own: the server must accept each (RBAC's escalation check
// included, for the Roles), keep every field as sent, and take the same
// output again without a change (a Job's template is immutable). Each new
// kind must be among them, and each must refuse an unknown field, or strict
// validation would prove nothing.
func TestNewKinds(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	objs := goldenObjects(t)
	objs = append(objs, exampleObjects(t)...)

	seen := map[string][]string{}
	for _, o := range objs {
		if kind := o.obj.GetKind(); slices.Contains(newKinds, kind) {
			seen[kind] = append(seen[kind], o.source+": "+o.obj.GetName())
		}
	}
	for _, kind := range newKinds {
		if len(seen[kind]) == 0 {
			t.Errorf("no golden case or example writes a %s", kind)
		}
	}
	for _, kind := range slices.Sorted(maps.Keys(seen)) {
		t.Logf("%s: %s", kind, strings.Join(seen[kind], ", "))
	}

	for _, o := range objs {
		if !slices.Contains(newKinds, o.obj.GetKind()) {
			continue
		}
		t.Run(o.source+"/"+o.obj.GetKind()+"/"+o.obj.GetName(), func(t *testing.T) {
			checkNewKind(ctx, t, o)
		})
	}
}

// checkNewKind applies the object, for real, in a namespace of its source's
// own, reads it back, applies it again and tries it with unknown fields.
func checkNewKind(ctx context.Context, t *testing.T, o sourcedObject) {
	obj := o.obj.DeepCopy()
	obj.SetNamespace(kindsNamespace(ctx, t, o))
	data, err := obj.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	if err := applyYAML(ctx, data, false); err != nil {
		t.Fatalf("server-side apply with strict field validation: %v", err)
	}
	stored := get(ctx, t, obj)
	if slices.Contains(customKinds, obj.GetKind()) {
		// The server's defaults may add fields; none may be
		// lost or changed.
		for _, d := range missing("", obj.Object, stored.Object) {
			t.Errorf("stored differently: %s", d)
		}
	}
	// The same output, applied again: nothing changes. (The Job's
	// strategy writes a new resourceVersion even then, but it stays the
	// same Job, and its spec the same generation.)
	if err := applyYAML(ctx, data, false); err != nil {
		t.Fatalf("applying the same output again: %v", err)
	}
	again := get(ctx, t, obj)
	if again.GetUID() != stored.GetUID() || again.GetGeneration() != stored.GetGeneration() ||
		obj.GetKind() != "Job" && again.GetResourceVersion() != stored.GetResourceVersion() {
		t.Errorf("applying the same output again changed the object: uid %s, generation %d, resourceVersion %s, then %s, %d, %s",
			stored.GetUID(), stored.GetGeneration(), stored.GetResourceVersion(), again.GetUID(), again.GetGeneration(), again.GetResourceVersion())
	}
	if obj.GetKind() == "Role" {
		checkEscalation(ctx, t, obj)
	}
	// The negative control: an unknown field at the top and in the spec
	// is refused, not dropped, by server-side apply (kubectl apply
	// --server-side) and by a create (kubectl create --validate=strict).
	gvr, err := resourceOf(obj)
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range unknownFields(obj) {
		bad := obj.DeepCopy()
		if err := unstructured.SetNestedField(bad.Object, "x", path...); err != nil {
			t.Fatal(err)
		}
		bad.SetName(obj.GetName() + "-unknown")
		data, err := bad.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		field := strings.Join(path, ".")
		if err := applyYAML(ctx, data, true); err == nil || !strings.Contains(err.Error(), "."+field+": field not declared in schema") {
			t.Errorf("server-side apply with the unknown field %s: %v; want it refused", field, err)
		}
		_, err = cp.Dynamic.Resource(gvr).Namespace(bad.GetNamespace()).Create(ctx, bad, metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}, FieldValidation: "Strict"})
		if !apierrors.IsBadRequest(err) || !strings.Contains(err.Error(), `unknown field "`+field+`"`) {
			t.Errorf("creating it with the unknown field %s: %v; want it refused", field, err)
		}
	}
}

// roleWriter is a user who may write Roles and do nothing else.
const roleWriter = "stsgen-e2e-role-writer"

// checkEscalation proves that the server's RBAC escalation check judged the
// Role, which the suite's admin passes: a user who may write Roles but
// holds none of the permissions the Role grants is refused it.
func checkEscalation(ctx context.Context, t *testing.T, role *unstructured.Unstructured) {
	t.Helper()
	if rules, _, _ := unstructured.NestedSlice(role.Object, "rules"); len(rules) == 0 {
		return
	}
	grant := &rbacv1.ClusterRole{
		ObjectMeta: metav1.ObjectMeta{Name: roleWriter},
		Rules:      []rbacv1.PolicyRule{{APIGroups: []string{"rbac.authorization.k8s.io"}, Resources: []string{"roles"}, Verbs: []string{"get", "create", "patch", "update"}}},
	}
	binding := &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: roleWriter},
		RoleRef:    rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: roleWriter},
		Subjects:   []rbacv1.Subject{{APIGroup: "rbac.authorization.k8s.io", Kind: "User", Name: roleWriter}},
	}
	if _, err := cp.Client.RbacV1().ClusterRoles().Create(ctx, grant, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatal(err)
	}
	if _, err := cp.Client.RbacV1().ClusterRoleBindings().Create(ctx, binding, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatal(err)
	}
	cfg := rest.CopyConfig(cp.Config)
	cfg.Impersonate = rest.ImpersonationConfig{UserName: roleWriter}
	client, err := dynamic.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	gvr, err := resourceOf(role)
	if err != nil {
		t.Fatal(err)
	}
	escalated := role.DeepCopy()
	escalated.SetName(role.GetName() + "-escalated")
	data, err := escalated.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	opts := metav1.PatchOptions{FieldManager: "stsgen", FieldValidation: "Strict", Force: new(true), DryRun: []string{metav1.DryRunAll}}
	_, err = client.Resource(gvr).Namespace(role.GetNamespace()).Patch(ctx, escalated.GetName(), types.ApplyPatchType, data, opts)
	if !apierrors.IsForbidden(err) || !strings.Contains(err.Error(), "escalat") {
		t.Errorf("%s, who holds none of the Role's permissions, writing it: %v; want the escalation check to refuse it", roleWriter, err)
	}
}

// unknownFields are the paths of made-up fields for the object: at its top,
// and in its spec where it has one.
func unknownFields(obj *unstructured.Unstructured) [][]string {
	paths := [][]string{{"stsgenUnknown"}}
	if _, ok := obj.Object["spec"].(map[string]any); ok {
		paths = append(paths, []string{"spec", "stsgenUnknown"})
	}
	return paths
}

// get reads the object back from the server.
func get(ctx context.Context, t *testing.T, obj *unstructured.Unstructured) *unstructured.Unstructured {
	t.Helper()
	gvr, err := resourceOf(obj)
	if err != nil {
		t.Fatal(err)
	}
	got, err := cp.Dynamic.Resource(gvr).Namespace(obj.GetNamespace()).Get(ctx, obj.GetName(), metav1.GetOptions{})
	if err != nil {
		t.Fatalf("reading back %s %s: %v", obj.GetKind(), obj.GetName(), err)
	}
	return got
}

// missing lists the values of sent that got lacks or holds differently.
func missing(path string, sent, got any) []string {
	switch s := sent.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: sent an object, stored %v", path, got)}
		}
		var out []string
		for _, k := range slices.Sorted(maps.Keys(s)) {
			out = append(out, missing(path+"."+k, s[k], g[k])...)
		}
		return out
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(s) {
			return []string{fmt.Sprintf("%s: sent %v, stored %v", path, s, got)}
		}
		var out []string
		for i := range s {
			out = append(out, missing(fmt.Sprintf("%s[%d]", path, i), s[i], g[i])...)
		}
		return out
	default:
		// Numbers decode as int64 or float64, depending on the decoder.
		if fmt.Sprint(sent) != fmt.Sprint(got) {
			return []string{fmt.Sprintf("%s: sent %v, stored %v", path, sent, got)}
		}
		return nil
	}
}

// kindsNamespace creates the namespace the source's object goes to: one per
// source and namespace it names, so that no other test's object is updated
// instead of created.
func kindsNamespace(ctx context.Context, t *testing.T, o sourcedObject) string {
	t.Helper()
	ns := o.obj.GetNamespace()
	if ns == "" {
		ns = "default"
	}
	ns = "kinds-" + strings.ReplaceAll(o.source, "/", "-") + "-" + ns
	_, err := cp.Client.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatal(err)
	}
	return ns
}

// goldenObjects reads the objects of every golden case's manifests.yaml:
// stsgen's output, as the generator's golden test holds it to.
func goldenObjects(t *testing.T) []sourcedObject {
	t.Helper()
	files, err := filepath.Glob("../testdata/golden/*/manifests.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	var out []sourcedObject
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		objs, err := crds.DecodeAll(data)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, obj := range objs {
			out = append(out, sourcedObject{"golden/" + filepath.Base(filepath.Dir(f)), obj})
		}
	}
	return out
}

// exampleObjects compiles every example, as TestExamples does, and returns
// the objects of all its apps.
func exampleObjects(t *testing.T) []sourcedObject {
	t.Helper()
	var out []sourcedObject
	for _, dir := range exampleDirs(t) {
		apps, ds, err := compileDir(dir, nil, nil)
		if err != nil || apps == nil {
			t.Fatalf("compiling %s: %v\n%v", dir, err, ds)
		}
		for _, name := range slices.Sorted(maps.Keys(apps)) {
			for _, f := range apps[name].files {
				objs, err := crds.DecodeAll(f.data)
				if err != nil {
					t.Fatalf("%s %s: %v", dir, f.name, err)
				}
				for _, obj := range objs {
					out = append(out, sourcedObject{"example/" + filepath.Base(dir), obj})
				}
			}
		}
	}
	return out
}

// exampleDirs are the examples' directories.
func exampleDirs(t *testing.T) []string {
	t.Helper()
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
	return dirs
}
