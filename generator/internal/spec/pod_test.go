package spec

import (
	"reflect"
	"slices"
	"testing"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/cuecontext"
	"github.com/stsgen/stsgen/schema"

	corev1 "k8s.io/api/core/v1"
)

// TestPodFields: every field of Kubernetes' PodSpec is in exactly one of
// PodFields (set as it is), PodFieldsStsgen (set through a field of
// stsgen's) and PodFieldsOwned (refused, with why), so that a field a new
// k8s.io/api adds fails here until it is decided; and the schema declares
// every one an app sets as it is.
func TestPodFields(t *testing.T) {
	for name := range jsonFields(reflect.TypeFor[corev1.PodSpec]()) {
		_, stsgen := PodFieldsStsgen[name]
		_, owned := PodFieldsOwned[name]
		n := 0
		for _, in := range []bool{slices.Contains(PodFields, name), stsgen, owned} {
			if in {
				n++
			}
		}
		if n != 1 {
			t.Errorf("PodSpec.%s is in %d of PodFields, PodFieldsStsgen and PodFieldsOwned; want 1", name, n)
		}
	}
	src, err := schema.FS.ReadFile("app.cue")
	if err != nil {
		t.Fatal(err)
	}
	app := cuecontext.New().CompileBytes(src).LookupPath(cue.MakePath(cue.Def(schema.AppDef)))
	if app.Err() != nil {
		t.Fatal(app.Err())
	}
	for _, name := range PodFields {
		if !app.Allows(cue.Str(name)) {
			t.Errorf("#App does not declare %s", name)
		}
		if _, ok := PodFieldMessage(name); ok {
			t.Errorf("%s is settable but has a refusal", name)
		}
	}
	for name := range PodFieldsOwned {
		if app.Allows(cue.Str(name)) {
			t.Errorf("#App declares %s, which PodFieldsOwned refuses", name)
		}
		if _, ok := PodFieldMessage(name); !ok {
			t.Errorf("%s has no message", name)
		}
	}
}
