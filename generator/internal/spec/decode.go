package spec

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/token"
	"github.com/stsgen/stsgen/generator/diag"
	"github.com/stsgen/stsgen/schema"
)

// Decode validates the package's apps against the schema and turns each
// app into a Spec. What fails the schema is reported, and the app is
// decoded without it (repaired), so that the checks report the rest; apps
// with fields that fail to decode (a bad quantity, say) are reported and
// returned too. Neither kind is built. That app names
// are unique across packages is the pipeline's to check, which sees them
// all.
func Decode(pkg Package) ([]*Spec, diag.Diagnostics) {
	var specs []*Spec
	schemas := &topologySchemas{app: pkg.App}
	apps, ds, err := pkg.apps()
	if err != nil {
		return nil, diag.SchemaErrors(err)
	}
	for _, av := range apps {
		unknown := unknownFields(pkg.Raw.LookupPath(av.Path()), schemas.forApp(av))
		ds = append(ds, unknown...)
		if err := av.Validate(cue.Concrete(true)); err != nil {
			// A field the user left out has only the schema's position;
			// point at the app as well, where it is to be written.
			cds := slices.DeleteFunc(diag.SchemaErrors(err), func(d diag.Diagnostic) bool {
				return ExplainedByUnknown(d, unknown)
			})
			for i := range cds {
				if cds[i].Message == diag.MsgUnknownField {
					// The walk above found nothing here: most likely a
					// definition of the user's closes the field out.
					cds[i].Message = NotAllowed(schemas.forApp(av), cds[i].Path)
				}
				if strings.HasPrefix(cds[i].Message, "is an interpolation ") {
					// CUE says only that the value is missing: say what it
					// may be.
					if alts := allowed(schemas.forApp(av), strings.TrimPrefix(cds[i].Path, AppPath(lastLabel(av))+".")); len(alts) > 0 {
						cds[i].Message += "; it must give one of " + strings.Join(alts, ", ")
					}
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
	return specs, ds
}

// apps returns the values of the package's apps to decode.
func (pkg Package) apps() ([]cue.Value, diag.Diagnostics, error) {
	apps := pkg.Root.LookupPath(cue.MakePath(cue.Str(schema.AppsField)))
	var out []cue.Value
	var ds diag.Diagnostics
	if pkg.Apps != nil {
		for _, n := range pkg.Apps {
			v := apps.LookupPath(cue.MakePath(cue.Str(n)))
			if !v.Exists() {
				// The package has the field, the schema's apps not: it is
				// required (n!:) or optional (n?:), a constraint.
				ds = append(ds, diag.Diagnostic{
					Rule:    diag.RuleSchema,
					Path:    AppPath(n),
					Message: fmt.Sprintf("is a constraint (%[1]s!: or %[1]s?:), not an app; write %[1]s: {...}", n),
					Pos:     fieldPos(pkg.Raw.LookupPath(cue.MakePath(cue.Str(schema.AppsField))), n),
				})
				continue
			}
			out = append(out, v)
		}
		return out, ds, nil
	}
	iter, err := apps.Fields()
	if err != nil {
		return nil, nil, err
	}
	for iter.Next() {
		out = append(out, iter.Value())
	}
	return out, nil, nil
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
				// error along. Positions come from raw (see Source.Positions).
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

// AppPath is the CUE path of the app: apps.<name>.
func AppPath(name string) string {
	return cue.MakePath(cue.Str(schema.AppsField), cue.Str(name)).String()
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

// fieldPos is where the field name of the struct v is written, whatever
// kind of field it is.
func fieldPos(v cue.Value, name string) []token.Pos {
	iter, err := v.Fields(cue.Optional(true))
	if err != nil {
		return nil
	}
	for iter.Next() {
		if iter.Selector().Unquoted() == name {
			if ps := ValuePositions(iter.Value()); len(ps) > 0 {
				return ps[:1]
			}
		}
	}
	return nil
}

// allowed returns the values a field of the schema may take, quoted and
// sorted, when the schema lists them (an enum of strings); rel is the
// field's path inside the app.
func allowed(app cue.Value, rel string) []string {
	v := app.LookupPath(cue.ParsePath(rel))
	op, args := v.Expr()
	if op != cue.OrOp {
		return nil
	}
	var alts []string
	for _, a := range args {
		s, err := a.String()
		if err != nil {
			return nil
		}
		alts = append(alts, strconv.Quote(s))
	}
	slices.Sort(alts)
	return alts
}

// lastLabel is the label of v's last selector: an app's name.
func lastLabel(v cue.Value) string {
	sels := v.Path().Selectors()
	if len(sels) == 0 {
		return ""
	}
	return sels[len(sels)-1].Unquoted()
}
