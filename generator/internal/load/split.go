package load

import (
	"bytes"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"

	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/ast/astutil"
	"cuelang.org/go/cue/build"
	"cuelang.org/go/cue/load"
	"cuelang.org/go/cue/token"
	"github.com/stsgen/stsgen/schema"
)

// A package of many apps is evaluated in pieces: each piece is the package
// with the other apps' declarations blanked out of its source, in a CUE
// context of its own. A piece costs what its apps cost, so the pieces run
// in parallel and the memory of one is freed before the next, where the
// whole package in one context keeps every app's graph alive to the end.
//
// Blanking replaces every byte of a declaration but line ends with spaces,
// so every position, and so every error message, is what the whole package
// gives. A piece keeps the apps its apps refer to (apps.db.name, or a
// sibling's bare name), and those that fields outside apps refer to.
// A package whose apps are not all plain fields of top-level apps structs,
// or that uses apps other than as apps.<name>, is evaluated whole.

// A Splitter knows where each app of a package is declared, and what it
// refers to.
type Splitter struct {
	files []*splitFile
	// deps holds the apps each app refers to; always the apps that
	// declarations outside apps refer to.
	deps   map[string][]string
	always []string
}

// A splitFile is one file of the package.
type splitFile struct {
	name string
	src  []byte
	// imports holds the names the file's imports are referred to by: a
	// piece keeps them referred to, since CUE refuses an unused import.
	imports []string
	// decls holds the byte ranges that declare each app.
	decls map[string][][2]int
}

// NewSplitter analyses the files of inst, whose apps are names, and
// returns nil when the package cannot be split.
func NewSplitter(inst *build.Instance, names []string) *Splitter {
	sp := &Splitter{deps: map[string][]string{}}
	isApp := map[string]bool{}
	for _, n := range names {
		isApp[n] = true
	}
	declared := map[string]bool{}
	srcs := sources(inst)
	for _, f := range inst.Files {
		src, ok := srcs[f.Filename]
		if !ok {
			return nil
		}
		sf := &splitFile{name: f.Filename, src: src, decls: map[string][][2]int{}}
		// owner maps each app's declaration to the app.
		owner := map[ast.Node]string{}
		// schemaImports holds the names the stsgen schema is imported as.
		schemaImports := map[string]bool{}
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.Package, *ast.CommentGroup, *ast.Attribute, *ast.LetClause:
			case *ast.ImportDecl:
				for _, s := range d.Specs {
					p, err := strconv.Unquote(s.Path.Value)
					if err != nil {
						return nil
					}
					name := ast.ParseImportPath(p).Qualifier
					if s.Name != nil {
						name = s.Name.Name
					}
					sf.imports = append(sf.imports, name)
					if ast.ParseImportPath(p).Path == schema.ImportPath {
						schemaImports[name] = true
					}
				}
			case *ast.Field:
				name, ok := staticLabel(d)
				if !ok {
					return nil
				}
				if name != schema.AppsField {
					continue
				}
				if schemaBinding(d.Value, schemaImports) {
					// apps: schema.#Apps binds every app, as stsgen does.
					continue
				}
				s, ok := d.Value.(*ast.StructLit)
				if !ok {
					return nil
				}
				if !s.Lbrace.IsValid() {
					// apps: db: {...}: the app is the whole field.
					if len(s.Elts) != 1 {
						return nil
					}
					f, ok := s.Elts[0].(*ast.Field)
					if !ok {
						return nil
					}
					app, ok := staticLabel(f)
					if !ok {
						return nil
					}
					sf.decls[app] = append(sf.decls[app], span(src, d))
					owner[f] = app
					declared[app] = true
					continue
				}
				for _, e := range s.Elts {
					switch e := e.(type) {
					case *ast.CommentGroup, *ast.Attribute:
					case *ast.Field:
						if _, pattern := e.Label.(*ast.ListLit); pattern {
							// [Name=string]: {...} constrains every app.
							continue
						}
						app, ok := staticLabel(e)
						if !ok {
							return nil
						}
						sf.decls[app] = append(sf.decls[app], span(src, e))
						owner[e] = app
						declared[app] = true
					default:
						return nil
					}
				}
			default:
				return nil
			}
		}
		if !sp.references(f, owner, isApp) {
			return nil
		}
		sp.files = append(sp.files, sf)
	}
	for _, n := range names {
		if !declared[n] {
			return nil
		}
	}
	return sp
}

// schemaBinding reports whether x is the stsgen schema's #Apps or #App,
// which constrain every app and declare none.
func schemaBinding(x ast.Expr, schemaImports map[string]bool) bool {
	sel, ok := x.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	id, ok := sel.X.(*ast.Ident)
	if !ok || !schemaImports[id.Name] {
		return false
	}
	name, _, err := ast.LabelName(sel.Sel)
	return err == nil && (name == schema.AppsDef || name == schema.AppDef)
}

// staticLabel returns the name of a regular field whose label is a plain
// identifier or string, without an alias.
func staticLabel(f *ast.Field) (string, bool) {
	if f.Alias != nil || f.Constraint != token.ILLEGAL {
		return "", false
	}
	switch f.Label.(type) {
	case *ast.Ident, *ast.BasicLit:
	default:
		return "", false
	}
	name, _, err := ast.LabelName(f.Label)
	return name, err == nil
}

// span returns the byte range of a declaration, with the comma that ends
// it, if any.
func span(src []byte, d ast.Node) [2]int {
	start, end := d.Pos().Offset(), d.End().Offset()
	i := end
	for i < len(src) && (src[i] == ' ' || src[i] == '\t') {
		i++
	}
	if i < len(src) && src[i] == ',' {
		end = i + 1
	}
	return [2]int{start, end}
}

// references records what each app of f refers to, and reports whether
// every reference to apps names an app.
func (sp *Splitter) references(f *ast.File, owner map[ast.Node]string, isApp map[string]bool) bool {
	ok := true
	var within []string
	refer := func(to string) {
		if len(within) == 0 {
			sp.always = append(sp.always, to)
			return
		}
		from := within[len(within)-1]
		if to != from && !slices.Contains(sp.deps[from], to) {
			sp.deps[from] = append(sp.deps[from], to)
		}
	}
	astutil.Apply(f, func(c astutil.Cursor) bool {
		n := c.Node()
		if app, found := owner[n]; found {
			within = append(within, app)
		}
		id, isIdent := n.(*ast.Ident)
		if !isIdent || !ok || declaration(c.Parent().Node(), id) {
			return true
		}
		if isApp[id.Name] {
			refer(id.Name)
		}
		if id.Name != schema.AppsField {
			return true
		}
		switch p := c.Parent().Node().(type) {
		case *ast.SelectorExpr:
			if p.X == id {
				if name, _, err := ast.LabelName(p.Sel); err == nil {
					refer(name)
					return true
				}
			}
		case *ast.IndexExpr:
			if lit, isLit := p.Index.(*ast.BasicLit); isLit && p.X == id && lit.Kind == token.STRING {
				if name, err := strconv.Unquote(lit.Value); err == nil {
					refer(name)
					return true
				}
			}
		}
		// apps used as a whole: every app may depend on every other.
		ok = false
		return false
	}, func(c astutil.Cursor) bool {
		if _, found := owner[c.Node()]; found {
			within = within[:len(within)-1]
		}
		return true
	})
	return ok
}

// declaration reports whether id, a child of parent, names something
// rather than refers to it.
func declaration(parent ast.Node, id *ast.Ident) bool {
	switch p := parent.(type) {
	case *ast.Field:
		return p.Label == id
	case *ast.SelectorExpr:
		return p.Sel == id
	case *ast.Alias:
		return p.Ident == id
	case *ast.LetClause:
		return p.Ident == id
	case *ast.ForClause:
		return p.Key == id || p.Value == id
	case *ast.ImportSpec, *ast.Package:
		return true
	case *ast.PostfixAlias:
		return true
	}
	return false
}

// Keep returns the apps a piece of names must hold: names, what they
// refer to, and what declarations outside apps refer to.
func (sp *Splitter) Keep(names []string) map[string]bool {
	keep := map[string]bool{}
	var add func(n string)
	add = func(n string) {
		if keep[n] {
			return
		}
		keep[n] = true
		for _, d := range sp.deps[n] {
			add(d)
		}
	}
	for _, n := range names {
		add(n)
	}
	for _, n := range sp.always {
		add(n)
	}
	return keep
}

// Overlay returns the package's files, as CUE first read them, with the
// apps not in keep blanked out, for load.Config.Overlay: reloading reads
// none of them again.
func (sp *Splitter) Overlay(keep map[string]bool) map[string]load.Source {
	ov := map[string]load.Source{}
	for _, f := range sp.files {
		var src []byte
		for app, spans := range f.decls {
			if keep[app] {
				continue
			}
			if src == nil {
				src = bytes.Clone(f.src)
			}
			for _, s := range spans {
				for i := s[0]; i < s[1]; i++ {
					if src[i] != '\n' {
						src[i] = ' '
					}
				}
			}
		}
		if src == nil {
			ov[f.name] = load.FromBytes(f.src)
			continue
		}
		// The file may no longer use an import: refer to each.
		for i, imp := range f.imports {
			src = fmt.Appendf(src, "\n_stsgenImport%d: %s", i, imp)
		}
		ov[f.name] = load.FromBytes(src)
	}
	return ov
}

// Reload loads the package of inst again, its files as overlay has them.
// It returns an error when the result is not the same package.
func Reload(g Group, inst *build.Instance, overlay map[string]load.Source) (*build.Instance, error) {
	var args []string
	if inst.User {
		for _, f := range inst.BuildFiles {
			args = append(args, f.Filename)
		}
	} else {
		rel, err := filepath.Rel(g.Dir, inst.Dir)
		if err != nil {
			return nil, err
		}
		args = []string{"./" + filepath.ToSlash(rel) + ":" + inst.PkgName}
	}
	// The packages it imports, as CUE first read them too.
	for _, imp := range withImports(inst)[1:] {
		for name, src := range sources(imp) {
			if _, ok := overlay[name]; !ok {
				overlay[name] = load.FromBytes(src)
			}
		}
	}
	// A tag whose @tag was blanked out sets nothing in the piece.
	_, insts, refused := loadGroup(g, args, overlay)
	if slices.ContainsFunc(refused, func(p tagProblem) bool { return !p.unused }) {
		return nil, fmt.Errorf("reloading %s: a tag is refused", inst.Dir)
	}
	if len(insts) != 1 || insts[0].Err != nil {
		return nil, fmt.Errorf("reloading %s: %d instances", inst.Dir, len(insts))
	}
	got := insts[0]
	if got.Dir != inst.Dir || got.PkgName != inst.PkgName || len(got.Files) != len(inst.Files) {
		return nil, fmt.Errorf("reloading %s: another package", inst.Dir)
	}
	for i, f := range got.Files {
		if f.Filename != inst.Files[i].Filename {
			return nil, fmt.Errorf("reloading %s: other files", inst.Dir)
		}
	}
	return got, nil
}
