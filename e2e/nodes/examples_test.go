//go:build linux

package nodes

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/wait"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"

	"github.com/stsgen/stsgen/e2e/internal/cluster"
	"github.com/stsgen/stsgen/generator"
)

// An example is one app of a bundled example, compiled by stsgen as a user
// would: the objects it writes, in one stream, and its namespace.
type example struct {
	app       string
	namespace string
	manifests []byte
	bundle    *generator.Bundle
}

// compileExample compiles the app of examples/<dir>, with extra CUE files
// added to the package (name to content; a namespace of the test's own,
// say), exactly as `stsgen build` does.
func compileExample(t *testing.T, dir, app string, extra map[string]string) *example {
	t.Helper()
	src := filepath.Join("..", "..", "examples", dir)
	tmp := t.TempDir()
	files, err := filepath.Glob(filepath.Join(src, "*.cue"))
	if err != nil || len(files) == 0 {
		t.Fatalf("%s: no CUE files (%v)", src, err)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(tmp, filepath.Base(f)), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for name, text := range extra {
		if err := os.WriteFile(filepath.Join(tmp, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	bundles, ds := generator.Compile(generator.LoadConfig{Dir: tmp}, generator.Policy{})
	if ds.HasErrors() {
		t.Fatalf("compiling %s: %v", dir, ds)
	}
	for _, b := range bundles {
		if b.App != app {
			continue
		}
		var out bytes.Buffer
		for _, o := range b.Objects() {
			y, err := generator.RenderObject(o.Obj)
			if err != nil {
				t.Fatal(err)
			}
			out.WriteString("---\n")
			out.Write(y)
		}
		return &example{app: app, namespace: b.StatefulSet.Namespace, manifests: out.Bytes(), bundle: b}
	}
	t.Fatalf("%s has no app %s", dir, app)
	return nil
}

// deploy applies the example and waits until every member is Ready.
func deploy(t *testing.T, ctx context.Context, ex *example, secrets map[string]map[string]string) {
	t.Helper()
	applyExample(t, ctx, ex, secrets)
	waitExample(t, ctx, ex)
}

// applyExample applies the example into its namespace, made for the test
// (or shared, for default), with the Secrets it needs. The namespace, or
// the example's objects and claims in default, go when the test ends, so
// that the next example has the nodes.
func applyExample(t *testing.T, ctx context.Context, ex *example, secrets map[string]map[string]string) {
	t.Helper()
	if ex.namespace == "default" {
		t.Cleanup(func() { removeApp(t, ex) })
		t.Cleanup(func() {
			if t.Failed() {
				t.Log(c.Dump(context.Background(), ex.namespace))
			}
		})
	} else {
		// Dumped if the test fails, then deleted and gone before the next.
		namespace(t, ex.namespace)
	}
	for name, data := range secrets {
		s := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ex.namespace}, StringData: data}
		if _, err := c.Client.CoreV1().Secrets(ex.namespace).Create(ctx, s, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
			t.Fatal(err)
		}
	}
	if err := c.Apply(ctx, ex.namespace, ex.manifests); err != nil {
		t.Fatal(err)
	}
}

// waitExample waits until every member of the example is Ready and
// current.
func waitExample(t *testing.T, ctx context.Context, ex *example) {
	t.Helper()
	if err := c.WaitStatefulSetReady(ctx, ex.namespace, ex.bundle.StatefulSet.Name, 6*time.Minute); err != nil {
		t.Fatal(err)
	}
}

// removeApp deletes an example's objects from default, its claims with
// them, and waits until its pods are gone.
func removeApp(t *testing.T, ex *example) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	ns := ex.namespace
	sel := metav1.ListOptions{LabelSelector: "app.kubernetes.io/name=" + ex.app}
	cs := c.Client
	del := metav1.DeleteOptions{}
	background := metav1.DeletePropagationBackground
	errs := []error{
		cs.BatchV1().Jobs(ns).DeleteCollection(ctx, metav1.DeleteOptions{PropagationPolicy: &background}, sel),
		cs.CoreV1().ServiceAccounts(ns).DeleteCollection(ctx, del, sel),
		cs.RbacV1().Roles(ns).DeleteCollection(ctx, del, sel),
		cs.RbacV1().RoleBindings(ns).DeleteCollection(ctx, del, sel),
		cs.AppsV1().StatefulSets(ns).DeleteCollection(ctx, del, sel),
		cs.PolicyV1().PodDisruptionBudgets(ns).DeleteCollection(ctx, del, sel),
		cs.CoreV1().ConfigMaps(ns).DeleteCollection(ctx, del, sel),
		cs.NetworkingV1().NetworkPolicies(ns).DeleteCollection(ctx, del, sel),
		cs.CoreV1().PersistentVolumeClaims(ns).DeleteCollection(ctx, del, sel),
	}
	if svcs, err := cs.CoreV1().Services(ns).List(ctx, sel); err == nil {
		for _, s := range svcs.Items {
			errs = append(errs, cs.CoreV1().Services(ns).Delete(ctx, s.Name, del))
		}
	}
	for _, err := range errs {
		if err != nil && !apierrors.IsNotFound(err) {
			t.Errorf("removing %s: %v", ex.app, err)
		}
	}
	err := wait.PollUntilContextCancel(ctx, time.Second, true, func(ctx context.Context) (bool, error) {
		pods, err := cs.CoreV1().Pods(ns).List(ctx, sel)
		return err == nil && len(pods.Items) == 0, nil
	})
	if err != nil {
		t.Errorf("pods of %s still there: %v", ex.app, err)
	}
}

// inPod runs cmd in the pod's container and returns its output, trimmed;
// a failure fails the test.
func inPod(t *testing.T, ctx context.Context, ns, pod, container string, cmd ...string) string {
	t.Helper()
	out, _, err := c.Exec(ctx, ns, pod, container, cmd...)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(out)
}

// eventually polls check until it returns nil, and fails the test with
// its last error if that takes longer than timeout.
func eventually(t *testing.T, ctx context.Context, what string, timeout time.Duration, check func(ctx context.Context) error) {
	t.Helper()
	var last error
	err := wait.PollUntilContextTimeout(ctx, time.Second, timeout, true, func(ctx context.Context) (bool, error) {
		last = check(ctx)
		return last == nil, nil
	})
	if err != nil {
		t.Fatalf("%s: not within %s: %v", what, timeout, last)
	}
}

// pod returns the pod, which must exist.
func pod(t *testing.T, ctx context.Context, ns, name string) *corev1.Pod {
	t.Helper()
	p, err := c.Client.CoreV1().Pods(ns).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// recreate deletes the pod and waits until the StatefulSet's controller
// has made a new one of the same name and it is Ready; it returns it.
func recreate(t *testing.T, ctx context.Context, ns, name string) *corev1.Pod {
	t.Helper()
	old := pod(t, ctx, ns, name)
	if err := c.Client.CoreV1().Pods(ns).Delete(ctx, name, metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	var p *corev1.Pod
	eventually(t, ctx, name+" re-created and Ready", 4*time.Minute, func(ctx context.Context) error {
		q, err := c.Client.CoreV1().Pods(ns).Get(ctx, name, metav1.GetOptions{})
		switch {
		case err != nil:
			return err
		case q.UID == old.UID:
			return fmt.Errorf("still the old pod")
		case !cluster.PodReady(q):
			return fmt.Errorf("new pod %s, not Ready", q.Status.Phase)
		}
		p = q
		return nil
	})
	return p
}

// decodeManifests reads the objects of a manifests stream.
func decodeManifests(t *testing.T, manifests []byte) []*unstructured.Unstructured {
	t.Helper()
	var out []*unstructured.Unstructured
	dec := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(manifests), 4096)
	for {
		obj := &unstructured.Unstructured{}
		if err := dec.Decode(&obj.Object); errors.Is(err, io.EOF) {
			return out
		} else if err != nil {
			t.Fatal(err)
		}
		if len(obj.Object) > 0 {
			out = append(out, obj)
		}
	}
}
