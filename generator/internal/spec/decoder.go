package spec

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"cuelang.org/go/cue"
	"github.com/stsgen/stsgen/generator/diag"

	corev1 "k8s.io/api/core/v1"

	"k8s.io/apimachinery/pkg/api/resource"
)

// decoder reads one app's value, collecting a diagnostic for everything it
// cannot turn into the Spec.
type decoder struct {
	v   cue.Value
	ds  diag.Diagnostics
	bad map[string]bool
}

func (d *decoder) lookup(sels ...string) cue.Value {
	return get(d.v, sels...)
}

// SelPath makes a path of field names; a decimal selector is a list index.
func SelPath(sels ...string) cue.Path {
	ss := make([]cue.Selector, len(sels))
	for i, s := range sels {
		if n, err := strconv.Atoi(s); err == nil && n >= 0 {
			ss[i] = cue.Index(n)
		} else {
			ss[i] = cue.Str(s)
		}
	}
	return cue.MakePath(ss...)
}

func (d *decoder) errorf(rule diag.RuleID, v cue.Value, format string, args ...any) {
	path := v.Path().String()
	d.bad[path] = true
	d.ds = append(d.ds, diag.Diagnostic{Rule: rule, Path: path, Pos: UserPositions(d.v, v), Message: fmt.Sprintf(format, args...)})
}

func (d *decoder) str(sels ...string) string {
	s, _ := d.lookup(sels...).String()
	return s
}

func (d *decoder) optStr(sels ...string) (string, bool) {
	v := d.lookup(sels...)
	if !v.Exists() {
		return "", false
	}
	s, err := v.String()
	return s, err == nil
}

func (d *decoder) int(sels ...string) int64 {
	i, _ := d.lookup(sels...).Int64()
	return i
}

// int32 reads an integer field that Kubernetes holds in 32 bits, and
// reports a value outside them at the field: converted, it would wrap.
func (d *decoder) int32(v cue.Value) int32 {
	n, err := v.Int64()
	if err == nil && n >= math.MinInt32 && n <= math.MaxInt32 {
		return int32(n)
	}
	if v.IncompleteKind() == cue.IntKind {
		d.errorf(diag.RuleSchema, v, "%v is out of range; %s (Kubernetes holds this field in 32 bits)", v, outOfRange(v, math.MinInt32, math.MaxInt32))
	}
	return 0
}

// outOfRange says what to write instead of v, an integer out of [lo, hi].
func outOfRange(v cue.Value, lo, hi int64) string {
	if strings.HasPrefix(fmt.Sprint(v), "-") {
		return fmt.Sprintf("write a value at least %d", lo)
	}
	return fmt.Sprintf("write a value at most %d", hi)
}

// port reads a port number: what does not fit in 32 bits gets the port
// rule's words.
func (d *decoder) port(v cue.Value) int32 {
	if n, err := v.Int64(); err != nil || n < math.MinInt32 || n > math.MaxInt32 {
		d.errorf(diag.RuleContainerPorts, v, "port %v is out of range; use 1 to 65535", v)
		return 0
	}
	return d.int32(v)
}

// int64 is int32 for the fields Kubernetes holds in 64 bits.
func (d *decoder) int64(v cue.Value) int64 {
	n, err := v.Int64()
	if err != nil && v.IncompleteKind() == cue.IntKind {
		d.errorf(diag.RuleSchema, v, "%v is out of range; %s (the field holds 64 bits)", v, outOfRange(v, math.MinInt64, math.MaxInt64))
	}
	return n
}

func (d *decoder) optInt32(sels ...string) *int32 {
	v := d.lookup(sels...)
	if !v.Exists() || kindOf(v) != cue.IntKind {
		return nil
	}
	n := d.int32(v)
	return &n
}

// intOrPercent reads a count or a percentage such as "50%".
func (d *decoder) intOrPercent(sels ...string) *IntOrPercent {
	v := d.lookup(sels...)
	if !v.Exists() {
		return nil
	}
	if kindOf(v) == cue.IntKind {
		return &IntOrPercent{Value: d.int32(v)}
	}
	str, _ := v.String()
	n, ok := Percent(str)
	if !ok {
		return nil
	}
	return &IntOrPercent{Value: int32(n), Percent: true}
}

func (d *decoder) boolean(sels ...string) bool {
	b, _ := d.lookup(sels...).Bool()
	return b
}

func (d *decoder) strings(v cue.Value) []string {
	var out []string
	_ = v.Decode(&out)
	return out
}

// kindOf is the kind of v's default, or of v when it has none.
func kindOf(v cue.Value) cue.Kind {
	d, _ := v.Default()
	return d.Kind()
}

// fields returns the regular fields of a struct in input order.
func fields(v cue.Value) []cue.Value {
	v = evaluated(v)
	var out []cue.Value
	iter, err := v.Fields()
	if err != nil {
		return nil
	}
	for iter.Next() {
		out = append(out, iter.Value())
	}
	return out
}

// listItems returns the elements of a list.
func listItems(v cue.Value) []cue.Value {
	v = evaluated(v)
	var out []cue.Value
	iter, err := v.List()
	if err != nil {
		return nil
	}
	for iter.Next() {
		out = append(out, iter.Value())
	}
	return out
}

func label(v cue.Value) string {
	sels := v.Path().Selectors()
	return sels[len(sels)-1].Unquoted()
}

func (d *decoder) stringMap(sels ...string) map[string]string {
	m := map[string]string{}
	for _, f := range fields(d.lookup(sels...)) {
		m[label(f)], _ = f.String()
	}
	return m
}

func (d *decoder) quantity(v cue.Value) (resource.Quantity, bool) {
	var s string
	switch kindOf(v) {
	case cue.StringKind:
		s, _ = v.String()
	default:
		// A bare number such as cpu: 1 or cpu: 0.5.
		n, _ := v.MarshalJSON()
		s = string(n)
	}
	q, err := resource.ParseQuantity(s)
	if err != nil {
		d.errorf(diag.RuleQuantities, v, "%q is not a Kubernetes quantity; %s", s, quantityHint(s))
		return resource.Quantity{}, false
	}
	return q, true
}

// quantityHint suggests the quantity the user probably meant.
func quantityHint(s string) string {
	t := strings.ReplaceAll(s, " ", "")
	units := []struct{ typo, binary, decimal string }{
		{"KiB", "Ki", "k"}, {"MiB", "Mi", "M"}, {"GiB", "Gi", "G"}, {"TiB", "Ti", "T"},
		{"KB", "Ki", "k"}, {"kB", "Ki", "k"}, {"MB", "Mi", "M"}, {"GB", "Gi", "G"}, {"TB", "Ti", "T"},
	}
	for _, u := range units {
		if num, ok := strings.CutSuffix(t, u.typo); ok {
			if _, err := resource.ParseQuantity(num); err == nil && num != "" {
				return fmt.Sprintf("write %q or %q", num+u.binary, num+u.decimal)
			}
		}
	}
	if _, err := resource.ParseQuantity(t); err == nil && t != s {
		return fmt.Sprintf("write %q", t)
	}
	return `write a number with an optional suffix, such as "10Gi", "500M" or "250m"`
}

func (d *decoder) resources(v cue.Value) corev1.ResourceRequirements {
	var r corev1.ResourceRequirements
	for _, part := range []struct {
		name string
		into *corev1.ResourceList
	}{{"requests", &r.Requests}, {"limits", &r.Limits}} {
		for _, f := range fields(get(v, part.name)) {
			q, ok := d.quantity(f)
			if !ok {
				continue
			}
			if *part.into == nil {
				*part.into = corev1.ResourceList{}
			}
			(*part.into)[corev1.ResourceName(label(f))] = q
		}
	}
	return r
}

func (d *decoder) envMap(v cue.Value) []corev1.EnvVar {
	var env []corev1.EnvVar
	for _, f := range fields(v) {
		e := corev1.EnvVar{Name: label(f)}
		if kindOf(f) == cue.StringKind {
			e.Value, _ = f.String()
		} else {
			var src corev1.EnvVarSource
			if !d.strict(get(f, "valueFrom"), &src) {
				continue
			}
			e.ValueFrom = &src
		}
		env = append(env, e)
	}
	return env
}

func (d *decoder) files(v cue.Value) []File {
	var out []File
	for _, f := range fields(v) {
		s, _ := f.String()
		out = append(out, File{Name: label(f), Content: s})
	}
	return out
}

func (d *decoder) probe(v cue.Value) *Probe {
	if !v.Exists() {
		return nil
	}
	p := &Probe{}
	if e := get(v, "exec"); e.Exists() {
		p.Exec = d.strings(e)
	}
	if h := get(v, "http"); h.Exists() {
		p.HTTP = &HTTPProbe{}
		p.HTTP.Port, _ = get(h, "port").String()
		p.HTTP.Path, _ = get(h, "path").String()
		p.HTTP.Scheme, _ = get(h, "scheme").String()
	}
	if t := get(v, "tcp"); t.Exists() {
		p.TCP, _ = t.String()
	}
	if g := get(v, "grpc"); g.Exists() {
		p.GRPC = &GRPCProbe{}
		p.GRPC.Port, _ = get(g, "port").String()
		if s, err := get(g, "service").String(); err == nil {
			p.GRPC.Service = &s
		}
	}
	for _, f := range []struct {
		name string
		into *int32
	}{
		{"initialDelaySeconds", &p.InitialDelaySeconds},
		{"periodSeconds", &p.PeriodSeconds},
		{"timeoutSeconds", &p.TimeoutSeconds},
		{"successThreshold", &p.SuccessThreshold},
		{"failureThreshold", &p.FailureThreshold},
	} {
		if fv := get(v, f.name); kindOf(fv) == cue.IntKind {
			*f.into = d.int32(fv)
		}
	}
	p.NeedsQuorum, _ = get(v, "needsQuorum").Bool()
	return p
}

func (d *decoder) containers(v cue.Value) []corev1.Container {
	var out []corev1.Container
	iter, err := v.List()
	if err != nil {
		return nil
	}
	for iter.Next() {
		var c corev1.Container
		if d.strictExcept(iter.Value(), &c, "checks") {
			out = append(out, c)
		}
	}
	return out
}

// checks reads a checks field: rule ids and their severities.
func (d *decoder) checks(v cue.Value) map[diag.RuleID]diag.Severity {
	m := map[diag.RuleID]diag.Severity{}
	for _, f := range fields(v) {
		level, _ := f.String()
		if sev, err := diag.ParseSeverity(level); err == nil {
			m[diag.RuleID(strings.ToUpper(label(f)))] = sev
		}
	}
	return m
}

// get returns the field sels names below v as CUE evaluates it: each
// step taken into the default of a value that has one, as in
// spread: *{mode: "required"} | "none", where the field itself is a
// disjunction that only its default resolves. Every read of an app's
// fields goes through it.
func get(v cue.Value, sels ...string) cue.Value {
	v = evaluated(v)
	for _, s := range sels {
		v = evaluated(v.LookupPath(SelPath(s)))
	}
	return v
}

// evaluated is v's default when it has one, else v itself (Default would
// return a copy that has lost its path).
func evaluated(v cue.Value) cue.Value {
	if d, ok := v.Default(); ok {
		return d
	}
	return v
}

// optBool reads a bool field that may be left out.
func (d *decoder) optBool(sels ...string) *bool {
	v := d.lookup(sels...)
	if !v.Exists() {
		return nil
	}
	b, err := v.Bool()
	if err != nil {
		return nil
	}
	return &b
}
