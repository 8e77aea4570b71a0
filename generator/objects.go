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

// A builtApp is what the checks across apps need of one app built: its
// objects' names, the Secrets it writes or reads, the node ports it takes.
type builtApp struct {
	app       string
	names     []objectName
	secrets   []secretUse
	nodePorts []nodePortUse
}

func newBuiltApp(b *Bundle) builtApp {
	return builtApp{app: b.App, names: objectNames(b), secrets: secretUses(b), nodePorts: nodePortUses(b)}
}

// acrossApps runs the checks across the apps built together, given in
// output order.
func acrossApps(built []builtApp) diag.Diagnostics {
	var names []objectName
	var secrets []secretUse
	var nodePorts []nodePortUse
	for _, a := range built {
		names = append(names, a.names...)
		secrets = append(secrets, a.secrets...)
		nodePorts = append(nodePorts, a.nodePorts...)
	}
	return slices.Concat(sameNames(names), sameWriters(secrets), sameNodePorts(nodePorts))
}

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

// A secretUse is one app's part in a Secret: it writes it (by its
// Certificate or an ExternalSecret), or declares it to read it.
type secretUse struct {
	app, namespace, secret string
	// writer is "" for a Secret the app declares without external and
	// that its tls does not write, else what writes it: the Certificate
	// or the ExternalSecret, as a message names it; external says it is
	// the ExternalSecret.
	writer   string
	external bool
	field    []string
	pos      []token.Pos
}

// secretUses lists the Secrets the app of b writes or declares.
func secretUses(b *Bundle) []secretUse {
	s := b.Spec
	var out []secretUse
	use := func(name, writer string, external bool, field ...string) {
		out = append(out, secretUse{app: b.App, namespace: s.Namespace, secret: name, writer: writer, external: external, field: field, pos: s.Source.Positions(field...)})
	}
	for _, sec := range s.Secrets {
		switch {
		case sec.External != nil:
			use(sec.Name, "the ExternalSecret "+sec.Name, true, "secrets", sec.Name, "external")
		case !s.WrittenByTLS(sec.Name):
			use(sec.Name, "", false, "secrets", sec.Name)
		}
	}
	if b.Certificate != nil {
		use(s.TLS.SecretName, "the Certificate "+b.Certificate.Name, false, "tls", "secretName")
	}
	return out
}

// sameWriters reports a Secret that two apps write, in one namespace: two
// Certificates, or a Certificate and an ExternalSecret, would overwrite
// each other's keys (two ExternalSecrets share a name, and sameNames
// reports them). Each is reported at the later app's field, with both
// positions. It warns of a Secret an app declares, to read, that another
// app writes: its SECRETS.md tells how to create it, which must not be
// done, since the other app's writer does.
func sameWriters(uses []secretUse) diag.Diagnostics {
	type key struct{ namespace, secret string }
	writers := map[key]secretUse{}
	var ds diag.Diagnostics
	for _, u := range uses {
		if u.writer == "" {
			continue
		}
		k := key{u.namespace, u.secret}
		f, dup := writers[k]
		if !dup {
			writers[k] = u
			continue
		}
		if f.app == u.app || f.external && u.external {
			continue // STS414, or sameNames
		}
		fix := "give tls.secretName a name of this app's own"
		if u.field[0] == "secrets" {
			fix = "remove external here and read the Secret app " + f.app + " writes, or name another Secret"
		}
		ds = append(ds, diag.Diagnostic{
			Severity: diag.Error,
			Path:     spec.FieldPath(u.app, u.field...),
			Message: fmt.Sprintf("Secret %q is written by %s of app %s, and by %s of app %s, in namespace %s: each would overwrite the other's keys; %s",
				u.secret, u.writer, u.app, f.writer, f.app, u.namespace, fix),
			Pos: append(slices.Clone(u.pos), f.pos...),
		})
	}
	for _, u := range uses {
		f, ok := writers[key{u.namespace, u.secret}]
		if u.writer != "" || !ok || f.app == u.app {
			continue
		}
		ds = append(ds, diag.Diagnostic{
			Severity: diag.Warning,
			Path:     spec.FieldPath(u.app, u.field...),
			Message: fmt.Sprintf("Secret %q is written by %s of app %s, in namespace %s: do not create it by the kubectl line of app %s's SECRETS.md; apply app %s, whose writer fills it",
				u.secret, f.writer, f.app, u.namespace, u.app, f.app),
			Pos: append(slices.Clone(u.pos), f.pos...),
		})
	}
	return ds
}

// A nodePortUse is one node port a Service of an app takes.
type nodePortUse struct {
	app, service, port string
	nodePort           int32
	field              []string
	pos                []token.Pos
}

// nodePortUses lists the node ports the Services of b fix.
func nodePortUses(b *Bundle) []nodePortUse {
	var out []nodePortUse
	for _, m := range b.Members {
		for _, p := range m.Service.Spec.Ports {
			if p.NodePort == 0 {
				continue
			}
			field := []string{"services", "members", "nodePorts", p.Name}
			out = append(out, nodePortUse{app: b.App, service: m.Service.Name, port: p.Name, nodePort: p.NodePort, field: field, pos: b.Spec.Source.Positions(field...)})
		}
	}
	return out
}

// sameNodePorts reports a node port that Services of two apps take: node
// ports are the cluster's, one Service's each, and the API server refuses
// the second. Each is reported once per pair of apps, at the later app's
// field, with both positions; an app's own Services are STS426's.
func sameNodePorts(uses []nodePortUse) diag.Diagnostics {
	first := map[int32]nodePortUse{}
	type pair struct{ app, other, port, otherPort string }
	reported := map[pair]bool{}
	var ds diag.Diagnostics
	for _, u := range uses {
		f, dup := first[u.nodePort]
		if !dup {
			first[u.nodePort] = u
			continue
		}
		p := pair{u.app, f.app, u.port, f.port}
		if f.app == u.app || reported[p] {
			continue
		}
		reported[p] = true
		ds = append(ds, diag.Diagnostic{
			Severity: diag.Error,
			Path:     spec.FieldPath(u.app, u.field...),
			Message: fmt.Sprintf("node port %d of Service %s (port %s) is also that of Service %s of app %s: a node port is the cluster's, one Service's, and the API server refuses the second; move one app's nodePorts base past the other's last member",
				u.nodePort, u.service, u.port, f.service, f.app),
			Pos: append(slices.Clone(u.pos), f.pos...),
		})
	}
	return ds
}
