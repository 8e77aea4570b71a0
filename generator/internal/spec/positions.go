package spec

import (
	"cuelang.org/go/cue"
	"cuelang.org/go/cue/token"
	"github.com/stsgen/stsgen/generator/diag"
)

// UserPositions returns the positions of v for a diagnostic: the user's own
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

// ValuePositions are the positions of v and of the values it was made
// of, the user's first.
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
