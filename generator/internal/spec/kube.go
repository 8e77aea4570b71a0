package spec

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"cuelang.org/go/cue"
	"github.com/stsgen/stsgen/generator/diag"

	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// strict decodes a CUE value into a Kubernetes type (a pointer to one of
// k8s.io/api's), as the API server's strict field validation would: a key
// the type does not have anywhere inside is an error at the key, with the
// key meant, and a value of the wrong kind an error at the value. It
// reports false when anything was wrong.
func (d *decoder) strict(v cue.Value, into any) bool {
	return d.strictExcept(v, into)
}

// strictExcept is strict for a struct whose fields named except are
// stsgen's, not the Kubernetes type's, and are left out.
func (d *decoder) strictExcept(v cue.Value, into any, except ...string) bool {
	n := len(d.ds)
	d.kubeValue(v, reflect.TypeOf(into).Elem(), except...)
	if len(d.ds) > n {
		return false
	}
	data, err := v.MarshalJSON()
	if err != nil {
		d.ds = append(d.ds, diag.SchemaErrors(err)...)
		return false
	}
	if len(except) > 0 {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(data, &m); err == nil {
			for _, k := range except {
				delete(m, k)
			}
			data, _ = json.Marshal(m)
		}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(into); err != nil {
		// What the walk does not know of (a type's own UnmarshalJSON).
		d.errorf(diag.RuleSchema, v, "%s", strings.TrimPrefix(err.Error(), "json: "))
		return false
	}
	return true
}

// Types whose JSON is a scalar of their own making.
var (
	quantityType    = reflect.TypeFor[resource.Quantity]()
	intOrStringType = reflect.TypeFor[intstr.IntOrString]()
	timeType        = reflect.TypeFor[metav1.Time]()
	rawType         = reflect.TypeFor[json.RawMessage]()
)

// kubeValue checks v against the Go type t, as encoding/json would decode
// it, reporting unknown keys and values of the wrong kind where they are.
func (d *decoder) kubeValue(v cue.Value, t reflect.Type, except ...string) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	v = evaluated(v)
	k := v.IncompleteKind()
	if k == cue.NullKind {
		return // null is every type's zero
	}
	switch t {
	case quantityType:
		if k&(cue.StringKind|cue.NumberKind) == 0 {
			d.errorf(diag.RuleSchema, v, "is %s; write a quantity such as \"1Gi\" or 2", kindName(k))
		}
		return
	case intOrStringType:
		if k&(cue.StringKind|cue.IntKind) == 0 {
			d.errorf(diag.RuleSchema, v, "is %s; write a number or a name", kindName(k))
		}
		return
	case timeType, rawType:
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		if k&cue.StructKind == 0 {
			d.errorf(diag.RuleSchema, v, "is %s; write a struct: {...}", kindName(k))
			return
		}
		known := jsonFields(t)
		iter, err := v.Fields()
		if err != nil {
			return
		}
		for iter.Next() {
			name := iter.Selector().Unquoted()
			if slices.Contains(except, name) {
				continue
			}
			f, ok := known[name]
			if !ok {
				d.errorf(diag.RuleSchema, iter.Value(), "%s", unknownKey(name, t, known))
				continue
			}
			d.kubeValue(iter.Value(), f)
		}
	case reflect.Map:
		if k&cue.StructKind == 0 {
			d.errorf(diag.RuleSchema, v, "is %s; write a struct of %s: {...}", kindName(k), kindWord(t.Elem()))
			return
		}
		iter, err := v.Fields()
		if err != nil {
			return
		}
		for iter.Next() {
			d.kubeValue(iter.Value(), t.Elem())
		}
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 { // []byte is base64 text
			if k&cue.StringKind == 0 && k&cue.BytesKind == 0 {
				d.errorf(diag.RuleSchema, v, "is %s; write base64 text", kindName(k))
			}
			return
		}
		if k&cue.ListKind == 0 {
			d.errorf(diag.RuleSchema, v, "is %s; write a list of %s: [...]", kindName(k), kindWord(t.Elem()))
			return
		}
		iter, err := v.List()
		if err != nil {
			return
		}
		for iter.Next() {
			d.kubeValue(iter.Value(), t.Elem())
		}
	case reflect.String:
		if k&cue.StringKind == 0 {
			d.errorf(diag.RuleSchema, v, "is %s; write a string", kindName(k))
		}
	case reflect.Bool:
		if k&cue.BoolKind == 0 {
			d.errorf(diag.RuleSchema, v, "is %s; write true or false", kindName(k))
		}
	case reflect.Int, reflect.Int32, reflect.Int64, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if k&cue.IntKind == 0 {
			d.errorf(diag.RuleSchema, v, "is %s; write an integer", kindName(k))
			return
		}
		if t.Kind() == reflect.Int32 {
			d.int32(v)
		}
	case reflect.Float32, reflect.Float64:
		if k&cue.NumberKind == 0 {
			d.errorf(diag.RuleSchema, v, "is %s; write a number", kindName(k))
		}
	}
}

// jsonFields maps the JSON names of a struct's fields, with those of the
// structs it inlines, to their types.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	m := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch {
		case name == "-":
			continue
		case name == "" && (f.Anonymous || strings.Contains(opts, "inline")):
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			for n, t := range jsonFields(ft) {
				m[n] = t
			}
			continue
		case name == "":
			name = f.Name
		}
		m[name] = f.Type
	}
	return m
}

// unknownKey says that a Kubernetes type has no key name, and which it
// has that is nearest.
func unknownKey(name string, t reflect.Type, known map[string]reflect.Type) string {
	names := make([]string, 0, len(known))
	for n := range known {
		names = append(names, n)
	}
	slices.Sort(names)
	best, bestDist := "", 3
	for _, n := range names {
		if strings.EqualFold(n, name) {
			best, bestDist = n, 0
			break
		}
		if dist := editDistance(strings.ToLower(name), strings.ToLower(n)); dist < bestDist {
			best, bestDist = n, dist
		}
	}
	what := fmt.Sprintf("a Kubernetes %s has no field %q", t.Name(), name)
	switch {
	case best != "":
		return fmt.Sprintf("%s; did you mean %s?", what, best)
	case len(names) <= 12:
		return fmt.Sprintf("%s; its fields are %s", what, strings.Join(names, ", "))
	}
	return what
}

// kindName names a CUE kind for a message: "a string", "a list".
func kindName(k cue.Kind) string {
	switch {
	case k&cue.StructKind != 0:
		return "a struct"
	case k&cue.ListKind != 0:
		return "a list"
	case k&cue.StringKind != 0:
		return "a string"
	case k&cue.BoolKind != 0:
		return "a bool"
	case k&cue.IntKind != 0:
		return "an integer"
	case k&cue.NumberKind != 0:
		return "a number"
	}
	return "of no concrete kind"
}

// kindWord names what a Go type decodes from, for a message.
func kindWord(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "strings"
	case reflect.Struct:
		return "structs"
	case reflect.Bool:
		return "bools"
	}
	return "values"
}
