package schema

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/format"
	"cuelang.org/go/cue/parser"
	"cuelang.org/go/cue/token"
	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite docs/fields.md")

// TestFieldsDoc keeps docs/fields.md what app.cue and the notes in
// testdata/fields.md make of it: the type and default of every field come
// from the schema, its description from the field's doc comment followed by
// the note, so the reference cannot drift from what stsgen checks; -update
// rewrites it.
func TestFieldsDoc(t *testing.T) {
	fields, docs := schemaFields(t)
	tmpl, err := os.ReadFile("testdata/fields.md")
	if err != nil {
		t.Fatal(err)
	}
	got, errs := renderFields(tmpl, fields, docs)
	for _, err := range errs {
		t.Error(err)
	}
	if len(errs) > 0 {
		return
	}
	const path = "../docs/fields.md"
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s (-want +got):\n%s\nrun go test ./schema -update to accept, after reading the diff", path, diff)
	}
}

// A field is one row of the reference: a leaf of #App or of another
// definition, a map, a definition that is not a struct, or a struct whose
// comment would otherwise be lost.
type field struct {
	path    string   // dotted; a pattern label is "*"; outside #App it starts with "#Def"
	label   string   // the last label as written, which a doc comment starts with
	typ     string   // the CUE type, defaults removed
	def     string   // the CUE default; "" when there is none
	fill    string   // what stands for a missing default: —, required, computed, {} or []
	typComp bool     // the type is computed by a comprehension
	defComp bool     // the default is computed by a comprehension
	conds   []string // the conditions of the if clauses around the field
	doc     string
	refs    []string // the definitions the type names
}

// schemaFields parses app.cue as the binary embeds it.
func schemaFields(t *testing.T) ([]*field, map[string]string) {
	t.Helper()
	src, err := FS.ReadFile("app.cue")
	if err != nil {
		t.Fatal(err)
	}
	fields, docs, err := parseFields("app.cue", src)
	if err != nil {
		t.Fatal(err)
	}
	return fields, docs
}

// parseFields lists the fields of a schema's definitions in the order the
// schema declares them, and the doc comments of its struct definitions.
func parseFields(name string, src []byte) ([]*field, map[string]string, error) {
	f, err := parser.ParseFile(name, src, parser.ParseComments)
	if err != nil {
		return nil, nil, err
	}
	w := &walker{lets: map[string]ast.Expr{}, docs: map[string]string{}}
	for _, d := range f.Decls {
		fd, ok := d.(*ast.Field)
		if !ok {
			continue
		}
		name := labelName(fd.Label)
		if !strings.HasPrefix(name, "#") {
			continue
		}
		prefix := name
		if name == "#App" {
			prefix = ""
		}
		if s, ok := fd.Value.(*ast.StructLit); ok && !isMap(s) {
			w.docs[name] = docText(fd)
			w.structFields(prefix, s, nil, "")
			continue
		}
		w.field("", fd, nil, "")
	}
	return w.out, w.docs, nil
}

type walker struct {
	lets map[string]ast.Expr // let clauses, shown as what they stand for
	out  []*field
	docs map[string]string // the doc comments of struct definitions
}

// structFields walks the declarations of a struct. doc is the comment of an
// enclosing comprehension, given to the field inside that has none.
func (w *walker) structFields(prefix string, s *ast.StructLit, conds []string, doc string) {
	// A let may be declared below the field that uses it.
	for _, d := range s.Elts {
		if d, ok := d.(*ast.LetClause); ok {
			w.lets[d.Ident.Name] = d.Expr
		}
	}
	for _, d := range s.Elts {
		switch d := d.(type) {
		case *ast.LetClause:
			w.lets[d.Ident.Name] = d.Expr
		case *ast.Comprehension:
			c := conds
			for _, cl := range d.Clauses {
				if ifc, ok := cl.(*ast.IfClause); ok {
					c = append(c[:len(c):len(c)], w.print(ifc.Condition, false))
				}
			}
			if v, ok := d.Value.(*ast.StructLit); ok {
				doc := ""
				if len(v.Elts) == 1 {
					doc = docText(d)
				}
				w.structFields(prefix, v, c, doc)
			}
		case *ast.Field:
			w.field(prefix, d, conds, doc)
		}
	}
}

func (w *walker) field(prefix string, fd *ast.Field, conds []string, inherited string) {
	name := labelName(fd.Label)
	path := join(prefix, name)
	optional := fd.Constraint == token.OPTION
	doc := docText(fd)
	if doc == "" {
		doc = inherited
	}
	if s, ok := fd.Value.(*ast.StructLit); ok && !optional && !isMap(s) && hasFields(s) {
		// A struct's fields have rows; the struct has one of its own only
		// to carry its comment.
		if doc != "" {
			w.out = append(w.out, &field{path: path, label: name, typ: w.print(s, true), conds: conds, doc: doc})
		}
		w.structFields(path, s, conds, "")
		return
	}
	f := &field{path: path, label: name, conds: conds, doc: doc}
	w.out = append(w.out, f)

	var children *ast.StructLit
	disjuncts := split(fd.Value, token.OR)
	var typ []string
	for _, d := range disjuncts {
		if u, ok := d.(*ast.UnaryExpr); ok && u.Op == token.MUL {
			f.defComp = w.computed(u.X)
			if !f.defComp {
				f.def = w.print(unparen(u.X), false)
			}
			if keepDefault(u.X, disjuncts) {
				typ = append(typ, w.print(u.X, true))
			}
			continue
		}
		// A struct among other values is listed field by field when its
		// fields have defaults, which the rows show; else it is printed.
		abbrev := false
		if s, ok := d.(*ast.StructLit); ok && len(disjuncts) > 1 && hasFields(s) && !isMap(s) && hasDefaults(s) {
			children, abbrev = s, true
		}
		if s, ok := d.(*ast.StructLit); ok && isMap(s) {
			if v, ok := s.Elts[0].(*ast.Field).Value.(*ast.StructLit); ok && hasFields(v) {
				w.structFields(path+".*", v, conds, "")
			}
		}
		if hasComprehension(d) {
			f.typComp = true
			continue
		}
		typ = append(typ, w.print(d, abbrev))
		f.refs = append(f.refs, definitions(d)...)
	}
	f.typ = strings.Join(typ, " | ")
	switch {
	case f.typComp || isReference(fd.Value):
		f.fill = "computed"
	case prefix == "" && strings.HasPrefix(name, "#"):
		f.fill = "—"
	case optional:
		f.fill = "—"
	case isMapExpr(fd.Value):
		f.fill = "`{}`"
	case isOpenList(fd.Value):
		f.fill = "`[]`"
	default:
		f.fill = "required"
	}
	if children != nil {
		w.structFields(path, children, conds, "")
	}
}

// keepDefault says whether the default stays in the type: a literal does,
// unless another disjunct of its kind already admits it (*"x" | string is
// string); a computed default never does.
func keepDefault(x ast.Expr, disjuncts []ast.Expr) bool {
	if _, ok := x.(*ast.BasicLit); !ok {
		return false
	}
	k := kind(x)
	for _, d := range disjuncts {
		if u, ok := d.(*ast.UnaryExpr); ok && u.Op == token.MUL {
			continue
		}
		if _, ok := d.(*ast.BasicLit); ok {
			continue
		}
		if dk := kind(d); dk == k || dk == "number" && k == "int" {
			return false
		}
	}
	return true
}

// kind is the basic kind an expression admits, or "" when it is not plain.
func kind(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		switch e.Name {
		case "string", "int", "bool", "bytes":
			return e.Name
		case "number", "float":
			return "number"
		}
	case *ast.BasicLit:
		switch e.Kind {
		case token.INT:
			return "int"
		case token.FLOAT:
			return "number"
		case token.STRING:
			return "string"
		case token.TRUE, token.FALSE:
			return "bool"
		}
	case *ast.BinaryExpr:
		if e.Op == token.AND {
			if k := kind(e.X); k != "" {
				return k
			}
			return kind(e.Y)
		}
	case *ast.UnaryExpr:
		switch e.Op {
		case token.GEQ, token.LEQ, token.GTR, token.LSS:
			return "number"
		case token.MAT, token.NMAT:
			return "string"
		}
	case *ast.ParenExpr:
		return kind(e.X)
	}
	return ""
}

// print writes an expression on one line. top abbreviates a struct that is
// listed field by field: {mode, topologyKey}.
func (w *walker) print(e ast.Expr, top bool) string {
	switch e := e.(type) {
	case *ast.Ident:
		if x, ok := w.lets[e.Name]; ok {
			return w.print(x, false)
		}
		return e.Name
	case *ast.BasicLit:
		return e.Value
	case *ast.ParenExpr:
		return "(" + w.print(e.X, false) + ")"
	case *ast.UnaryExpr:
		return e.Op.String() + w.print(e.X, false)
	case *ast.BinaryExpr:
		return w.print(e.X, false) + " " + e.Op.String() + " " + w.print(e.Y, false)
	case *ast.SelectorExpr:
		return w.print(e.X, false) + "." + labelName(e.Sel)
	case *ast.IndexExpr:
		return w.print(e.X, false) + "[" + w.print(e.Index, false) + "]"
	case *ast.CallExpr:
		var args []string
		for _, a := range e.Args {
			args = append(args, w.print(a, false))
		}
		return w.print(e.Fun, false) + "(" + strings.Join(args, ", ") + ")"
	case *ast.Interpolation:
		var b strings.Builder
		for _, x := range e.Elts {
			b.WriteString(w.print(x, false))
		}
		return b.String()
	case *ast.Ellipsis:
		if e.Type == nil {
			return "..."
		}
		return "..." + w.print(e.Type, false)
	case *ast.ListLit:
		var elts []string
		for _, x := range e.Elts {
			elts = append(elts, w.print(x, false))
		}
		return "[" + strings.Join(elts, ", ") + "]"
	case *ast.Comprehension:
		return "…"
	case *ast.StructLit:
		if isMap(e) {
			p := e.Elts[0].(*ast.Field)
			v, _ := p.Value.(*ast.StructLit)
			return "{" + w.label(p.Label) + ": " + w.print(p.Value, v != nil && hasFields(v)) + "}"
		}
		var elts []string
		for _, d := range e.Elts {
			switch d := d.(type) {
			case *ast.Field:
				l := w.label(d.Label)
				if d.Constraint == token.OPTION {
					l += "?"
				}
				if top {
					elts = append(elts, l)
				} else {
					elts = append(elts, l+": "+w.print(d.Value, false))
				}
			case *ast.Ellipsis:
				elts = append(elts, "...")
			default:
				elts = append(elts, oneLine(d))
			}
		}
		return "{" + strings.Join(elts, ", ") + "}"
	}
	return oneLine(e)
}

func (w *walker) label(l ast.Label) string {
	if p, ok := l.(*ast.ListLit); ok && len(p.Elts) == 1 {
		if a, ok := p.Elts[0].(*ast.Alias); ok {
			return "[" + a.Ident.Name + "=" + w.print(a.Expr, false) + "]"
		}
		return "[" + w.print(p.Elts[0], false) + "]"
	}
	return labelName(l)
}

// oneLine formats what print does not take apart, on one line.
func oneLine(n ast.Node) string {
	b, err := format.Node(n)
	if err != nil {
		return fmt.Sprintf("%v", n)
	}
	return strings.Join(strings.Fields(string(b)), " ")
}

func labelName(l ast.Label) string {
	if _, ok := l.(*ast.ListLit); ok {
		return "*"
	}
	name, _, err := ast.LabelName(l)
	if err != nil {
		return oneLine(l)
	}
	return name
}

func join(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}

func unparen(e ast.Expr) ast.Expr {
	for {
		p, ok := e.(*ast.ParenExpr)
		if !ok {
			return e
		}
		e = p.X
	}
}

// split flattens a chain of one operator: a | b | c.
func split(e ast.Expr, op token.Token) []ast.Expr {
	if b, ok := e.(*ast.BinaryExpr); ok && b.Op == op {
		return append(split(b.X, op), split(b.Y, op)...)
	}
	return []ast.Expr{e}
}

// isMap says whether a struct holds nothing but one pattern: [string]: T.
func isMap(s *ast.StructLit) bool {
	if len(s.Elts) != 1 {
		return false
	}
	f, ok := s.Elts[0].(*ast.Field)
	if !ok {
		return false
	}
	_, ok = f.Label.(*ast.ListLit)
	return ok
}

func isMapExpr(e ast.Expr) bool {
	s, ok := e.(*ast.StructLit)
	return ok && isMap(s)
}

// isOpenList says whether e is [...T], which is [] unless given.
func isOpenList(e ast.Expr) bool {
	for _, c := range split(e, token.AND) {
		if l, ok := c.(*ast.ListLit); ok && len(l.Elts) == 1 {
			if _, ok := l.Elts[0].(*ast.Ellipsis); ok {
				return true
			}
		}
	}
	return false
}

// hasFields says whether a struct declares a field by name, so that its
// fields get rows of their own.
func hasFields(s *ast.StructLit) bool {
	for _, d := range s.Elts {
		switch d := d.(type) {
		case *ast.Field:
			if _, ok := d.Label.(*ast.ListLit); !ok {
				return true
			}
		case *ast.Comprehension:
			return true
		}
	}
	return false
}

// hasDefaults says whether a field of the struct has a default.
func hasDefaults(s *ast.StructLit) bool {
	for _, d := range s.Elts {
		if f, ok := d.(*ast.Field); ok {
			for _, x := range split(f.Value, token.OR) {
				if u, ok := x.(*ast.UnaryExpr); ok && u.Op == token.MUL {
					return true
				}
			}
		}
	}
	return false
}

// isReference says whether a field's value is another field's, as
// serviceName is services.headless.name.
func isReference(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.SelectorExpr:
		return true
	case *ast.Ident:
		return kind(e) == "" && !strings.HasPrefix(e.Name, "#")
	}
	return false
}

// computed reports whether a default is worked out from other fields
// (a comprehension, or a condition of && and ||, through the lets it
// names), and is then said in words in testdata/fields.md.
func (w *walker) computed(e ast.Expr) bool {
	found := false
	ast.Walk(e, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.Comprehension:
			found = true
		case *ast.BinaryExpr:
			found = found || n.Op == token.LAND || n.Op == token.LOR
		case *ast.Ident:
			if x, ok := w.lets[n.Name]; ok && x != e {
				found = found || w.computed(x)
			}
		}
		return !found
	}, nil)
	return found
}

func hasComprehension(e ast.Node) bool {
	found := false
	ast.Walk(e, func(n ast.Node) bool {
		if _, ok := n.(*ast.Comprehension); ok {
			found = true
		}
		return !found
	}, nil)
	return found
}

// definitions lists the definitions an expression names, in order.
func definitions(e ast.Node) []string {
	var defs []string
	ast.Walk(e, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && strings.HasPrefix(id.Name, "#") {
			defs = append(defs, id.Name)
		}
		return true
	}, nil)
	return defs
}

// docText is a node's doc comment on one line.
func docText(n ast.Node) string {
	for _, g := range ast.Comments(n) {
		if g.Position == 0 {
			return strings.Join(strings.Fields(g.Text()), " ")
		}
	}
	return ""
}
