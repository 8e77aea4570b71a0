//go:build linux

package e2e

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

// validationCases are the cases of stsgen's port of the API server's
// validation: each an object, and the errors stsgen says the server gives
// when it is created.
const validationCases = "../generator/internal/validate/testdata/cases"

// TestValidation holds stsgen's port of the API server's validation to the
// server itself: each case is created on the real API server (a dry run,
// with strict field validation), which must refuse it with exactly the
// errors the case expects, or accept it when it expects none.
func TestValidation(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(validationCases, "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no cases in %s: %v", validationCases, err)
	}
	// The subtests run once this function has returned.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	const ns = "stsgen-validate"
	_, err = cp.Client.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatal(err)
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".yaml"), func(t *testing.T) {
			t.Parallel()
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			want := wantLines(data)
			var obj unstructured.Unstructured
			if err := yaml.Unmarshal(data, &obj.Object); err != nil {
				t.Fatal(err)
			}
			obj.SetNamespace(ns)
			gvr, err := resourceOf(&obj)
			if err != nil {
				t.Fatal(err)
			}
			_, err = cp.Dynamic.Resource(gvr).Namespace(ns).Create(ctx, &obj, metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}, FieldValidation: "Strict"})
			got, err := serverErrors(err)
			if err != nil {
				t.Fatalf("the server did not validate the object: %v", err)
			}
			if !slices.Equal(normalise(got), normalise(want)) {
				t.Errorf("the API server says\n\t%s\nstsgen says\n\t%s", strings.Join(got, "\n\t"), strings.Join(want, "\n\t"))
			}
		})
	}
}

// wantLines reads a case's "# want: " lines.
func wantLines(data []byte) []string {
	var want []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 4<<20)
	for sc.Scan() {
		if w, ok := strings.CutPrefix(sc.Text(), "# want: "); ok {
			want = append(want, w)
		}
	}
	return want
}

// serverErrors returns the field errors of a refusal, each as
// field.Error prints it; none when the server accepted the object. Any
// other failure is an error.
func serverErrors(err error) ([]string, error) {
	if err == nil {
		return nil, nil
	}
	var status *apierrors.StatusError
	if !errors.As(err, &status) || !apierrors.IsInvalid(err) || status.ErrStatus.Details == nil {
		return nil, err
	}
	var out []string
	for _, c := range status.ErrStatus.Details.Causes {
		out = append(out, c.Field+": "+c.Message)
	}
	return out, nil
}

// structValue is a struct printed as a value: the server prints its
// internal type, stsgen the v1 type, so their fields differ.
var structValue = regexp.MustCompile(`\{.*\}`)

// normalise sorts the errors (the server groups them by its own order)
// and blanks struct values.
func normalise(errs []string) []string {
	out := make([]string, len(errs))
	for i, e := range errs {
		out[i] = structValue.ReplaceAllString(e, "{...}")
	}
	slices.Sort(out)
	return out
}

// TestGoldens: the API server accepts every object of every golden file
// (a dry run of server-side apply with strict field validation, as
// kubectl apply --server-side --validate=strict --dry-run=server does), in
// a namespace of the golden's own for each it names.
func TestGoldens(t *testing.T) {
	files, err := filepath.Glob("../testdata/golden/*/manifests.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	for _, f := range files {
		t.Run(filepath.Base(filepath.Dir(f)), func(t *testing.T) {
			t.Parallel()
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, doc := range strings.Split(string(data), "\n---\n") {
				var obj unstructured.Unstructured
				if err := yaml.Unmarshal([]byte(doc), &obj.Object); err != nil {
					t.Fatal(err)
				}
				// A namespace of the golden's own, so that no object of
				// another test's is updated instead of created.
				ns := obj.GetNamespace()
				if ns == "" {
					ns = "default"
				}
				ns = "golden-" + filepath.Base(filepath.Dir(f)) + "-" + ns
				obj.SetNamespace(ns)
				_, err := cp.Client.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{})
				if err != nil && !apierrors.IsAlreadyExists(err) {
					t.Fatal(err)
				}
				data, err := obj.MarshalJSON()
				if err != nil {
					t.Fatal(err)
				}
				if err := applyYAML(ctx, data, true); err != nil {
					t.Errorf("%s %s: %v", obj.GetKind(), obj.GetName(), err)
				}
			}
		})
	}
}
