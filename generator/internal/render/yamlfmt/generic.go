package yamlfmt

import (
	"bytes"
	"encoding/json"

	"go.yaml.in/yaml/v2"
)

// Marshal returns the JSON of an object as YAML, without its status: what
// RenderYAML writes, or, for what it declines, what yaml.v2 writes for the
// object decoded into generic values, the long way sigs.k8s.io/yaml goes.
func Marshal(data []byte) ([]byte, error) {
	if y, ok := RenderYAML(data); ok {
		return y, nil
	}
	m, err := Generic(data)
	if err != nil {
		return nil, err
	}
	return yaml.Marshal(m)
}

// Generic decodes an object's JSON into generic values, without the
// status fields, as dropStatus drops them from the writer's own tree.
// Numbers are int64 when they are integers and float64 otherwise, as a
// YAML parser reads them.
func Generic(data []byte) (map[string]any, error) {
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	var m map[string]any
	if err := d.Decode(&m); err != nil {
		return nil, err
	}
	numbers(m)
	delete(m, "status")
	// Claim templates are full PVC objects and carry an empty status too.
	if spec, ok := m["spec"].(map[string]any); ok {
		if vcts, ok := spec["volumeClaimTemplates"].([]any); ok {
			for _, v := range vcts {
				if vct, ok := v.(map[string]any); ok {
					delete(vct, "status")
				}
			}
		}
	}
	return m, nil
}

// numbers replaces the json.Numbers in v, a decoded JSON value, by int64
// or float64.
func numbers(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			v[k] = numbers(x)
		}
	case []any:
		for i, x := range v {
			v[i] = numbers(x)
		}
	case json.Number:
		if n, err := v.Int64(); err == nil {
			return n
		}
		f, _ := v.Float64()
		return f
	}
	return v
}
