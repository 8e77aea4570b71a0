package generator

import (
	"fmt"
	"slices"
	"strings"

	"cuelang.org/go/cue/token"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/stsgen/stsgen/generator/diag"
	"github.com/stsgen/stsgen/generator/internal/build"
	"github.com/stsgen/stsgen/generator/internal/spec"
)

// An objectName is one object a build writes: its kind, namespace and
// name, and the app field the name comes from.
type objectName struct {
	kind, namespace, name string
	app                   string
	// field is the app's field that sets the name, relative to the app;
	// empty for the objects named after the app itself.
	field []string
	pos   []token.Pos
}

// nameFields says which field of an app names each of its objects, by
// the object's file; the others are named after the app.
var nameFields = map[string][]string{
	"service-headless.yaml": {"services", "headless", "name"},
	"service-read.yaml":     {"services", "read", "name"},
	"service-primary.yaml":  {"services", "primary", "name"},
	"serviceaccount.yaml":   {"serviceAccount", "name"},
}

// objectNames lists the objects of b.
func objectNames(b *Bundle) []objectName {
	var out []objectName
	for _, o := range b.Objects() {
		meta, ok := o.Obj.(metav1.Object)
		typed, ok2 := o.Obj.(runtime.Object)
		if !ok || !ok2 {
			continue
		}
		field := nameFields[o.File]
		if strings.HasPrefix(o.File, "service-member-") {
			field = []string{"services", "members", "name"}
		}
		if es, ok := o.Obj.(*build.ExternalSecret); ok {
			field = []string{"secrets", es.Name}
		}
		out = append(out, objectName{
			kind:      typed.GetObjectKind().GroupVersionKind().Kind,
			namespace: meta.GetNamespace(),
			name:      meta.GetName(),
			app:       b.App,
			field:     field,
			pos:       b.Spec.Source.Positions(field...),
		})
	}
	return out
}

// sameNames reports the objects of different apps that share kind,
// namespace and name: applied together, one would replace the other. The
// names are in output order; each clash is reported at the later app's
// field, with both apps' positions.
func sameNames(names []objectName) diag.Diagnostics {
	type key struct{ kind, namespace, name string }
	first := map[key]objectName{}
	var ds diag.Diagnostics
	for _, n := range names {
		k := key{n.kind, n.namespace, n.name}
		f, dup := first[k]
		if !dup {
			first[k] = n
			continue
		}
		if f.app == n.app {
			continue // the app's own rules (STS003) report it
		}
		fix := "names must be unique per namespace and kind across the apps built together, so rename one"
		if len(n.field) == 2 && n.field[0] == "secrets" {
			// Two apps may share a Secret; only one may fetch it.
			fix = "the Secret can be shared, but only one app may fetch it: keep external in one app's declaration and leave it out of the other's"
		}
		ds = append(ds, diag.Diagnostic{
			Severity: diag.Error,
			Path:     spec.FieldPath(n.app, n.field...),
			Message: fmt.Sprintf("%s %q (%s) is also %s of app %s, in namespace %s: applied together, one would replace the other; %s",
				n.kind, n.name, role(n), role(f), f.app, n.namespace, fix),
			Pos: append(slices.Clone(n.pos), f.pos...),
		})
	}
	return ds
}

// role says which of its app's objects o is: "the read Service".
func role(o objectName) string {
	if len(o.field) == 2 && o.field[0] == "secrets" {
		return "the " + o.kind + " of Secret " + o.field[1]
	}
	if len(o.field) == 3 {
		return "the " + o.field[1] + " " + o.kind
	}
	return "the " + o.kind
}
