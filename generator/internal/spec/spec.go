package spec

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/token"
	"github.com/stsgen/stsgen/generator/diag"
	"github.com/stsgen/stsgen/schema"

	corev1 "k8s.io/api/core/v1"

	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// A Spec is one app after schema validation: every default applied, every
// polymorphic field normalised, quantities parsed. Maps from the CUE input
// become slices in the input's order.
type Spec struct {
	Name          string
	Namespace     string
	ClusterDomain string

	Image   string
	Version string
	Command []string
	Args    []string
	Env     []corev1.EnvVar

	Resources                    corev1.ResourceRequirements
	SecurityContext              *corev1.SecurityContext
	PodSecurityContext           *corev1.PodSecurityContext
	Lifecycle                    *corev1.Lifecycle
	ServiceAccountName           string
	AutomountServiceAccountToken bool
	ImagePullPolicy              corev1.PullPolicy
	Labels                       map[string]string
	Annotations                  map[string]string

	Topology Topology
	Replicas int32
	// Quorum is the majority of a quorum topology, 0 for the others.
	Quorum int32

	Ports     []Port
	Storage   []Claim
	Retention Retention
	Volumes   []Volume
	Probes    Probes

	Config   Config
	Identity Identity
	Services Services
	// ServiceName is what the schema's serviceName field holds; it must be
	// the headless Service's name.
	ServiceName string

	Disruption    Disruption
	NetworkPolicy NetworkPolicy

	PodManagementPolicy string
	UpdateStrategy      UpdateStrategy
	MinReadySeconds     int32
	OrdinalsStart       int32
	// Recreate acknowledges a change that needs the StatefulSet re-created.
	Recreate                      bool
	TerminationGracePeriodSeconds *int64
	RevisionHistoryLimit          *int32
	Spread                        Spread

	InitContainers []corev1.Container
	Sidecars       []corev1.Container

	Peers []Peer

	// Checks holds the app's own rule severities, by rule id.
	Checks map[diag.RuleID]diag.Severity

	// Source is where Decode found the app; nil for a Spec built by hand.
	Source *Source
}

// A Port is a named container port and the Services that carry it.
type Port struct {
	Name     string
	Port     int32
	Protocol corev1.Protocol
	Expose   []string
}

// exposedOn reports whether the port is carried by the Service kind.
func (p Port) ExposedOn(kind string) bool {
	for _, e := range p.Expose {
		if e == kind {
			return true
		}
	}
	return false
}

// A Claim is a volume claim template and where the main container mounts it.
type Claim struct {
	Name        string
	Size        resource.Quantity
	Class       *string
	AccessModes []corev1.PersistentVolumeAccessMode
	MountPath   string
	SubPath     string
}

type Retention struct {
	WhenDeleted string
	WhenScaled  string
}

// A Volume is an extra pod volume, mounted in the main container when
// MountPath is set.
type Volume struct {
	Name      string
	Source    corev1.VolumeSource
	MountPath string
	ReadOnly  bool
	SubPath   string
}

type Probes struct {
	Readiness, Liveness, Startup *Probe
}

// A Probe names its port; the builder resolves the name against Ports.
type Probe struct {
	Exec                []string
	HTTP                *HTTPProbe
	TCP                 string
	GRPC                *GRPCProbe
	InitialDelaySeconds int32
	PeriodSeconds       int32
	TimeoutSeconds      int32
	SuccessThreshold    int32
	FailureThreshold    int32
	// NeedsQuorum says that a readiness probe passes only once the member
	// has joined a quorum.
	NeedsQuorum bool
}

type HTTPProbe struct {
	Port   string
	Path   string
	Scheme string
}

type GRPCProbe struct {
	Port    string
	Service *string
}

// Config is the app's config files: shared by every member, or by role.
type Config struct {
	MountPath string
	Files     []File
	Roles     []Role
}

type File struct {
	Name    string
	Content string
}

// A Role holds what only the members of one role get.
type Role struct {
	Name  string
	Files []File
	Args  []string
	Env   []corev1.EnvVar
}

type Identity struct {
	IDBase    int
	MountPath string
	Image     string
}

type Services struct {
	Headless HeadlessService
	Read     ClientService
	// Primary is set for primary-replica apps only.
	Primary *ClientService
}

type HeadlessService struct {
	Name                     string
	PublishNotReadyAddresses bool
	Annotations              map[string]string
}

type ClientService struct {
	Name        string
	Type        corev1.ServiceType
	Annotations map[string]string
}

// NetworkPolicy says whether stsgen emits a NetworkPolicy, and which
// ingress rules the user adds to its own.
type NetworkPolicy struct {
	Enabled bool
	Ingress []networkingv1.NetworkPolicyIngressRule
}

type Disruption struct {
	MaxUnavailable             *IntOrPercent
	MinAvailable               *IntOrPercent
	UnhealthyPodEvictionPolicy string
}

// IntOrPercent is a count of pods or a percentage of the replicas.
type IntOrPercent struct {
	Value   int32
	Percent bool
}

func (x *IntOrPercent) String() string {
	if x.Percent {
		return fmt.Sprintf("%d%%", x.Value)
	}
	return strconv.Itoa(int(x.Value))
}

// scaled is the count of pods x stands for out of n, a percentage rounded
// up as the disruption controller does.
func (x *IntOrPercent) Scaled(n int32, roundUp bool) int32 {
	if !x.Percent {
		return x.Value
	}
	v := x.Value * n
	if roundUp {
		return (v + 99) / 100
	}
	return v / 100
}

func (x *IntOrPercent) IntOrString() *intstr.IntOrString {
	if x == nil {
		return nil
	}
	v := intstr.FromInt32(x.Value)
	if x.Percent {
		v = intstr.FromString(x.String())
	}
	return &v
}

type UpdateStrategy struct {
	Type           string
	Partition      *int32
	MaxUnavailable *intstr.IntOrString
}

type Spread struct {
	Mode        string
	TopologyKey string
}

// A Peer is one member's stable identity, as the schema computes it.
type Peer struct {
	Index   int    `json:"index"`
	Ordinal int    `json:"ordinal"`
	ID      int    `json:"id"`
	Pod     string `json:"pod"`
	Host    string `json:"host"`
	FQDN    string `json:"fqdn"`
	Role    string `json:"role"`
}

// Decode validates every package's apps against the schema and turns each
// app into a Spec. Apps that fail the schema are reported and left out;
// apps with fields that fail to decode (a bad quantity, say) are reported
// and returned, so that the checks can report the rest.
func Decode(pkgs []Package) ([]*Spec, diag.Diagnostics) {
	var specs []*Spec
	var ds diag.Diagnostics
	seen := map[string]cue.Value{}
	for _, pkg := range pkgs {
		schemas := &topologySchemas{app: pkg.App}
		apps, err := pkg.apps()
		if err != nil {
			ds = append(ds, diag.SchemaErrors(err)...)
			continue
		}
		for _, av := range apps {
			name := av.Path().Selectors()[1].Unquoted()
			if prev, ok := seen[name]; ok {
				ds = append(ds, diag.Diagnostic{
					Path:    AppPath(name),
					Message: "app defined in two packages; app names must be unique across the packages built together",
					Pos:     append(ValuePositions(av)[:1], ValuePositions(prev)[:1]...),
				})
				continue
			}
			seen[name] = av
			unknown := unknownFields(pkg.Raw.LookupPath(av.Path()), schemas.forApp(av))
			ds = append(ds, unknown...)
			if err := av.Validate(cue.Concrete(true)); err != nil {
				// A field the user left out has only the schema's position;
				// point at the app as well, where it is to be written.
				cds := slices.DeleteFunc(diag.SchemaErrors(err), func(d diag.Diagnostic) bool {
					// An unknown field explains the errors of the fields
					// that hold it, such as a failed int | #Port.
					return slices.ContainsFunc(unknown, func(u diag.Diagnostic) bool {
						return u.Path == d.Path || strings.HasPrefix(u.Path, d.Path+".")
					})
				})
				for i := range cds {
					if cds[i].Message == diag.MsgUnknownField {
						// stsgen's schema allows it (the walk above found
						// nothing): a definition of the user's closes it out.
						cds[i].Message = "not allowed here: stsgen's schema has this field, but a #definition of yours closes the struct it is in (a definition closes every struct in it); declare the field there, or make the template a hidden field (_template: {...}) instead of a definition"
					}
					if len(cds[i].Pos) == 0 || diag.IsSchemaFile(cds[i].Pos[0].Filename()) {
						cds[i].Pos = append(nearestPos(pkg.Raw, cds[i].Path, av), cds[i].Pos...)
					}
				}
				ds = append(ds, cds...)
				// Check the rest of the app too, as if the fields in
				// error were left out, so that every problem shows at once.
				if s, sds := repairedSpec(pkg, av, unknown); s != nil {
					ds = append(ds, sds...)
					specs = append(specs, s)
				}
				continue
			}
			if len(unknown) > 0 {
				if s, sds := repairedSpec(pkg, av, unknown); s != nil {
					ds = append(ds, sds...)
					specs = append(specs, s)
				}
				continue
			}
			// An app whose fields failed to decode is still checked, so that
			// every problem is reported at once; Compile builds nothing.
			s, sds := decodeApp(av)
			s.Source.Raw = pkg.Raw.LookupPath(av.Path())
			ds = append(ds, sds...)
			specs = append(specs, s)
		}
	}
	return specs, ds
}

// apps returns the values of the package's apps to decode.
func (pkg Package) apps() ([]cue.Value, error) {
	apps := pkg.Root.LookupPath(cue.MakePath(cue.Str(schema.AppsField)))
	var out []cue.Value
	if pkg.Apps != nil {
		for _, n := range pkg.Apps {
			out = append(out, apps.LookupPath(cue.MakePath(cue.Str(n))))
		}
		return out, nil
	}
	iter, err := apps.Fields()
	if err != nil {
		return nil, err
	}
	for iter.Next() {
		out = append(out, iter.Value())
	}
	return out, nil
}

// repairedSpec decodes an app that has schema errors from its fields that
// have none, the others left to their defaults, and returns what decoding
// found in the fields it kept; the checks stay silent about the fields
// left out. It returns nil when the app cannot be repaired.
func repairedSpec(pkg Package, av cue.Value, unknown diag.Diagnostics) (*Spec, diag.Diagnostics) {
	raw := pkg.Raw.LookupPath(av.Path())
	name := av.Path().Selectors()[1]
	r := pkg.App.FillPath(cue.MakePath(cue.Str("name")), name.Unquoted())
	var left []string
	skip := map[string]bool{}
	for _, u := range unknown {
		skip[u.Path] = true
	}
	var walk func(rel []cue.Selector)
	walk = func(rel []cue.Selector) {
		iter, err := raw.LookupPath(cue.MakePath(rel...)).Fields()
		if err != nil {
			return
		}
		for iter.Next() {
			sels := append(slices.Clone(rel), iter.Selector())
			path := cue.MakePath(sels...)
			full := cue.MakePath(append(av.Path().Selectors(), sels...)...).String()
			if skip[full] {
				continue
			}
			v := av.LookupPath(path)
			if v.Validate(cue.Concrete(true)) == nil && !slices.ContainsFunc(unknown, func(u diag.Diagnostic) bool { return strings.HasPrefix(u.Path, full+".") }) {
				// Fill the value's data, not the value: its expressions may
				// refer to the app in error (apps.x.primary) and carry the
				// error along. Positions come from raw (see checker.positions).
				if data, err := v.MarshalJSON(); err == nil {
					r = r.FillPath(path, r.Context().CompileBytes(data))
					continue
				}
			}
			if kindOf(raw.LookupPath(path)) == cue.StructKind && v.IncompleteKind()&cue.ListKind == 0 {
				walk(sels)
				continue
			}
			left = append(left, full)
		}
	}
	walk(nil)
	if r.Validate(cue.Concrete(true)) != nil {
		return nil, nil
	}
	// Give the repaired app its place, so that paths read apps.<name>.
	r = pkg.App.Context().CompileString("{}").FillPath(av.Path(), r).LookupPath(av.Path())
	s, ds := decodeApp(r)
	for i := range ds {
		// The repaired value holds data without positions; the user's
		// are in raw.
		ds[i].Pos = nearestPos(pkg.Raw, ds[i].Path, av)
	}
	s.Source.Raw = raw
	s.Source.left = left
	s.Source.repaired = true
	return s, ds
}

// nearestPos is where the user wrote the closest field on path: for a
// field left out, where it is to be written (the list element, the claim),
// else the app.
func nearestPos(raw cue.Value, path string, app cue.Value) []token.Pos {
	sels := cue.ParsePath(path).Selectors()
	for n := len(sels); n > 2; n-- {
		if ps := ValuePositions(raw.LookupPath(cue.MakePath(sels[:n]...))); len(ps) > 0 && !diag.IsSchemaFile(ps[0].Filename()) {
			return ps[:1]
		}
	}
	return ValuePositions(app)[:1]
}

func AppPath(name string) string {
	return cue.MakePath(cue.Str(schema.AppsField), cue.Str(name)).String()
}

// decoder reads one app's value, collecting a diagnostic for everything it
// cannot turn into the Spec.
type decoder struct {
	v   cue.Value
	ds  diag.Diagnostics
	bad map[string]bool
}

func (d *decoder) lookup(sels ...string) cue.Value {
	return d.v.LookupPath(SelPath(sels...))
}

// selPath makes a path of field names; a decimal selector is a list index.
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

func (d *decoder) optInt32(sels ...string) *int32 {
	v := d.lookup(sels...)
	if !v.Exists() {
		return nil
	}
	i, err := v.Int64()
	if err != nil {
		return nil
	}
	n := int32(i)
	return &n
}

// intOrPercent reads a count or a percentage such as "50%".
func (d *decoder) intOrPercent(sels ...string) *IntOrPercent {
	v := d.lookup(sels...)
	if !v.Exists() {
		return nil
	}
	if kindOf(v) == cue.IntKind {
		n, _ := v.Int64()
		return &IntOrPercent{Value: int32(n)}
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

// strict decodes a CUE value into a Kubernetes type, refusing fields the
// type does not have.
func (d *decoder) strict(v cue.Value, into any) bool {
	data, err := v.MarshalJSON()
	if err != nil {
		d.ds = append(d.ds, diag.SchemaErrors(err)...)
		return false
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(into); err != nil {
		d.errorf(diag.RuleSchema, v, "%s", strings.TrimPrefix(err.Error(), "json: "))
		return false
	}
	return true
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
		for _, f := range fields(v.LookupPath(SelPath(part.name))) {
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
			if !d.strict(f.LookupPath(SelPath("valueFrom")), &src) {
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
	if e := v.LookupPath(SelPath("exec")); e.Exists() {
		p.Exec = d.strings(e)
	}
	if h := v.LookupPath(SelPath("http")); h.Exists() {
		p.HTTP = &HTTPProbe{}
		p.HTTP.Port, _ = h.LookupPath(SelPath("port")).String()
		p.HTTP.Path, _ = h.LookupPath(SelPath("path")).String()
		p.HTTP.Scheme, _ = h.LookupPath(SelPath("scheme")).String()
	}
	if t := v.LookupPath(SelPath("tcp")); t.Exists() {
		p.TCP, _ = t.String()
	}
	if g := v.LookupPath(SelPath("grpc")); g.Exists() {
		p.GRPC = &GRPCProbe{}
		p.GRPC.Port, _ = g.LookupPath(SelPath("port")).String()
		if s, err := g.LookupPath(SelPath("service")).String(); err == nil {
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
		if i, err := v.LookupPath(SelPath(f.name)).Int64(); err == nil {
			*f.into = int32(i)
		}
	}
	p.NeedsQuorum, _ = v.LookupPath(SelPath("needsQuorum")).Bool()
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
		if d.strict(iter.Value(), &c) {
			out = append(out, c)
		}
	}
	return out
}

func decodeApp(v cue.Value) (*Spec, diag.Diagnostics) {
	d := &decoder{v: v, bad: map[string]bool{}}
	s := &Spec{Source: &Source{Value: v, bad: d.bad}}
	s.Name = d.str("name")
	s.Namespace = d.str("namespace")
	s.ClusterDomain = d.str("clusterDomain")
	s.Image = d.str("image")
	if ver, ok := d.optStr("version"); ok {
		s.Version = ver
	} else {
		s.Version = ImageTag(s.Image)
	}
	if c := d.lookup("command"); c.Exists() {
		s.Command = d.strings(c)
	}
	if a := d.lookup("args"); a.Exists() {
		s.Args = d.strings(a)
	}
	s.Env = d.envMap(d.lookup("env"))
	if r := d.lookup("resources"); r.Exists() {
		s.Resources = d.resources(r)
	}
	if sc := d.lookup("securityContext"); sc.Exists() {
		s.SecurityContext = &corev1.SecurityContext{}
		d.strict(sc, s.SecurityContext)
	}
	if sc := d.lookup("podSecurityContext"); sc.Exists() {
		s.PodSecurityContext = &corev1.PodSecurityContext{}
		d.strict(sc, s.PodSecurityContext)
	}
	if l := d.lookup("lifecycle"); l.Exists() {
		s.Lifecycle = &corev1.Lifecycle{}
		d.strict(l, s.Lifecycle)
	}
	s.ServiceAccountName, _ = d.optStr("serviceAccountName")
	s.AutomountServiceAccountToken = d.boolean("automountServiceAccountToken")
	if p, ok := d.optStr("imagePullPolicy"); ok {
		s.ImagePullPolicy = corev1.PullPolicy(p)
	}
	s.Labels = d.stringMap("labels")
	s.Annotations = d.stringMap("annotations")

	s.Topology = Topology(d.str("topology"))
	s.Replicas = int32(d.int("replicas"))
	if s.Topology == Quorum {
		s.Quorum = int32(d.int("quorum"))
	}

	for _, f := range fields(d.lookup("ports")) {
		p := Port{Name: label(f), Protocol: corev1.ProtocolTCP}
		if kindOf(f) == cue.IntKind {
			n, _ := f.Int64()
			p.Port = int32(n)
		} else {
			n, _ := f.LookupPath(SelPath("port")).Int64()
			p.Port = int32(n)
			proto, _ := f.LookupPath(SelPath("protocol")).String()
			p.Protocol = corev1.Protocol(proto)
			if e := f.LookupPath(SelPath("expose")); e.Exists() {
				p.Expose = d.strings(e)
			}
		}
		if p.Expose == nil {
			p.Expose = []string{SvcHeadless, SvcRead}
			if s.Topology == PrimaryReplica {
				p.Expose = append(p.Expose, SvcPrimary)
			}
		}
		s.Ports = append(s.Ports, p)
	}

	for _, f := range fields(d.lookup("storage")) {
		c := Claim{Name: label(f)}
		if q, ok := d.quantity(f.LookupPath(SelPath("size"))); ok {
			c.Size = q
		}
		if cl, err := f.LookupPath(SelPath("class")).String(); err == nil {
			c.Class = &cl
		}
		for _, m := range d.strings(f.LookupPath(SelPath("accessModes"))) {
			c.AccessModes = append(c.AccessModes, corev1.PersistentVolumeAccessMode(m))
		}
		c.MountPath, _ = f.LookupPath(SelPath("mountPath")).String()
		c.SubPath, _ = f.LookupPath(SelPath("subPath")).String()
		s.Storage = append(s.Storage, c)
	}
	s.Retention = Retention{
		WhenDeleted: d.str("retention", "whenDeleted"),
		WhenScaled:  d.str("retention", "whenScaled"),
	}

	for _, f := range fields(d.lookup("volumes")) {
		vol := Volume{Name: label(f)}
		vol.MountPath, _ = f.LookupPath(SelPath("mountPath")).String()
		vol.ReadOnly, _ = f.LookupPath(SelPath("readOnly")).Bool()
		vol.SubPath, _ = f.LookupPath(SelPath("subPath")).String()
		var src map[string]any
		_ = f.Decode(&src)
		delete(src, "mountPath")
		delete(src, "readOnly")
		delete(src, "subPath")
		data, _ := json.Marshal(src)
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&vol.Source); err != nil {
			d.errorf(diag.RuleSchema, f, "not a Kubernetes volume source: %s; write e.g. emptyDir: {} or secret: secretName: \"...\"", strings.TrimPrefix(err.Error(), "json: "))
			continue
		}
		if len(src) != 1 {
			d.errorf(diag.RuleSchema, f, "a volume needs exactly one source, it has %d; write e.g. emptyDir: {} or secret: secretName: \"...\"", len(src))
			continue
		}
		s.Volumes = append(s.Volumes, vol)
	}

	s.Probes = Probes{
		Readiness: d.probe(d.lookup("probes", "readiness")),
		Liveness:  d.probe(d.lookup("probes", "liveness")),
		Startup:   d.probe(d.lookup("probes", "startup")),
	}

	s.Config.MountPath = d.str("config", "mountPath")
	s.Config.Files = d.files(d.lookup("config", "files"))
	for _, f := range fields(d.lookup("config", "roles")) {
		r := Role{Name: label(f)}
		r.Files = d.files(f.LookupPath(SelPath("files")))
		r.Args = d.strings(f.LookupPath(SelPath("args")))
		r.Env = d.envMap(f.LookupPath(SelPath("env")))
		s.Config.Roles = append(s.Config.Roles, r)
	}

	s.Identity = Identity{
		IDBase:    int(d.int("identity", "idBase")),
		MountPath: d.str("identity", "mountPath"),
		Image:     d.str("identity", "image"),
	}

	s.Services.Headless = HeadlessService{
		Name:                     d.str("services", "headless", "name"),
		PublishNotReadyAddresses: d.boolean("services", "headless", "publishNotReadyAddresses"),
		Annotations:              d.stringMap("services", "headless", "annotations"),
	}
	s.Services.Read = ClientService{
		Name:        d.str("services", "read", "name"),
		Type:        corev1.ServiceType(d.str("services", "read", "type")),
		Annotations: d.stringMap("services", "read", "annotations"),
	}
	if d.lookup("services", "primary").Exists() {
		s.Services.Primary = &ClientService{
			Name:        d.str("services", "primary", "name"),
			Type:        corev1.ServiceType(d.str("services", "primary", "type")),
			Annotations: d.stringMap("services", "primary", "annotations"),
		}
	}

	s.ServiceName = d.str("serviceName")
	s.Disruption.MaxUnavailable = d.intOrPercent("disruption", "maxUnavailable")
	s.Disruption.MinAvailable = d.intOrPercent("disruption", "minAvailable")
	s.Disruption.UnhealthyPodEvictionPolicy, _ = d.optStr("disruption", "unhealthyPodEvictionPolicy")

	s.NetworkPolicy.Enabled = d.boolean("networkPolicy", "enabled")
	for _, r := range listItems(d.lookup("networkPolicy", "ingress")) {
		var rule networkingv1.NetworkPolicyIngressRule
		if d.strict(r, &rule) {
			s.NetworkPolicy.Ingress = append(s.NetworkPolicy.Ingress, rule)
		}
	}

	s.PodManagementPolicy = d.str("podManagementPolicy")
	s.UpdateStrategy.Type = d.str("updateStrategy", "type")
	s.UpdateStrategy.Partition = d.optInt32("updateStrategy", "partition")
	if mu := d.lookup("updateStrategy", "maxUnavailable"); mu.Exists() {
		var x intstr.IntOrString
		if kindOf(mu) == cue.IntKind {
			n, _ := mu.Int64()
			x = intstr.FromInt32(int32(n))
		} else {
			str, _ := mu.String()
			x = intstr.FromString(str)
		}
		s.UpdateStrategy.MaxUnavailable = &x
	}
	s.MinReadySeconds = int32(d.int("minReadySeconds"))
	s.Recreate = d.boolean("recreate")
	s.OrdinalsStart = int32(d.int("ordinals", "start"))
	if t := d.lookup("terminationGracePeriodSeconds"); t.Exists() {
		n, _ := t.Int64()
		s.TerminationGracePeriodSeconds = &n
	}
	s.RevisionHistoryLimit = d.optInt32("revisionHistoryLimit")

	s.Spread = Spread{Mode: "preferred", TopologyKey: "kubernetes.io/hostname"}
	if sp := d.lookup("spread"); kindOf(sp) == cue.StringKind {
		s.Spread.Mode, _ = sp.String()
	} else {
		s.Spread.Mode = d.str("spread", "mode")
		s.Spread.TopologyKey = d.str("spread", "topologyKey")
	}

	s.InitContainers = d.containers(d.lookup("initContainers"))
	s.Sidecars = d.containers(d.lookup("sidecars"))

	s.Checks = map[diag.RuleID]diag.Severity{}
	for _, f := range fields(d.lookup("checks")) {
		level, _ := f.String()
		if sev, err := diag.ParseSeverity(level); err == nil {
			s.Checks[diag.RuleID(strings.ToUpper(label(f)))] = sev
		}
	}

	if err := d.lookup("peers").Decode(&s.Peers); err != nil {
		d.ds = append(d.ds, diag.SchemaErrors(err)...)
	}
	return s, d.ds
}

// imageTag returns the tag of an image reference, or "" for a digest-only
// or untagged reference.
func ImageTag(image string) string {
	if i := strings.IndexByte(image, '@'); i >= 0 {
		image = image[:i]
	}
	i := strings.LastIndexByte(image, ':')
	if i < 0 || strings.Contains(image[i:], "/") {
		return ""
	}
	return image[i+1:]
}

// userPositions returns the positions of v for a diagnostic: the user's own
// when v or an enclosing field below the app has one, else the schema's.
// app is the app's value, v a value at or below it.
func UserPositions(app, v cue.Value) []token.Pos {
	sels := v.Path().Selectors()
	base := len(app.Path().Selectors())
	for n := len(sels); n >= base; n-- {
		w := app.LookupPath(cue.MakePath(sels[base:n]...))
		if ps := ValuePositions(w); len(ps) > 0 && !diag.IsSchemaFile(ps[0].Filename()) {
			return ps[:1]
		}
	}
	return ValuePositions(v)
}

func ValuePositions(v cue.Value) []token.Pos {
	var ps []token.Pos
	if p := v.Pos(); p.IsValid() {
		ps = append(ps, p)
	}
	if _, xs := v.Expr(); len(xs) > 1 {
		for _, x := range xs {
			if p := x.Pos(); p.IsValid() {
				ps = append(ps, p)
			}
		}
	}
	return diag.UserFirst(ps)
}

// A Package is one loaded CUE package whose apps are unified with the schema.
type Package struct {
	// Dir is the package's directory.
	Dir string
	// Root is the package's value, apps bound to #App.
	Root cue.Value
	// Raw is the package's value as the user wrote it, without the schema.
	Raw cue.Value
	// App is the schema's #App, against which unknown fields are found.
	App cue.Value
	// Apps, when not nil, names the apps of Root to decode, in order; the
	// others are there only because these refer to them.
	Apps []string
}
