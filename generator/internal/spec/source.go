package spec

import (
	"slices"
	"strings"
	"sync"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/token"

	"github.com/stsgen/stsgen/generator/diag"
	"github.com/stsgen/stsgen/schema"
)

// A Source is where Decode found an app: its CUE values, and what decoding
// could not use. The checks read it to point at what the user wrote and to
// stay silent about fields already reported. A Spec built by hand has no
// Source; what the checks find in it carries paths but no positions.
type Source struct {
	// Value is the app's value, the schema applied; Raw is the app as the
	// user wrote it, without the schema.
	Value, Raw cue.Value
	// bad holds the paths that failed to decode and were reported; the
	// checks stay silent about them rather than report them twice.
	bad map[string]bool
	// left holds the fields of an app with schema errors that were left to
	// their defaults; the checks stay silent about them and what is below.
	left []string
	// repaired is set for an app rebuilt around its schema errors; it is
	// checked but never built.
	repaired bool

	// levels holds the positions of the fields Positions has looked at,
	// by their path below the app: finding them walks each value's
	// conjuncts, which for the app itself costs about as much as
	// evaluating it again, and every defaulted field climbs to it.
	mu     sync.Mutex
	levels map[string][]token.Pos
}

// Path is the CUE path of the app's field that sels names, such as
// apps.zk.replicas.
func (s *Spec) Path(sels ...string) string { return FieldPath(s.Name, sels...) }

// FieldPath is the CUE path of the field sels names in the app.
func FieldPath(app string, sels ...string) string {
	base := cue.MakePath(cue.Str(schema.AppsField), cue.Str(app)).Selectors()
	return cue.MakePath(append(base, SelPath(sels...).Selectors()...)...).String()
}

// Buildable reports whether every field of the app decoded, so that its
// objects can be built.
func (s *Spec) Buildable() bool {
	return s.Source == nil || !s.Source.repaired && len(s.Source.bad) == 0
}

// Silenced reports whether a finding at path would repeat one already
// reported: the field failed to decode, or was left to its default because
// of a schema error at or above it.
func (src *Source) Silenced(path string) bool {
	if src == nil {
		return false
	}
	return src.bad[path] || slices.ContainsFunc(src.left, func(l string) bool {
		return path == l || strings.HasPrefix(path, l+".")
	})
}

// FailedBelow reports whether a field at or below path failed to decode
// (and was reported by Decode).
func (src *Source) FailedBelow(path string) bool {
	if src == nil {
		return false
	}
	for p := range src.bad {
		if diag.Within(p, path) {
			return true
		}
	}
	return false
}

// Lookup returns the app's field that sels names, the schema applied, as
// Decode reads it: defaults taken.
func (src *Source) Lookup(sels ...string) cue.Value {
	if src == nil {
		return cue.Value{}
	}
	return get(src.Value, sels...)
}

// Wrote reports whether the user wrote the field sels names, rather than
// leaving it to a default.
func (src *Source) Wrote(sels ...string) bool {
	if src == nil {
		return false
	}
	v := src.Raw.LookupPath(SelPath(sels...))
	if !v.Exists() {
		return false
	}
	// A package that binds its apps to the imported schema has the
	// schema's defaults in its own value: they are not the user's.
	ps := ValuePositions(v)
	return len(ps) == 0 || slices.ContainsFunc(ps, func(p token.Pos) bool { return !diag.IsSchemaFile(p.Filename()) })
}

// Positions are the user's positions of the field sels names, or the
// app's own where the user wrote nothing at or below it.
func (src *Source) Positions(sels ...string) []token.Pos {
	if src == nil {
		return nil
	}
	v := src.Lookup(sels...)
	if src.repaired {
		// A repaired app holds the user's data, not their expressions.
		rel := v.Path().Selectors()[len(src.Value.Path().Selectors()):]
		v = src.Raw.LookupPath(cue.MakePath(rel...))
		if ps := ValuePositions(v); len(ps) > 0 && !diag.IsSchemaFile(ps[0].Filename()) {
			return ps[:1]
		}
	}
	ps := src.userPositions(v)
	if len(ps) > 0 && !diag.IsSchemaFile(ps[0].Filename()) {
		return ps
	}
	if app := ValuePositions(src.Raw); len(app) > 0 {
		return app[:1]
	}
	return ps
}

// userPositions is UserPositions(src.Value, v), each level's positions
// found once.
func (src *Source) userPositions(v cue.Value) []token.Pos {
	sels := v.Path().Selectors()
	base := len(src.Value.Path().Selectors())
	for n := len(sels); n >= base; n-- {
		rel := cue.MakePath(sels[base:n]...)
		key := rel.String()
		src.mu.Lock()
		ps, ok := src.levels[key]
		src.mu.Unlock()
		if !ok {
			w := src.Value.LookupPath(rel)
			if n == base && src.Raw.Exists() {
				// The app's own conjuncts are the user's and the
				// schema's; the user's, in the same order, are those of
				// the app as written, found without the schema's.
				w = src.Raw
			}
			ps = ValuePositions(w)
			src.mu.Lock()
			if src.levels == nil {
				src.levels = map[string][]token.Pos{}
			}
			src.levels[key] = ps
			src.mu.Unlock()
		}
		if len(ps) > 0 && !diag.IsSchemaFile(ps[0].Filename()) {
			return ps[:1]
		}
	}
	return ValuePositions(v)
}

// LabelPos is the position of the label of the field sels names, as the
// user wrote it, if they did.
func (src *Source) LabelPos(sels ...string) (token.Pos, bool) {
	if src == nil {
		return token.NoPos, false
	}
	if f, ok := src.Raw.LookupPath(SelPath(sels...)).Source().(*ast.Field); ok && f.Label != nil && f.Label.Pos().IsValid() {
		return f.Label.Pos(), true
	}
	return token.NoPos, false
}

// LinePos is where line n (from 1) of content, the string the field sels
// names, is written, when the user wrote it as one multi-line string
// literal, with or without interpolations, whose lines are content's lines
// one for one. Otherwise
// (a file from @embed, a string joined by an expression, escaped newlines)
// there is no such place and ok is false.
func (src *Source) LinePos(sels []string, content string, n int) (pos token.Pos, ok bool) {
	if src == nil || n < 1 {
		return token.NoPos, false
	}
	expr := src.Raw.LookupPath(SelPath(sels...)).Source()
	if f, ok := expr.(*ast.Field); ok {
		expr = f.Value
	}
	var parts []*ast.BasicLit
	switch x := expr.(type) {
	case *ast.BasicLit:
		parts = []*ast.BasicLit{x}
	case *ast.Interpolation:
		for _, e := range x.Elts {
			if l, ok := e.(*ast.BasicLit); ok {
				parts = append(parts, l)
			}
		}
	default:
		return token.NoPos, false
	}
	if len(parts) == 0 || !strings.HasPrefix(strings.TrimLeft(parts[0].Value, "#"), `"""`) && !strings.HasPrefix(strings.TrimLeft(parts[0].Value, "#"), `'''`) {
		return token.NoPos, false
	}
	// A multi-line literal opens with a newline after its quotes and ends
	// with the closing quotes on a line of their own: two newlines more
	// than its value has, unless escapes or interpolated values add lines.
	raw := 0
	for _, p := range parts {
		raw += strings.Count(p.Value, "\n")
	}
	if raw != strings.Count(content, "\n")+2 || n > strings.Count(content, "\n")+1 {
		return token.NoPos, false
	}
	seen := 0
	for _, p := range parts {
		if !p.Pos().IsValid() {
			return token.NoPos, false
		}
		for i := 0; i < len(p.Value); i++ {
			if p.Value[i] != '\n' {
				continue
			}
			if seen++; seen == n {
				// Skip the indentation the literal strips.
				j := i + 1
				for j < len(p.Value) && (p.Value[j] == ' ' || p.Value[j] == '\t') {
					j++
				}
				return p.Pos().Add(j), true
			}
		}
	}
	return token.NoPos, false
}
