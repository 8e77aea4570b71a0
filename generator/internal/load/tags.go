package load

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/build"
	"cuelang.org/go/cue/cuecontext"
	"cuelang.org/go/cue/errors"
	"cuelang.org/go/cue/literal"
	"cuelang.org/go/cue/load"
	"cuelang.org/go/cue/token"

	"github.com/stsgen/stsgen/generator/diag"
	"github.com/stsgen/stsgen/generator/internal/spec"
	"github.com/stsgen/stsgen/schema"
)

// Tags are injected as the cue command injects them (-t KEY=VALUE, or -t
// NAME for a short name): by cue/load, through load.Config.Tags, which
// also selects the files whose @if they satisfy. stsgen reads the @tag
// attributes only to say where a tag is and what to write when cue/load
// refuses one, and gives each injected value the position of its @tag, so
// that an error about the value points at it.

// cue/load's messages for a tag it cannot inject (cue/load/tags.go and
// internal/cli/cli.go), each naming the tag, the bad value first when it
// gives it; and the evaluator's for values of two kinds.
// cmd/stsgen/testdata/script/bad_tags.txtar fails when CUE rewords them.
const (
	cueNoTag        = "no tag for %q"
	cueShortUnused  = "tag %q not used in any file"
	cueBadNumber    = "invalid number for injection tag %q"
	cueBadInt       = "invalid int %q for injection tag %q"
	cueBadBool      = "invalid boolean %q for injection tag %q"
	cueBadTagType   = "invalid type for injection tag %q"
	cueMismatchType = "conflicting values %s and %s (mismatched types %s and %s)"
)

// A tagDecl is one @tag attribute of the packages loaded.
type tagDecl struct {
	key string
	// typ is the type= option: "string" (the default), "int", "number"
	// or "bool".
	typ    string
	shorts []string
	attr   *ast.Attribute
	field  *ast.Field
	// imported is the import path of the package holding it when that
	// package is imported by one built: CUE injects nothing there.
	imported string
}

// text is the attribute as written, with typ as its type.
func (t tagDecl) text(typ string) string {
	s := "@tag(" + t.key
	if typ != "" && typ != "string" {
		s += ",type=" + typ
	}
	if len(t.shorts) > 0 {
		s += ",short=" + strings.Join(t.shorts, "|")
	}
	return s + ")"
}

// parseTagAttr reads @tag(key,type=...,short=a|b) as cue/load does, for
// the words of a diagnostic; ok is false for an attribute cue/load
// refuses itself.
func parseTagAttr(a *ast.Attribute) (t tagDecl, ok bool) {
	_, body := a.Split()
	args := strings.Split(body, ",")
	t = tagDecl{key: strings.TrimSpace(args[0]), typ: "string", attr: a}
	if !ast.IsValidIdent(t.key) {
		return t, false
	}
	for _, arg := range args[1:] {
		k, v, _ := strings.Cut(strings.TrimSpace(arg), "=")
		switch strings.TrimSpace(k) {
		case "type":
			t.typ = strings.TrimSpace(v)
		case "short":
			for s := range strings.SplitSeq(v, "|") {
				t.shorts = append(t.shorts, strings.TrimSpace(s))
			}
		}
	}
	return t, true
}

// declaredTags lists the @tag attributes of the packages insts and of the
// packages they import.
func declaredTags(insts []*build.Instance) []tagDecl {
	var decls []tagDecl
	seen := map[*build.Instance]bool{}
	for _, top := range insts {
		for i, inst := range withImports(top) {
			if seen[inst] {
				continue
			}
			seen[inst] = true
			imported := ""
			if i > 0 {
				imported = inst.ImportPath
			}
			for _, f := range inst.Files {
				for _, t := range declaredTagsOf(f) {
					t.imported = imported
					decls = append(decls, t)
				}
			}
		}
	}
	return decls
}

// declaredTagsOf lists the @tag attributes of a file.
func declaredTagsOf(f *ast.File) []tagDecl {
	var decls []tagDecl
	ast.Walk(f, func(n ast.Node) bool {
		if field, ok := n.(*ast.Field); ok {
			for _, a := range field.Attrs {
				if a.Name() != "tag" {
					continue
				}
				if t, ok := parseTagAttr(a); ok {
					t.field = field
					decls = append(decls, t)
				}
			}
		}
		return true
	}, nil)
	return decls
}

// sets reports whether the -t argument flag sets t.
func (t tagDecl) sets(flag string) bool {
	if key, _, ok := strings.Cut(flag, "="); ok {
		return key == t.key
	}
	return slices.Contains(t.shorts, flag)
}

// wellFormed returns the -t arguments whose key, or short name, is a CUE
// identifier, as a @tag's must be, and reports the others.
func wellFormed(tags []string) ([]string, diag.Diagnostics) {
	var ok []string
	var ds diag.Diagnostics
	for _, t := range tags {
		key, _, _ := strings.Cut(t, "=")
		if !ast.IsValidIdent(key) {
			shown := t
			if t == "" {
				shown = `""`
			}
			ds = append(ds, diag.Diagnostic{Message: fmt.Sprintf("-t %s: write -t KEY=VALUE, or -t NAME for a short name, where KEY and NAME are names such as image, as in @tag(image)", shown)})
			continue
		}
		ok = append(ok, t)
	}
	return ok, ds
}

// A tagProblem is a -t argument that cue/load refused for a group.
type tagProblem struct {
	flag string
	// unused: no @tag of the group's packages takes it, nor an @if;
	// otherwise its value is not of the tag's type.
	unused bool
}

// loadGroup loads args from g.Dir, the tags of g injected, with the
// sources in overlay. A tag cue/load refuses is taken out, and the group
// loaded again without it, until none is refused: so that every refused
// tag is found, and so that a tag that only another group's packages
// declare is no error here. It returns g with the tags injected, the
// packages, and the tags refused.
func loadGroup(g Group, args []string, overlay map[string]load.Source) (Group, []*build.Instance, []tagProblem) {
	var problems []tagProblem
	for {
		insts := load.Instances(localArgs(g.Dir, args), &load.Config{Dir: g.Dir, Tags: g.tags, Overlay: overlay})
		p, ok := refusedTag(insts, g.tags)
		if !ok {
			g.injected = nil
			if len(g.tags) > 0 {
				g.injected = placeInjected(insts, g.tags)
			}
			return g, insts, problems
		}
		problems = append(problems, p)
		g.tags = slices.DeleteFunc(slices.Clone(g.tags), func(t string) bool { return t == p.flag })
	}
}

// refusedTag returns the tag of tags that cue/load refused in loading
// insts, if any. cue/load stops at the first, and reports it on every
// package.
func refusedTag(insts []*build.Instance, tags []string) (tagProblem, bool) {
	if len(tags) == 0 {
		return tagProblem{}, false
	}
	for _, inst := range insts {
		if inst.Err == nil {
			continue
		}
		for _, e := range errors.Errors(inst.Err) {
			format, args := e.Msg()
			name := func(i int) string {
				if i < len(args) {
					if s, ok := args[i].(string); ok {
						return s
					}
				}
				return ""
			}
			var find func(t string) bool
			unused := false
			switch format {
			case cueNoTag:
				unused = true
				find = func(t string) bool { k, _, ok := strings.Cut(t, "="); return ok && k == name(0) }
			case cueShortUnused:
				unused = true
				find = func(t string) bool { return t == name(0) }
			case cueBadInt, cueBadBool:
				find = func(t string) bool {
					k, v, _ := strings.Cut(t, "=")
					return k == name(1) && strings.TrimSpace(v) == strings.TrimSpace(name(0))
				}
			case cueBadNumber:
				find = func(t string) bool {
					k, v, ok := strings.Cut(t, "=")
					return ok && k == name(0) && literal.ParseNum(v, &literal.NumInfo{}) != nil
				}
			case cueBadTagType:
				find = func(t string) bool { k, _, ok := strings.Cut(t, "="); return ok && k == name(0) }
			default:
				continue
			}
			if i := slices.IndexFunc(tags, find); i >= 0 {
				return tagProblem{flag: tags[i], unused: unused}, true
			}
		}
	}
	return tagProblem{}, false
}

// An injection is a value -t set: the argument and the @tag that took it.
type injection struct {
	flag string
	// attr is where the @tag is: its file and offset, which every load of
	// the file shares.
	attr token.Position
	decl tagDecl
}

// injections are the values -t set in a group's packages.
type injections []injection

// placeInjected gives each value cue/load injected into insts the
// position of its @tag, so that CUE's errors about the value name it, and
// returns the injections.
func placeInjected(insts []*build.Instance, tags []string) injections {
	var injs injections
	for _, t := range declaredTags(insts) {
		if t.imported != "" {
			continue
		}
		var flags []string
		for _, f := range tags {
			if t.sets(f) {
				flags = append(flags, f)
			}
		}
		if len(flags) == 0 {
			continue
		}
		// cue/load made the field's value x & v, once per value.
		for x := t.field.Value; ; {
			b, ok := x.(*ast.BinaryExpr)
			if !ok || b.Op != token.AND || b.Y.Pos().IsValid() {
				break
			}
			ast.SetPos(b.Y, t.attr.Pos())
			x = b.X
		}
		for _, f := range flags {
			injs = append(injs, injection{flag: f, attr: t.attr.Pos().Position(), decl: t})
		}
	}
	return injs
}

// at returns the injections whose @tag is at one of ps.
func (injs injections) at(ps []token.Pos) injections {
	var out injections
	for _, inj := range injs {
		for _, p := range ps {
			if p.Filename() == inj.attr.Filename && p.Offset() == inj.attr.Offset {
				out = append(out, inj)
				break
			}
		}
	}
	return out
}

// flags is the -t arguments of injs, as the user wrote them.
func (injs injections) flags() string {
	var s []string
	for _, inj := range injs {
		s = append(s, "-t "+inj.flag)
	}
	return strings.Join(s, " ")
}

// Explain words the diagnostics of the unit's apps that concern a tag.
func (u *Unit) Explain(ds diag.Diagnostics) diag.Diagnostics {
	return explainTags(ds, u.Group.injected, u.Inst, sync.OnceValue(func() cue.Value {
		_, app, _ := compileSchema(cuecontext.New())
		return app
	}))
}

// explainTags words the diagnostics about tagged fields of inst: one
// about a value that -t set names the -t argument that set it, and says
// what the tag needs when the value is not of a kind the schema's #App,
// app, takes there (the field was declared in a template, say, out of
// the reach of againstSchema); a field that is required, and that has a
// @tag no -t set, says how to set it.
func explainTags(ds diag.Diagnostics, injs injections, inst *build.Instance, app func() cue.Value) diag.Diagnostics {
	var unset []tagDecl
	scanned := false
	for i, d := range ds {
		if at := injs.at(d.Pos); len(at) > 0 {
			if msg, bad := schemaMismatch(at[0], appField(app(), d.Path)); bad {
				ds[i].Message = msg
			} else if !strings.HasPrefix(d.Message, "-t ") {
				ds[i].Message = at.flags() + ": " + d.Message
			}
			continue
		}
		if !strings.HasPrefix(d.Message, diag.MsgRequired) {
			continue
		}
		if !scanned {
			scanned = true
			for _, t := range declaredTags([]*build.Instance{inst}) {
				if t.imported == "" && !slices.ContainsFunc(injs, func(inj injection) bool { return inj.decl.key == t.key }) {
					unset = append(unset, t)
				}
			}
		}
		for _, t := range unset {
			if t.holds(d.Pos) {
				ds[i].Message = fmt.Sprintf("%s; it has %s, so set it on the command line: %s", diag.MsgRequired, t.text(t.typ), t.usage())
				break
			}
		}
	}
	return ds
}

// holds reports whether one of ps lies in the tag's field.
func (t tagDecl) holds(ps []token.Pos) bool {
	start, end := t.field.Pos().Position(), t.field.End().Position()
	for _, p := range ps {
		if p.Filename() == start.Filename && p.Offset() >= start.Offset && p.Offset() < end.Offset {
			return true
		}
	}
	return false
}

// usage says how -t sets the tag.
func (t tagDecl) usage() string {
	var alts []string
	for _, s := range t.shorts {
		alts = append(alts, "-t "+s)
	}
	example := map[string]string{"int": "3", "number": "1.5", "bool": "true"}[t.typ]
	if example == "" {
		example = "VALUE"
	}
	alts = append(alts, "-t "+t.key+"="+example)
	return strings.Join(alts, " or ")
}

// mismatches takes from err CUE's errors about a value -t set that is not
// of the kind of the field it was set in, and says for each which type=
// the @tag needs; it returns the rest of err, or nil.
func (injs injections) mismatches(err error) (diag.Diagnostics, error) {
	if len(injs) == 0 {
		return nil, err
	}
	list := errors.Errors(err)
	type field struct {
		injs  injections
		kinds []string
		pos   []token.Pos
		other bool // an error not about the injected value's kind
	}
	byPath := map[string]*field{}
	var paths []string
	for _, e := range list {
		path := strings.Join(e.Path(), ".")
		f, ok := byPath[path]
		if !ok {
			f = &field{}
			byPath[path] = f
			paths = append(paths, path)
		}
		ps := errors.Positions(e)
		if len(ps) == 0 {
			continue // "2 errors in empty disjunction:" and the like
		}
		format, args := e.Msg()
		at := injs.at(ps)
		if format != cueMismatchType || len(at) == 0 || len(args) != 4 {
			f.other = true
			continue
		}
		// One of the two kinds is the value's, the other the field's.
		k1, k2 := fmt.Sprint(args[2]), fmt.Sprint(args[3])
		kind := k1
		if k1 == literalKind(at[0]) {
			kind = k2
		}
		f.kinds = append(f.kinds, kind)
		f.pos = append(f.pos, ps...)
		for _, inj := range at {
			if !slices.ContainsFunc(f.injs, func(i injection) bool { return i.flag == inj.flag }) {
				f.injs = append(f.injs, inj)
			}
		}
	}
	var ds diag.Diagnostics
	var rest errors.Error
	for _, e := range list {
		if f := byPath[strings.Join(e.Path(), ".")]; f.other || len(f.injs) == 0 {
			rest = errors.Append(rest, e)
		}
	}
	for _, path := range paths {
		f := byPath[path]
		if f.other || len(f.injs) == 0 {
			continue
		}
		inj := f.injs[0]
		pos := append([]token.Pos{inj.decl.attr.Pos()}, diag.UserFirst(f.pos)...)
		ds = append(ds, diag.Diagnostic{
			Path:    path,
			Message: fmt.Sprintf("%s sets %s, and the field is %s; %s", f.injs.flags(), describeFlag(inj), kindWords(f.kinds), tagFix(inj.decl, f.kinds)),
			Pos:     pos,
		})
	}
	if rest == nil {
		return ds, nil
	}
	return ds, rest
}

// againstSchema reports each value -t set in a field of an app whose kind
// the schema's #App, app, does not allow: CUE would find it only once it
// evaluates the app, and word it as a conflict with the schema.
func (injs injections) againstSchema(inst *build.Instance, app cue.Value) diag.Diagnostics {
	if len(injs) == 0 {
		return nil
	}
	var ds diag.Diagnostics
	for field, path := range fieldPaths(inst.Files) {
		if len(path) < 3 || path[0] != schema.AppsField {
			continue
		}
		var sels []cue.Selector
		for _, l := range path[2:] {
			sels = append(sels, cue.Str(l))
		}
		want := app.LookupPath(cue.MakePath(sels...))
		if !want.Exists() {
			continue
		}
		for _, inj := range injs {
			msg, bad := schemaMismatch(inj, want)
			if inj.decl.field != field || !bad {
				continue
			}
			var full []cue.Selector
			for _, l := range path {
				full = append(full, cue.Str(l))
			}
			ds = append(ds, diag.Diagnostic{
				Rule:    diag.RuleSchema,
				Path:    cue.MakePath(full...).String(),
				Message: msg,
				Pos:     append([]token.Pos{inj.decl.attr.Pos()}, diag.UserFirst(append([]token.Pos{field.Pos()}, want.Pos()))...),
			})
			break
		}
	}
	return ds.Sort()
}

// schemaMismatch says, when the schema's field want takes no value of the
// kind inj set, what the tag needs.
func schemaMismatch(inj injection, want cue.Value) (string, bool) {
	if !want.Exists() || want.IncompleteKind()&cueKind(inj) != 0 {
		return "", false
	}
	var kinds []string
	for _, k := range []cue.Kind{cue.IntKind, cue.FloatKind, cue.BoolKind, cue.StringKind, cue.StructKind, cue.ListKind} {
		if want.IncompleteKind()&k != 0 {
			kinds = append(kinds, k.String())
		}
	}
	return fmt.Sprintf("-t %s sets %s, and the field is %s; %s", inj.flag, describeFlag(inj), kindWords(kinds), tagFix(inj.decl, kinds)), true
}

// appField is the field of the schema's #App, app, at path, when path is
// within an app.
func appField(app cue.Value, path string) cue.Value {
	sels := cue.ParsePath(path).Selectors()
	if len(sels) < 3 || sels[0].String() != schema.AppsField {
		return cue.Value{}
	}
	return app.LookupPath(cue.MakePath(sels[2:]...))
}

// fieldPaths maps each field of files that has a @tag to its path, when
// every label on the way is a plain name.
func fieldPaths(files []*ast.File) map[*ast.Field][]string {
	paths := map[*ast.Field][]string{}
	for _, f := range files {
		var stack []string
		ast.Walk(f, func(n ast.Node) bool {
			field, ok := n.(*ast.Field)
			if !ok {
				return true
			}
			name, _, err := ast.LabelName(field.Label)
			if err != nil || field.Constraint != token.ILLEGAL || !ast.IsValidIdent(name) && strings.HasPrefix(name, "#") {
				name = ""
			}
			stack = append(stack, name)
			if slices.ContainsFunc(field.Attrs, func(a *ast.Attribute) bool { return a.Name() == "tag" }) && !slices.Contains(stack, "") {
				paths[field] = slices.Clone(stack)
			}
			return true
		}, func(n ast.Node) {
			if _, ok := n.(*ast.Field); ok {
				stack = stack[:len(stack)-1]
			}
		})
	}
	return paths
}

// cueKind is the kind of the value inj set.
func cueKind(inj injection) cue.Kind {
	switch literalKind(inj) {
	case "int":
		return cue.IntKind
	case "float":
		return cue.FloatKind
	case "bool":
		return cue.BoolKind
	}
	return cue.StringKind
}

// literalKind is the kind CUE gives the value inj set.
func literalKind(inj injection) string {
	switch inj.decl.typ {
	case "int", "bool":
		return inj.decl.typ
	case "number":
		_, v, _ := strings.Cut(inj.flag, "=")
		var info literal.NumInfo
		if literal.ParseNum(v, &info) == nil && info.IsInt() {
			return "int"
		}
		return "float"
	}
	return "string"
}

// describeFlag says what -t set: the string "5", the int 5.
func describeFlag(inj injection) string {
	v := inj.flag
	if _, val, ok := strings.Cut(inj.flag, "="); ok {
		v = val
	}
	switch inj.decl.typ {
	case "int", "number", "bool":
		return "the " + inj.decl.typ + " " + v
	}
	return "the string " + strconv.Quote(v)
}

// kindWords names the kinds a field takes: an int, a struct or a list.
func kindWords(kinds []string) string {
	var ws []string
	for _, k := range kinds {
		w := "a " + k
		if k == "int" {
			w = "an int"
		}
		if !slices.Contains(ws, w) {
			ws = append(ws, w)
		}
	}
	return strings.Join(ws, " or ")
}

// tagFix says how to declare a tag for a field of the kinds.
func tagFix(t tagDecl, kinds []string) string {
	for _, want := range []struct{ kind, typ string }{{"int", "int"}, {"float", "number"}, {"number", "number"}, {"bool", "bool"}, {"string", "string"}} {
		if slices.Contains(kinds, want.kind) {
			return "declare the tag as " + t.text(want.typ)
		}
	}
	return "a tag sets a string, a number or a bool: put " + t.text(t.typ) + " on such a field"
}

// tagDiagnostics words what was wrong with the tags of a run: problems
// cue/load found in one group or another, with the tags that groups
// declare and injected. A tag one group refused as unused is an error
// only when no group injected it, and only when the packages otherwise
// load: a file that does not parse may be the one that declares it.
func tagDiagnostics(groups []loadedGroup, problems []tagProblem) diag.Diagnostics {
	injected := map[string]bool{}
	var insts []*build.Instance
	loadErr := false
	for _, lg := range groups {
		for _, t := range lg.g.tags {
			injected[t] = true
		}
		insts = append(insts, lg.insts...)
		for _, inst := range lg.insts {
			loadErr = loadErr || inst.Err != nil
		}
	}
	var decls []tagDecl
	var ds diag.Diagnostics
	var done []string
	// The packages built, for a tag that could be declared in any.
	var pkgs []token.Pos
	for _, inst := range insts {
		pkgs = append(pkgs, instancePos(inst.Files)...)
	}
	for _, p := range problems {
		if slices.Contains(done, p.flag) || (p.unused && (injected[p.flag] || loadErr)) {
			continue
		}
		done = append(done, p.flag)
		if decls == nil {
			decls = declaredTags(insts)
		}
		ds = append(ds, tagProblemDiagnostic(p, decls, pkgs))
	}
	return ds
}

// tagProblemDiagnostic says what is wrong with one -t argument, and what
// to write instead.
func tagProblemDiagnostic(p tagProblem, decls []tagDecl, pkgs []token.Pos) diag.Diagnostic {
	key, value, isKV := strings.Cut(p.flag, "=")
	var built, imported []tagDecl
	for _, t := range decls {
		if t.imported != "" {
			imported = append(imported, t)
		} else {
			built = append(built, t)
		}
	}
	d := diag.Diagnostic{}
	say := func(ts []tagDecl, format string, args ...any) diag.Diagnostic {
		d.Message = "-t " + p.flag + ": " + fmt.Sprintf(format, args...)
		for _, t := range ts {
			d.Pos = append(d.Pos, t.attr.Pos())
		}
		return d
	}
	if !p.unused {
		ts := filter(built, func(t tagDecl) bool { return t.key == key })
		typ := "string"
		if len(ts) > 0 {
			typ = ts[0].typ
		}
		switch typ {
		case "int":
			return say(ts, "%s takes an integer, such as -t %s=3", ts[0].text(typ), key)
		case "number":
			return say(ts, "%s takes a number, such as -t %s=1.5", ts[0].text(typ), key)
		case "bool":
			return say(ts, "%s takes true or false, such as -t %s=true", ts[0].text(typ), key)
		}
		return say(ts, "cue cannot inject %q into @tag(%s)", value, key)
	}
	// What would have set it in an imported package.
	if ts := filter(imported, func(t tagDecl) bool { return t.sets(p.flag) }); len(ts) > 0 {
		t := ts[0]
		return say(ts, "%s is in %s, which the packages built import; CUE sets tags only in the packages it builds, so declare the @tag there, such as apps: <app>: %s: %s %s", t.text(t.typ), t.imported, fieldName(t), kindOf(t.typ), t.text(t.typ))
	}
	if isKV {
		if ts := filter(built, func(t tagDecl) bool { return slices.Contains(t.shorts, value) && t.key != key }); len(ts) > 0 && near(key, ts[0].key) {
			return say(ts[:1], "no @tag(%s) in the packages built; did you mean -t %s=%s?", key, ts[0].key, value)
		}
		if t, ok := nearest(key, built, func(t tagDecl) []string { return []string{t.key} }); ok {
			return say([]tagDecl{t}, "no @tag(%s) in the packages built; did you mean -t %s=%s?", key, t.key, value)
		}
		if len(built) > 0 {
			return say(firstOfEach(built), "no @tag(%s) in the packages built; their tags are %s", key, tagList(built))
		}
		d.Pos = pkgs
		return say(nil, "the packages built declare no @tag; declare one on the field to set, such as %s: %s @tag(%s%s)", key, guessKind(value), key, guessType(value))
	}
	if ts := filter(built, func(t tagDecl) bool { return t.key == p.flag }); len(ts) > 0 {
		return say(ts[:1], "%s takes a value; write %s", ts[0].text(ts[0].typ), ts[0].usage())
	}
	if t, ok := nearest(p.flag, built, func(t tagDecl) []string { return t.shorts }); ok {
		for _, s := range t.shorts {
			if near(p.flag, s) {
				return say([]tagDecl{t}, "no @tag has the short name %s, and no @if uses it; did you mean -t %s?", p.flag, s)
			}
		}
	}
	withShorts := filter(built, func(t tagDecl) bool { return len(t.shorts) > 0 })
	if len(withShorts) > 0 {
		t := withShorts[0]
		t.shorts = append(slices.Clip(t.shorts), p.flag)
		return say(withShorts, "no @tag has the short name %s, and no @if uses it; the short names are %s: use one, or declare it, as in %s", p.flag, shortList(withShorts), t.text(t.typ))
	}
	return say(nil, "no @tag has the short name %s, and no @if uses it; write -t KEY=%s for a @tag(KEY), or declare the short name, as in @tag(env,short=%s)", p.flag, p.flag, p.flag)
}

func filter(ts []tagDecl, keep func(tagDecl) bool) []tagDecl {
	var out []tagDecl
	for _, t := range ts {
		if keep(t) {
			out = append(out, t)
		}
	}
	return out
}

// near reports whether b is a likely misspelling of a.
func near(a, b string) bool {
	return spec.EditDistance(strings.ToLower(a), strings.ToLower(b)) <= 2
}

// nearest returns the tag with the name nearest to s among names(t), if
// any is near.
func nearest(s string, ts []tagDecl, names func(tagDecl) []string) (tagDecl, bool) {
	best, dist := tagDecl{}, 3
	for _, t := range ts {
		for _, n := range names(t) {
			if d := spec.EditDistance(strings.ToLower(s), strings.ToLower(n)); d < dist {
				best, dist = t, d
			}
		}
	}
	return best, dist < 3
}

// firstOfEach keeps the first @tag of each key.
func firstOfEach(ts []tagDecl) []tagDecl {
	var out []tagDecl
	for _, t := range ts {
		if !slices.ContainsFunc(out, func(o tagDecl) bool { return o.key == t.key }) {
			out = append(out, t)
		}
	}
	return out
}

func tagList(ts []tagDecl) string {
	var keys []string
	for _, t := range firstOfEach(ts) {
		keys = append(keys, t.key)
	}
	slices.Sort(keys)
	return strings.Join(keys, ", ")
}

func shortList(ts []tagDecl) string {
	var s []string
	for _, t := range ts {
		for _, n := range t.shorts {
			if !slices.Contains(s, n) {
				s = append(s, n)
			}
		}
	}
	slices.Sort(s)
	return strings.Join(s, ", ")
}

// fieldName is the label of the field a tag is on, or its key.
func fieldName(t tagDecl) string {
	if t.field != nil {
		if name, _, err := ast.LabelName(t.field.Label); err == nil {
			return name
		}
	}
	return t.key
}

// kindOf is the CUE type of a field a tag of the type sets.
func kindOf(typ string) string {
	if typ == "" {
		return "string"
	}
	return typ
}

// guessKind and guessType say what a field set by the value would be.
func guessKind(value string) string {
	switch guessType(value) {
	case ",type=int":
		return "int"
	case ",type=bool":
		return "bool"
	}
	return "string"
}

func guessType(value string) string {
	if _, err := strconv.Atoi(value); err == nil {
		return ",type=int"
	}
	if value == "true" || value == "false" {
		return ",type=bool"
	}
	return ""
}
