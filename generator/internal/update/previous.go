package update

import (
	"bytes"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

// Previous holds the objects a build replaces: the output of an earlier
// build, or what kubectl get -o yaml shows of the cluster. The update
// rules compare the new objects with them, because Kubernetes refuses some
// changes to objects that exist.
type Previous struct {
	StatefulSets map[string]*appsv1.StatefulSet // by namespace/name
	Services     map[string]*corev1.Service     // by namespace/name
	// ForApp, when set, reads an app's previous objects as the app is
	// built, so that a large earlier output is never held whole; the maps
	// above are then not used.
	ForApp func(app string) (*Previous, error)
	// DigestFor, when set with ForApp, returns the Digest of what ForApp
	// would return, without parsing anything.
	DigestFor func(app string) (string, error)
	// Forget, when set, says that what DigestFor read of the app will
	// not be wanted soon: the reader need not hold it.
	Forget func(app string)
	// Unparsed holds files of the previous output read and not yet
	// parsed, by path: ParseUnparsed reads their objects in, unless the
	// build finds them to be its own objects' files byte for byte.
	Unparsed map[string][]byte
	// Digest identifies what the maps hold, for the build cache: the
	// digest of the files they were read from. Empty when unknown: an
	// app compared with such a Previous is built, never taken from the
	// cache.
	Digest string
}

// Scoped returns what p holds of the app: p itself, unless it reads apps
// one at a time.
func (p *Previous) Scoped(app string) (*Previous, error) {
	if p == nil || p.ForApp == nil {
		return p, nil
	}
	return p.ForApp(app)
}

// StatefulSet returns the previous version of sts, or nil.
func (p *Previous) StatefulSet(sts *appsv1.StatefulSet) *appsv1.StatefulSet {
	if p == nil {
		return nil
	}
	return p.StatefulSets[objectKey(sts.Namespace, sts.Name)]
}

// Merge adds the objects of other, which may be nil, to p; other's win.
func (p *Previous) Merge(other *Previous) {
	if other == nil {
		return
	}
	if p.StatefulSets == nil {
		p.StatefulSets = map[string]*appsv1.StatefulSet{}
		p.Services = map[string]*corev1.Service{}
	}
	maps.Copy(p.StatefulSets, other.StatefulSets)
	maps.Copy(p.Services, other.Services)
}

// Add puts an object into p as a previous one: a StatefulSet or a
// Service; it reports whether obj is either.
func (p *Previous) Add(obj any) bool {
	if p.StatefulSets == nil {
		p.StatefulSets = map[string]*appsv1.StatefulSet{}
		p.Services = map[string]*corev1.Service{}
	}
	switch o := obj.(type) {
	case *appsv1.StatefulSet:
		p.StatefulSets[objectKey(o.Namespace, o.Name)] = o
	case *corev1.Service:
		p.Services[objectKey(o.Namespace, o.Name)] = o
	default:
		return false
	}
	return true
}

// ParseUnparsed reads the objects of the Unparsed files into p.
func (p *Previous) ParseUnparsed() error {
	for _, name := range slices.Sorted(maps.Keys(p.Unparsed)) {
		if err := p.AddPrevious(name, p.Unparsed[name]); err != nil {
			return err
		}
	}
	p.Unparsed = nil
	return nil
}

// docSeparator splits a YAML stream into documents.
var docSeparator = regexp.MustCompile(`(?m)^---\s*$`)

// AddPrevious reads the StatefulSets and Services from a YAML stream (or a
// kubectl List) into p; other kinds are ignored. name says where the
// stream comes from, for errors.
func (p *Previous) AddPrevious(name string, data []byte) error {
	if p.StatefulSets == nil {
		p.StatefulSets = map[string]*appsv1.StatefulSet{}
		p.Services = map[string]*corev1.Service{}
	}
	for i, doc := range docSeparator.Split(string(data), -1) {
		if len(bytes.TrimSpace([]byte(doc))) == 0 {
			continue
		}
		var meta struct {
			Kind  string
			Items []any
		}
		kind, ok := topLevelKind(doc)
		switch {
		case ok && kind != "StatefulSet" && kind != "Service" && !strings.HasSuffix(kind, "List"):
			continue // a kind no rule compares: not even parsed
		case ok && kind != "List" && kind != "StatefulSetList" && kind != "ServiceList":
			meta.Kind = kind
		default:
			if err := yaml.Unmarshal([]byte(doc), &meta); err != nil {
				return fmt.Errorf("%s: document %d: %w", name, i+1, err)
			}
		}
		docs, kind := []string{doc}, meta.Kind
		if meta.Kind == "List" || meta.Kind == "StatefulSetList" || meta.Kind == "ServiceList" {
			docs, kind = docs[:0], "" // the items name their own kinds
			for _, item := range meta.Items {
				y, err := yaml.Marshal(item)
				if err != nil {
					return err
				}
				docs = append(docs, string(y))
			}
		}
		for _, d := range docs {
			if err := p.add(name, kind, d); err != nil {
				return fmt.Errorf("%s: document %d: %w", name, i+1, err)
			}
		}
	}
	return nil
}

// add reads one document of the given kind; "" when it is not known yet,
// as for the items of a List.
func (p *Previous) add(name, kind, doc string) error {
	if kind == "" {
		var ok bool
		if kind, ok = topLevelKind(doc); !ok {
			var meta struct{ Kind string }
			if err := yaml.Unmarshal([]byte(doc), &meta); err != nil {
				return err
			}
			kind = meta.Kind
		}
	}
	switch kind {
	case "StatefulSet":
		var sts appsv1.StatefulSet
		if err := yaml.Unmarshal([]byte(doc), &sts); err != nil {
			return err
		}
		p.StatefulSets[objectKey(sts.Namespace, sts.Name)] = &sts
	case "Service":
		var svc corev1.Service
		if err := yaml.Unmarshal([]byte(doc), &svc); err != nil {
			return err
		}
		p.Services[objectKey(svc.Namespace, svc.Name)] = &svc
	}
	return nil
}

// topLevelKind returns the kind a YAML document states on a line of its
// own at the top level ("kind: StatefulSet"), as stsgen and kubectl write
// it, without parsing the document; ok is false unless exactly one such
// line exists and its value is a plain word, and the document must then
// be parsed to know.
func topLevelKind(doc string) (kind string, ok bool) {
	for line := range strings.Lines(doc) {
		rest, found := strings.CutPrefix(line, "kind:")
		if !found || (rest != "" && rest[0] != ' ' && rest[0] != '\t' && rest[0] != '\n' && rest[0] != '\r') {
			continue // "kind:x" is a string, not a key
		}
		if ok {
			return "", false // twice: let the parser decide
		}
		kind = strings.TrimSpace(rest)
		if kind == "" || strings.ContainsAny(kind, "\"'#{}[],&*!|>%@`") {
			return "", false
		}
		ok = true
	}
	return kind, ok
}

func objectKey(namespace, name string) string {
	if namespace == "" {
		namespace = "default"
	}
	return namespace + "/" + name
}
