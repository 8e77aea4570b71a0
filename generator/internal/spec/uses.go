package spec

import (
	"strconv"
	"strings"

	"cuelang.org/go/cue"
	"github.com/stsgen/stsgen/schema"
)

// A Use is another app of the package that an app refers to by name.
type Use struct {
	// App is the other app, decoded.
	App *Spec
	// Name is the first of the app's names that the referring app's
	// strings hold, in their order: what the reference was found by.
	Name string
	// Admits says that the app lets its referrers in
	// (networkPolicy.fromReferrers): the referring app's pods are to be
	// let into its ports.
	Admits bool
}

// FindUses returns the apps among candidates, other apps of the package
// in pkg.Root, that s refers to by name, when s lets them in
// (networkPolicy.fromReferenced) or they let s in (fromReferrers), in
// candidates' order. An app refers to another by name when its config
// files, env, args or command (of any container, and of its roles) hold
// one of the other's member hosts or FQDNs, or one of its Services' names
// qualified by the namespace; a bare Service name counts when the two
// share the namespace and a port follows it (name:port). A candidate
// that does not decode is left out: its own build reports why.
func FindUses(pkg Package, s *Spec, candidates []string) []Use {
	var uses []Use
	texts := s.Texts()
	for _, name := range candidates {
		if name == s.Name {
			continue
		}
		v := pkg.Root.LookupPath(cue.MakePath(cue.Str(schema.AppsField), cue.Str(name)))
		admits, err := v.LookupPath(fromReferrers).Bool()
		if err != nil || !admits && !s.NetworkPolicy.FromReferenced {
			continue
		}
		if v.Validate(cue.Concrete(true)) != nil {
			continue
		}
		o, ds := decodeApp(v)
		if len(ds) > 0 || !o.Buildable() {
			continue
		}
		if found, ok := o.namedIn(texts, s.Namespace); ok {
			uses = append(uses, Use{App: o, Name: found, Admits: admits && o.NetworkPolicy.Enabled})
		}
	}
	return uses
}

// AdmitReferrers reports whether an app in pkg.Root lets in the apps
// that refer to it or that it refers to, so that FindUses can find
// something.
func AdmitReferrers(pkg Package) bool {
	iter, err := pkg.Root.LookupPath(cue.MakePath(cue.Str(schema.AppsField))).Fields()
	if err != nil {
		return false
	}
	for iter.Next() {
		for _, p := range []cue.Path{fromReferrers, fromReferenced} {
			if on, err := iter.Value().LookupPath(p).Bool(); err == nil && on {
				return true
			}
		}
	}
	return false
}

var (
	fromReferrers  = cue.ParsePath("networkPolicy.fromReferrers")
	fromReferenced = cue.ParsePath("networkPolicy.fromReferenced")
)

// A Text is a string of the app that may name members or Services, and
// the field that holds it, relative to the app.
type Text struct {
	At    []string
	Value string
}

// Texts are the strings of the app that may name members or Services:
// the config files, the roles' files, env and args, and the env, command
// and args of the main container, then of each init container and
// sidecar, then the bootstrap Job's script, command, args and env. A
// command or args list is one text, its words joined by
// spaces.
func (s *Spec) Texts() []Text {
	var out []Text
	add := func(v string, at ...string) { out = append(out, Text{At: at, Value: v}) }
	for _, f := range s.Config.Files {
		add(f.Content, "config", "files", f.Name)
	}
	for _, r := range s.Config.Roles {
		for _, f := range r.Files {
			add(f.Content, "config", "roles", string(r.Name), "files", f.Name)
		}
		for _, e := range r.Env {
			add(e.Value, "config", "roles", string(r.Name), "env", e.Name)
		}
		add(strings.Join(r.Args, " "), "config", "roles", string(r.Name), "args")
	}
	for _, e := range s.Env {
		add(e.Value, "env", e.Name)
	}
	add(strings.Join(s.Command, " "), "command")
	add(strings.Join(s.Args, " "), "args")
	for _, l := range s.ContainerLists() {
		for i, c := range l.Cs {
			add(strings.Join(c.Command, " "), l.Field, strconv.Itoa(i), "command")
			add(strings.Join(c.Args, " "), l.Field, strconv.Itoa(i), "args")
			for j, e := range c.Env {
				add(e.Value, l.Field, strconv.Itoa(i), "env", strconv.Itoa(j))
			}
		}
	}
	if b := s.Bootstrap; b != nil {
		add(b.Script, "bootstrap", "script")
		add(strings.Join(b.Command, " "), "bootstrap", "command")
		add(strings.Join(b.Args, " "), "bootstrap", "args")
		for _, e := range b.Env {
			add(e.Value, "bootstrap", "env", e.Name)
		}
	}
	return out
}

// namedIn returns the first of the app's names that texts hold, seen from
// an app in namespace ns.
func (s *Spec) namedIn(texts []Text, ns string) (string, bool) {
	names := map[string]bool{}
	qualified := func(n string) {
		names[n+"."+s.Namespace] = true
		names[n+"."+s.Namespace+".svc"] = true
		names[n+"."+s.Namespace+".svc."+s.ClusterDomain] = true
	}
	for _, p := range s.Peers {
		names[p.Host] = true
		names[p.FQDN] = true
		qualified(p.Host)
	}
	bare := map[string]bool{}
	for _, r := range s.ServiceRefs() {
		qualified(r.Name)
		if ns == s.Namespace {
			bare[r.Name] = true
		}
	}
	for _, t := range texts {
		for w, rest := range dnsWords(t.Value) {
			if names[w] || bare[w] && hasPort(rest) {
				return w, true
			}
		}
	}
	return "", false
}

// dnsWords yields each run of DNS name characters in t, without a final
// dot, with the text that follows it.
func dnsWords(t string) func(yield func(string, string) bool) {
	nameChar := func(c byte) bool {
		return c == '.' || c == '-' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
	}
	return func(yield func(string, string) bool) {
		for i := 0; i < len(t); {
			if !nameChar(t[i]) {
				i++
				continue
			}
			j := i
			for j < len(t) && nameChar(t[j]) {
				j++
			}
			if !yield(strings.TrimSuffix(t[i:j], "."), t[j:]) {
				return
			}
			i = j
		}
	}
}

// hasPort reports whether rest, the text after a name, starts with a port:
// a colon and a digit.
func hasPort(rest string) bool {
	return len(rest) > 1 && rest[0] == ':' && rest[1] >= '0' && rest[1] <= '9'
}
