package rules

import (
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/stsgen/stsgen/generator/diag"
	"github.com/stsgen/stsgen/generator/internal/build"
	"github.com/stsgen/stsgen/generator/internal/spec"
	"github.com/stsgen/stsgen/generator/internal/validate"
)

// apiRules hold the output to what the API server validates on the fields
// stsgen passes through from the app, as Kubernetes' own validation does,
// so that a refusal is found at build time and not at apply time.
var apiRules = []*Rule{ruleAPIValidation}

var ruleAPIValidation = &Rule{
	ID: diag.RuleAPIValidation, Title: "the objects pass the API server's validation of the fields an app passes through",
	Severity: diag.Error, Fixed: true, Source: "API server",
	check: checkAPIValidation, verify: verifyObjects,
	Explain: `Some of what an app writes reaches the objects as it is: the spread's
topology key, env values taken from elsewhere (valueFrom), security
contexts, lifecycle hooks and NetworkPolicy rules. The API server
validates them and refuses the whole object when one is wrong: an empty
topologyKey ("Required value: can not be empty"), a valueFrom with no
source or two, a runAsUser, runAsGroup or fsGroup outside 0 to
2147483647, an exec hook without a command, a label selector key that is
not a qualified name. And no object may exceed 1.5 MiB, the most etcd
takes in one request. stsgen checks the same, so that kubectl apply never
finds it first.

Every object stsgen writes is then validated as the API server validates
it (stsgen's port of Kubernetes' own validation rules, with the server's
field paths and messages); a refusal there that no check of the app's
fields caught is reported at the app, with the object's field.`,
}

// maxObjectBytes is the largest object etcd accepts in one request.
const maxObjectBytes = 3 << 19 // 1.5 MiB

// checkAPIValidation: the fields an app passes through pass the API
// server's validation.
func checkAPIValidation(c *checker) {
	s := c.s
	if s.Spread.Mode != "none" {
		if s.Spread.TopologyKey == "" {
			c.report(at("spread", "topologyKey"), "is empty; the API server refuses an anti-affinity term without a topology key (topologyKey: Required value); write e.g. \"kubernetes.io/hostname\"")
		} else if msgs := validation.IsQualifiedName(s.Spread.TopologyKey); len(msgs) > 0 {
			c.report(at("spread", "topologyKey"), "%q is not a label key, as the API server requires of a topology key: %s", s.Spread.TopologyKey, strings.Join(msgs, "; "))
		}
	}
	for _, e := range s.Env {
		c.valueFrom(at("env", e.Name, "valueFrom"), e.ValueFrom)
	}
	for _, r := range s.Config.Roles {
		for _, e := range r.Env {
			c.valueFrom(at("config", "roles", string(r.Name), "env", e.Name, "valueFrom"), e.ValueFrom)
		}
	}
	if p := s.PodSecurityContext; p != nil {
		c.id(at("podSecurityContext", "runAsUser"), p.RunAsUser)
		c.id(at("podSecurityContext", "runAsGroup"), p.RunAsGroup)
		c.id(at("podSecurityContext", "fsGroup"), p.FSGroup)
	}
	c.securityContext(at("securityContext"), s.SecurityContext)
	c.lifecycle(at("lifecycle"), s.Lifecycle)
	for _, l := range s.ContainerLists() {
		for i, ct := range l.Cs {
			base := at(l.Field, strconv.Itoa(i))
			c.securityContext(append(base, "securityContext"), ct.SecurityContext)
			c.lifecycle(append(base, "lifecycle"), ct.Lifecycle)
			for _, e := range ct.Env {
				c.valueFrom(append(base, "env", e.Name, "valueFrom"), e.ValueFrom)
			}
		}
	}
	for i, r := range s.NetworkPolicy.Ingress {
		for j, peer := range r.From {
			base := at("networkPolicy", "ingress", strconv.Itoa(i), "from", strconv.Itoa(j))
			for _, sel := range []struct {
				field string
				s     *metav1.LabelSelector
			}{{"podSelector", peer.PodSelector}, {"namespaceSelector", peer.NamespaceSelector}} {
				for _, k := range selectorKeys(sel.s) {
					if msgs := validation.IsQualifiedName(k); len(msgs) > 0 {
						c.report(append(base, sel.field), "label key %q is not valid, so the API server refuses the NetworkPolicy: %s", k, strings.Join(msgs, "; "))
					}
				}
			}
		}
	}
}

// valueFrom reports an env source that names no source, or several.
func (c *checker) valueFrom(sels []string, v *corev1.EnvVarSource) {
	if v == nil {
		return
	}
	n := 0
	for _, set := range []bool{v.FieldRef != nil, v.ResourceFieldRef != nil, v.ConfigMapKeyRef != nil, v.SecretKeyRef != nil, v.FileKeyRef != nil} {
		if set {
			n++
		}
	}
	switch {
	case n == 0:
		c.report(sels, "names no source; the API server refuses it (must specify one of: fieldRef, resourceFieldRef, configMapKeyRef, secretKeyRef or fileKeyRef); write e.g. valueFrom: secretKeyRef: {name: \"db\", key: \"password\"}")
	case n > 1:
		c.report(sels, "names %d sources; the API server refuses more than one; keep one", n)
	}
}

// id reports a user or group id outside what the API server accepts.
func (c *checker) id(sels []string, id *int64) {
	if id != nil && (*id < 0 || *id > math.MaxInt32) {
		c.report(sels, "%d is refused by the API server: a user or group id must be between 0 and 2147483647, inclusive", *id)
	}
}

func (c *checker) securityContext(sels []string, sc *corev1.SecurityContext) {
	if sc == nil {
		return
	}
	c.id(append(sels, "runAsUser"), sc.RunAsUser)
	c.id(append(sels, "runAsGroup"), sc.RunAsGroup)
}

// lifecycle reports an exec hook without a command.
func (c *checker) lifecycle(sels []string, l *corev1.Lifecycle) {
	if l == nil {
		return
	}
	for name, h := range map[string]*corev1.LifecycleHandler{"postStart": l.PostStart, "preStop": l.PreStop} {
		if h != nil && h.Exec != nil && len(h.Exec.Command) == 0 {
			c.report(append(sels, name, "exec", "command"), "is empty; the API server refuses an exec hook without a command (Required value); write the command to run, e.g. [\"sh\", \"-c\", \"...\"]")
		}
	}
}

// verifyObjects: every object passes the API server's validation, and
// none is larger than etcd takes in one request.
func verifyObjects(c *checker, b *build.Bundle) {
	for _, o := range b.Objects() {
		for _, e := range append(validate.Object(o.Obj), validate.ApplyKeys(o.Obj)...) {
			if sels, ok := appField(c.s, o.Obj, e.Field); ok {
				// A map's errors name the map and the key or value in
				// error: point at that entry.
				if v, isString := e.BadValue.(string); isString && len(sels) == 1 && sels[0] == "nodeSelector" {
					if _, key := c.s.Pod.NodeSelector[v]; key {
						c.reportName(at("nodeSelector", v), "the API server refuses this key: %s", e.ErrorBody())
						continue
					}
					if k, found := keyOf(c.s.Pod.NodeSelector, v); found {
						c.report(at("nodeSelector", k), "the API server refuses this: %s", e.ErrorBody())
						continue
					}
				}
				c.report(sels, "the API server refuses this: %s", e.ErrorBody())
				continue
			}
			c.reportObject("%s: the API server refuses it: %s", o.File, e.Error())
		}
		// Marshalling every object again would cost the re-check ten times
		// its other work. Kubernetes' types know their protobuf size
		// cheaply, and an object's JSON is far below 16 times that (its
		// field names and punctuation are what JSON adds), so only an
		// object of a protobuf size near the limit is marshalled.
		if s, ok := o.Obj.(interface{ Size() int }); ok && s.Size() < maxObjectBytes/16 {
			continue
		}
		data, err := json.Marshal(o.Obj)
		if err == nil && len(data) > maxObjectBytes {
			c.reportObject("%s is %.1f MiB as JSON; the API server refuses an object over 1.5 MiB (etcd's request limit): make the config files smaller, or move them to a volume", o.File, float64(len(data))/(1<<20))
		}
	}
}

// selectorKeys are the label keys a selector names, in order.
func selectorKeys(s *metav1.LabelSelector) []string {
	if s == nil {
		return nil
	}
	keys := build.SortedKeys(s.MatchLabels)
	for _, e := range s.MatchExpressions {
		keys = append(keys, e.Key)
	}
	return keys
}

// appField maps the field path of an error in a StatefulSet to the field
// of the app it was written from, when the app passed the field through as
// it is: the pod's placement and platform fields, its security context,
// the main container's envFrom, securityContext and lifecycle, and the
// user's init containers and sidecars.
func appField(s *spec.Spec, obj any, path string) ([]string, bool) {
	sts, ok := obj.(*appsv1.StatefulSet)
	if !ok {
		return nil, false
	}
	sels := fieldSels(path)
	if len(sels) < 4 || sels[0] != "spec" || sels[1] != "template" || sels[2] != "spec" {
		return nil, false
	}
	sels = sels[3:]
	name, rest := sels[0], sels[1:]
	switch {
	case name == "affinity":
		return affinityField(s, rest)
	case name == "topologySpreadConstraints":
		if len(rest) > 0 && index(rest[0]) < len(s.Pod.TopologySpreadConstraints) {
			return sels, true
		}
		return at("spread"), true
	case slices.Contains(spec.PodFields, name):
		return sels, true
	case name == "securityContext":
		return append(at("podSecurityContext"), rest...), true
	case (name == "containers" || name == "initContainers") && len(rest) > 0:
		return containerField(s, &sts.Spec.Template.Spec, name, index(rest[0]), rest[1:])
	}
	return nil, false
}

// affinityField maps a path inside the pod's affinity: the terms the app
// wrote come first, then the one spread derives.
func affinityField(s *spec.Spec, rest []string) ([]string, bool) {
	own := s.Pod.Affinity
	if len(rest) >= 3 && rest[0] == "podAntiAffinity" {
		n := 0
		if own != nil && own.PodAntiAffinity != nil {
			switch rest[1] {
			case "requiredDuringSchedulingIgnoredDuringExecution":
				n = len(own.PodAntiAffinity.RequiredDuringSchedulingIgnoredDuringExecution)
			case "preferredDuringSchedulingIgnoredDuringExecution":
				n = len(own.PodAntiAffinity.PreferredDuringSchedulingIgnoredDuringExecution)
			}
		}
		if index(rest[2]) >= n {
			return at("spread"), true
		}
	}
	if own == nil {
		return nil, false
	}
	return append(at("affinity"), rest...), true
}

// containerField maps a path inside a container: the main container's
// pass-through fields, and the init containers and sidecars the app wrote
// (found by name: stsgen's own come first).
func containerField(s *spec.Spec, pod *corev1.PodSpec, list string, i int, rest []string) ([]string, bool) {
	cs, field, own := pod.Containers, "sidecars", s.Sidecars
	if list == "initContainers" {
		cs, field, own = pod.InitContainers, "initContainers", s.InitContainers
	}
	if i < 0 || i >= len(cs) {
		return nil, false
	}
	if list == "containers" && i == 0 {
		if len(rest) > 0 && (rest[0] == "envFrom" || rest[0] == "securityContext" || rest[0] == "lifecycle") {
			return rest, true
		}
		return nil, false
	}
	j := slices.IndexFunc(own, func(c corev1.Container) bool { return c.Name == cs[i].Name })
	if j < 0 {
		return nil, false
	}
	return append(at(field, strconv.Itoa(j)), rest...), true
}

// fieldSels splits a field path (spec.ports[0].name, limits[cpu]) into
// its steps.
func fieldSels(path string) []string {
	var out []string
	for _, part := range strings.Split(path, ".") {
		for part != "" {
			name, sub, found := strings.Cut(part, "[")
			if name != "" {
				out = append(out, name)
			}
			if !found {
				break
			}
			key, after, _ := strings.Cut(sub, "]")
			out = append(out, key)
			part = after
		}
	}
	return out
}

// index is a list index step, or -1.
func index(step string) int {
	n, err := strconv.Atoi(step)
	if err != nil {
		return -1
	}
	return n
}

// keyOf is the first key, in order, whose value is v.
func keyOf(m map[string]string, v string) (string, bool) {
	for _, k := range build.SortedKeys(m) {
		if m[k] == v {
			return k, true
		}
	}
	return "", false
}
