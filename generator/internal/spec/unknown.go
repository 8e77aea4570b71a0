package spec

import (
	"fmt"
	"slices"
	"strings"

	"cuelang.org/go/cue"
	"github.com/stsgen/stsgen/generator/diag"
)

// unknownFields walks an app as the user wrote it (raw) beside the schema
// and reports every field the schema does not allow, with the closest
// allowed name. CUE reports such fields too, but not when the same app has
// other errors, so that a user would meet them only after fixing the rest.
// schema is #App for the app's topology (see topologySchemas).
func unknownFields(raw, schema cue.Value) diag.Diagnostics {
	if !schema.Exists() {
		return nil
	}

	var ds diag.Diagnostics
	var walk func(v, s cue.Value)
	walk = func(v, s cue.Value) {
		// A struct with an error inside has the bottom kind; its fields
		// can still be walked.
		k := v.IncompleteKind()
		if k == cue.BottomKind {
			k = cue.StructKind
		}
		switch {
		case k&cue.StructKind != 0:
			s = pick(s, cue.StructKind)
			if !s.Exists() || s.IncompleteKind()&cue.StructKind == 0 {
				// The schema has no struct here (a list): the value's
				// kind is wrong, which is CUE's to say, not its keys.
				return
			}
			iter, err := v.Fields(cue.Optional(true))
			if err != nil {
				return
			}
			for iter.Next() {
				sel := iter.Selector()
				if sel.IsDefinition() || sel.PkgPath() != "" {
					continue
				}
				if !s.Allows(sel) {
					path := iter.Value().Path().String()
					msg := UnknownMessage(sel.Unquoted(), s)
					if t, ok := topologyField(path); ok {
						msg = fmt.Sprintf("%s applies to topology: %q only; set the topology, or remove it", sel.Unquoted(), t)
					}
					if m, ok := PodFieldMessage(sel.Unquoted()); ok && len(cue.ParsePath(path).Selectors()) == 3 {
						msg = m
					}
					ds = append(ds, diag.Diagnostic{
						Rule:    diag.RuleSchema,
						Path:    path,
						Pos:     UserPositions(raw, iter.Value()),
						Message: msg,
					})
					continue
				}
				child := s.LookupPath(cue.MakePath(sel))
				if !child.Exists() {
					child = s.LookupPath(cue.MakePath(cue.AnyString))
				}
				walk(iter.Value(), child)
			}
		case k&cue.ListKind != 0:
			s = pick(s, cue.ListKind)
			elem := s.LookupPath(cue.MakePath(cue.AnyIndex))
			if !elem.Exists() {
				return
			}
			iter, err := v.List()
			if err != nil {
				return
			}
			for iter.Next() {
				walk(iter.Value(), elem)
			}
		}
	}
	walk(raw, schema)
	return ds
}

// UnknownFields reports every field of the app (its value as loaded) that
// #App (app) does not allow for the app's topology, as Decode does.
func UnknownFields(v, app cue.Value) diag.Diagnostics {
	return unknownFields(v, (&topologySchemas{app: app}).forApp(v))
}

// NotAllowed words CUE's "field not allowed" at path, a field of an app:
// an unknown field, with the field meant, when stsgen's schema (app, #App)
// has no such field; else a #definition of the user's closes it out.
func NotAllowed(app cue.Value, path string) string {
	sels := cue.ParsePath(path).Selectors()
	if len(sels) < 3 {
		return diag.MsgUnknownField
	}
	last := sels[len(sels)-1]
	parent, ok := schemaAt(app, sels[2:len(sels)-1])
	if !ok || last.Type() == cue.IndexLabel {
		return diag.MsgUnknownField
	}
	if parent = pick(parent, cue.StructKind); !parent.Exists() {
		return diag.MsgUnknownField
	}
	if parent.Allows(last) {
		return diag.MsgClosedByDefinition
	}
	return UnknownMessage(last.Unquoted(), parent)
}

// schemaAt returns the schema of the field at rel, a path inside the app,
// looking through disjunctions and patterns as unknownFields does.
func schemaAt(s cue.Value, rel []cue.Selector) (cue.Value, bool) {
	for _, sel := range rel {
		if sel.Type() == cue.IndexLabel {
			s = pick(s, cue.ListKind).LookupPath(cue.MakePath(cue.AnyIndex))
		} else {
			s = pick(s, cue.StructKind)
			if !s.Exists() || !s.Allows(sel) {
				return cue.Value{}, false
			}
			child := s.LookupPath(cue.MakePath(sel))
			if !child.Exists() {
				child = s.LookupPath(cue.MakePath(cue.AnyString))
			}
			s = child
		}
		if !s.Exists() {
			return cue.Value{}, false
		}
	}
	return s, true
}

// ExplainedByUnknown reports whether the diagnostic d is a consequence of
// one of the unknown fields: it is at one, inside one (its value is moot
// until the field is renamed or removed), or at a field that holds one,
// such as a failed int | #Port.
func ExplainedByUnknown(d diag.Diagnostic, unknown diag.Diagnostics) bool {
	return slices.ContainsFunc(unknown, func(u diag.Diagnostic) bool {
		return diag.Within(d.Path, u.Path) || diag.Within(u.Path, d.Path)
	})
}

// topologyField reports whether path names a field that only one topology
// has, and which.
func topologyField(path string) (Topology, bool) {
	sels := cue.ParsePath(path).Selectors()
	if len(sels) < 3 {
		return "", false
	}
	rest := cue.MakePath(sels[2:]...).String()
	switch rest {
	case "quorum":
		return Quorum, true
	case "primary", "services.primary":
		return PrimaryReplica, true
	case "seeds", "seedCount":
		return Leaderless, true
	}
	return "", false
}

// topologySchemas gives #App for an app's topology, computed once per
// topology: some fields exist only in one, and filling the topology in
// re-evaluates the whole definition.
type topologySchemas struct {
	app cue.Value
	m   map[string]cue.Value
}

func (t *topologySchemas) forApp(app cue.Value) cue.Value {
	topology, err := app.LookupPath(cue.MakePath(cue.Str("topology"))).String()
	if err != nil {
		return t.app
	}
	if v, ok := t.m[topology]; ok {
		return v
	}
	if t.m == nil {
		t.m = map[string]cue.Value{}
	}
	v := t.app.FillPath(cue.MakePath(cue.Str("topology")), topology)
	t.m[topology] = v
	return v
}

// pick returns the disjunct of s of the kind, or s itself.
func pick(s cue.Value, kind cue.Kind) cue.Value {
	op, args := s.Expr()
	if op != cue.OrOp {
		// A reference such as #PortValue: look at what it stands for.
		op, args = s.Eval().Expr()
	}
	if op == cue.OrOp {
		for _, a := range args {
			if a.IncompleteKind()&kind != 0 {
				return a
			}
		}
		return cue.Value{}
	}
	return s
}

// UnknownMessage says that name is not a field, and which field of s the
// user probably meant.
func UnknownMessage(name string, s cue.Value) string {
	var names []string
	iter, err := s.Fields(cue.Optional(true))
	if err == nil {
		for iter.Next() {
			if sel := iter.Selector(); !sel.IsDefinition() && sel.PkgPath() == "" {
				names = append(names, sel.Unquoted())
			}
		}
	}
	best, bestDist := "", 3
	for _, n := range names {
		if d := editDistance(strings.ToLower(name), strings.ToLower(n)); d < bestDist {
			best, bestDist = n, d
		}
	}
	if best != "" {
		return fmt.Sprintf("unknown field; did you mean %s?", best)
	}
	if len(names) > 0 && len(names) <= 12 {
		slices.Sort(names)
		return "unknown field; the fields here are " + strings.Join(names, ", ")
	}
	return diag.MsgUnknownField
}

// EditDistance is the Levenshtein distance between a and b, by which a
// name the user wrote is matched with the one meant.
func EditDistance(a, b string) int { return editDistance(a, b) }

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}
