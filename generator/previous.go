package generator

import (
	"bytes"
	"fmt"
	"maps"
	"regexp"

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
}

// forApp returns what p holds of the app: p itself, unless it reads apps
// one at a time.
func (p *Previous) forApp(app string) (*Previous, error) {
	if p == nil || p.ForApp == nil {
		return p, nil
	}
	return p.ForApp(app)
}

// statefulSet returns the previous version of sts, or nil.
func (p *Previous) statefulSet(sts *appsv1.StatefulSet) *appsv1.StatefulSet {
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
		if err := yaml.Unmarshal([]byte(doc), &meta); err != nil {
			return fmt.Errorf("%s: document %d: %w", name, i+1, err)
		}
		docs := []string{doc}
		if meta.Kind == "List" || meta.Kind == "StatefulSetList" || meta.Kind == "ServiceList" {
			docs = docs[:0]
			for _, item := range meta.Items {
				y, err := yaml.Marshal(item)
				if err != nil {
					return err
				}
				docs = append(docs, string(y))
			}
		}
		for _, d := range docs {
			if err := p.add(name, d); err != nil {
				return fmt.Errorf("%s: document %d: %w", name, i+1, err)
			}
		}
	}
	return nil
}

func (p *Previous) add(name, doc string) error {
	var meta struct{ Kind string }
	if err := yaml.Unmarshal([]byte(doc), &meta); err != nil {
		return err
	}
	switch meta.Kind {
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

func objectKey(namespace, name string) string {
	if namespace == "" {
		namespace = "default"
	}
	return namespace + "/" + name
}
