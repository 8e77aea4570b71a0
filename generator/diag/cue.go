package diag

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/errors"
	"cuelang.org/go/cue/parser"
	"cuelang.org/go/cue/token"
	"github.com/stsgen/stsgen/schema"
)

// FromCUE turns a CUE error into diagnostics: one per field path, with the
// user's positions and the most specific schema position, in words that say
// what to write instead where CUE's own are obscure.
func FromCUE(err error) Diagnostics {
	type group struct {
		path string
		errs []errors.Error
	}
	var groups []*group
	byPath := map[string]*group{}
	list := errors.Errors(err)
	if len(list) == 0 {
		// Not a CUE error: a file the loader could not read, say.
		return Diagnostics{{Message: err.Error()}}
	}
	for _, e := range list {
		path := cuePath(e.Path())
		g, ok := byPath[path]
		if !ok {
			g = &group{path: path}
			byPath[path] = g
			groups = append(groups, g)
		}
		g.errs = append(g.errs, e)
	}
	var ds Diagnostics
	for _, g := range groups {
		msg, pos := describe(g.errs)
		if strings.HasPrefix(msg, MsgRequired) {
			msg = required(g.path, msg)
		}
		if name, ok := strings.CutPrefix(msg, "reference "); ok && strings.HasSuffix(msg, " not found") {
			msg = unresolved(g.errs[0].Path(), strings.TrimSuffix(name, " not found"), msg)
		}
		if g.path == schema.AppsField && strings.Contains(msg, " is a ") {
			msg = "holds one struct per app, keyed by the app's name; write apps: zk: {image: \"zookeeper:3.9.2\", ...}"
		}
		ds = append(ds, Diagnostic{Path: g.path, Message: msg, Pos: pos})
	}
	return pruneDerived(ds)
}

// SchemaErrors is FromCUE for errors in an app's value: the rule is STS016.
func SchemaErrors(err error) Diagnostics {
	ds := FromCUE(err)
	for i := range ds {
		ds[i].Rule = RuleSchema
	}
	return ds
}

// describe summarises the errors CUE reports for one field.
func describe(errs []errors.Error) (string, []token.Pos) {
	var pos []token.Pos
	for _, e := range errs {
		pos = append(pos, errors.Positions(e)...)
	}
	pos = UserFirst(pos)
	if alts, value, ok := disjunction(errs); ok {
		return fmt.Sprintf("%s is not allowed; write one of %s", value, strings.Join(alts, ", ")), trimSchema(pos)
	}
	// A count or a percentage: int | =~"^[0-9]+%$".
	for _, e := range errs {
		var value string
		if m := msgOf(e); strings.HasSuffix(m, ` (out of bound =~"^[0-9]+%$")`) {
			fmt.Sscanf(m, "invalid value %s", &value)
			n := strings.Trim(value, `"`)
			return fmt.Sprintf("%s is neither a count nor a percentage; write %s or \"%s%%\"", value, strings.TrimSuffix(n, "%"), strings.TrimSuffix(n, "%")), trimSchema(pos)
		}
	}
	// The first error is CUE's most direct statement; an empty-disjunction
	// header says nothing by itself.
	// CUE reports a conflict with a default before the conflict with the
	// type; the last is the one that says what the field must be.
	e := errs[0]
	for _, x := range errs {
		if !strings.Contains(msgOf(x), "errors in empty disjunction") {
			e = x
		}
	}
	return translate(msgOf(e)), trimSchema(UserFirst(errors.Positions(e)))
}

func msgOf(e errors.Error) string {
	format, args := e.Msg()
	msg := fmt.Sprintf(format, args...)
	if msg == "" || strings.Contains(msg, "%!") {
		// A wrapped Go error, such as a file the loader could not open,
		// carries no message of its own.
		return e.Error()
	}
	// "import failed", "error in call to f" and "@embed" say why only in
	// the error they wrap.
	if msg == "import failed" || msg == "@embed" || msg == "invalid interpolation" || strings.HasPrefix(msg, "error in call to ") {
		var cause errors.Error
		if u := errors.Unwrap(e); msg == "@embed" && u != nil {
			// Its reason may wrap one of its own (a parse error).
			return msg + ": " + u.Error()
		} else if errors.As(u, &cause) {
			c := msgOf(cause)
			if msg == "invalid interpolation" && strings.HasPrefix(c, "conflicting values ") {
				// A conflict elsewhere (services.members: true) that an
				// interpolation depending on it (a peer's host) carries:
				// the conflict is the field's own error.
				return c
			}
			return msg + ": " + c
		} else if u != nil {
			return msg + ": " + u.Error()
		}
	}
	return msg
}

// disjunction recognises a value that matches none of an enum's members:
// CUE reports "conflicting values A and V" once per member A.
func disjunction(errs []errors.Error) (alts []string, value string, ok bool) {
	structForm := false
	defer func() {
		if ok && structForm {
			alts = append(alts, "or the struct form")
		}
	}()
	counts := map[string]int{}
	var pairs [][2]string
	for _, e := range errs {
		m := msgOf(e)
		if strings.Contains(m, "errors in empty disjunction") {
			continue
		}
		rest, found := strings.CutPrefix(m, "conflicting values ")
		if found && strings.HasSuffix(rest, "(mismatched types string and struct)") {
			// The struct form of an enum-or-struct field, such as spread.
			structForm = true
			continue
		}
		if !found || strings.Contains(rest, "(") {
			return nil, "", false
		}
		a, b, found := strings.Cut(rest, " and ")
		if !found {
			return nil, "", false
		}
		if slices.Contains(pairs, [2]string{a, b}) {
			continue // also carried by an interpolation (msgOf)
		}
		pairs = append(pairs, [2]string{a, b})
		counts[a]++
		counts[b]++
	}
	if len(pairs) < 2 {
		return nil, "", false
	}
	for v, n := range counts {
		if n == len(pairs) {
			value = v
		}
	}
	if value == "" {
		return nil, "", false
	}
	for _, p := range pairs {
		if p[0] == value {
			alts = append(alts, p[1])
		} else {
			alts = append(alts, p[0])
		}
	}
	return alts, value, true
}

func article(kind string) string {
	if strings.IndexByte("aeiou", kind[0]) >= 0 {
		return "an"
	}
	return "a"
}

// trimSchema keeps the user's positions and the last, most specific,
// position in the schema.
func trimSchema(ps []token.Pos) []token.Pos {
	var out []token.Pos
	var schema token.Pos
	for _, p := range ps {
		if slices.Contains(out, p) {
			continue
		}
		if IsSchemaFile(p.Filename()) {
			schema = p
		} else {
			out = append(out, p)
		}
	}
	if schema.IsValid() {
		out = append(out, schema)
	}
	return out
}

// derivedFields are computed by the schema from the user's fields; an error
// in one of them without a position of the user's is a consequence of an
// error reported at the field it derives from.
var derivedFields = []string{".peers", ".primary", ".quorum", ".serviceName", ".identity.image", ".replicas"}

func pruneDerived(ds Diagnostics) Diagnostics {
	derived := func(d Diagnostic) bool {
		if slices.ContainsFunc(d.Pos, func(p token.Pos) bool { return !IsSchemaFile(p.Filename()) }) {
			return false
		}
		i := strings.Index(d.Path, ".")
		if i < 0 {
			return false
		}
		// apps.<name>.<field>...: look past the app.
		rest := d.Path[i+1:]
		if j := strings.Index(rest, "."); j >= 0 {
			rest = rest[j:]
		}
		return slices.ContainsFunc(derivedFields, func(f string) bool {
			return Within(rest, f)
		})
	}
	// identity.image defaults to image: when both fail, report image.
	hasImage := slices.ContainsFunc(ds, func(d Diagnostic) bool {
		return strings.HasSuffix(d.Path, ".image") && !strings.HasSuffix(d.Path, ".identity.image")
	})
	kept := slices.DeleteFunc(slices.Clone(ds), func(d Diagnostic) bool {
		return derived(d) || hasImage && strings.HasSuffix(d.Path, ".identity.image")
	})
	if len(kept) == 0 {
		return ds
	}
	return kept
}

// unresolved says how to refer to a field of the app that CUE found no
// declaration of: CUE resolves a name only in the structs written around
// it, and the schema's fields (peers, quorum, a default) are not among
// them. Other names are left as CUE says them. path is the field in error,
// name the reference quoted.
func unresolved(path []string, name, msg string) string {
	field, err := strconv.Unquote(name)
	if err != nil || !appFields()[field] {
		return msg
	}
	app := "<name>"
	if len(path) > 1 && path[0] == schema.AppsField {
		app = path[1]
	}
	ref := schema.AppsField + "." + app + "." + field
	if app == "<name>" {
		ref += " with the app's name"
	}
	return fmt.Sprintf("%s; write %s: CUE looks a name up only in the structs written around it, and the app's fields from stsgen's schema are not among them", msg, ref)
}

// appFields are the names of #App's fields, those of every topology.
var appFields = sync.OnceValue(func() map[string]bool {
	fields := map[string]bool{}
	src, err := schema.FS.ReadFile("app.cue")
	if err != nil {
		return fields
	}
	f, err := parser.ParseFile(SchemaFile, src)
	if err != nil {
		return fields
	}
	var add func(decls []ast.Decl)
	add = func(decls []ast.Decl) {
		for _, d := range decls {
			switch d := d.(type) {
			case *ast.Field:
				if name, _, err := ast.LabelName(d.Label); err == nil {
					fields[name] = true
				}
			case *ast.Comprehension:
				if st, ok := d.Value.(*ast.StructLit); ok {
					add(st.Elts)
				}
			}
		}
	}
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.Field); ok {
			if name, _, _ := ast.LabelName(fd.Label); name == schema.AppDef {
				if st, ok := fd.Value.(*ast.StructLit); ok {
					add(st.Elts)
				}
			}
		}
	}
	return fields
})

// examples are what to write for the required fields users forget, by
// the field and, where the name alone is ambiguous, the field it is in.
var examples = []struct{ parent, field, example string }{
	{"", "image", `image: "postgres:17.2"`},
	{"", "size", `size: "10Gi"`},
	{"initContainers", "name", `name: "exporter"`},
	{"sidecars", "name", `name: "exporter"`},
	{"issuer", "name", `name: "ca-issuer"`},
	{"metrics", "port", `port: "metrics"`},
	{"leader", "label", `label: "role"`},
	{"ports", "port", `port: 5432`},
}

// MsgRequired starts the message of every field that is required and has
// no value.
const MsgRequired = "is required"

// required names the missing field and shows how to write it.
func required(path, msg string) string {
	field := path[strings.LastIndexAny(path, ".]")+1:]
	parents := strings.FieldsFunc(strings.TrimSuffix(path, field), func(r rune) bool { return r == '.' || r == '[' || r == ']' })
	for _, ex := range examples {
		if ex.field != field {
			continue
		}
		// The field's parent, or for ports.<name>.port and
		// sidecars[<i>].name the one above it.
		if ex.parent == "" || slices.Contains(lastN(parents, 2), ex.parent) {
			return MsgRequired + "; add " + ex.example
		}
	}
	return msg
}

// lastN returns the last n elements of xs, or all of them.
func lastN(xs []string, n int) []string { return xs[max(0, len(xs)-n):] }

// MsgUnknownField is what CUE's "field not allowed" says to users.
const MsgUnknownField = "unknown field; check its spelling against the spec reference in the README"

// MsgClosedByDefinition is what CUE's "field not allowed" says to users
// when stsgen's schema has the field: a definition of theirs closes it out.
const MsgClosedByDefinition = "not allowed here: stsgen's schema has this field, but a #definition of yours closes the struct it is in (a definition closes every struct in it); declare the field there, or make the template a hidden field (_template: {...}) instead of a definition"

// translate rewords the raw CUE messages that users find confusing.
func translate(msg string) string {
	var value, other, have, want, bound string
	if i := strings.LastIndex(msg, " (mismatched types "); i > 0 && strings.HasPrefix(msg, "conflicting values ") {
		if n, _ := fmt.Sscanf(msg[i:], " (mismatched types %s and %s", &have, &want); n == 2 {
			want = strings.TrimSuffix(want, ")")
			value, _, _ = strings.Cut(strings.TrimPrefix(msg[:i], "conflicting values "), " and ")
			return fmt.Sprintf("%s is %s %s; write %s %s", value, article(have), have, article(want), want)
		}
	}
	if n, _ := fmt.Sscanf(msg, "conflicting values %s and %s", &value, &other); n == 2 && !strings.Contains(msg, "(") {
		return fmt.Sprintf("is set to both %s and %s; set it in one place", other, value)
	}
	if strings.HasPrefix(msg, "import failed: ") && strings.Contains(msg, "no cue.mod/module.cue file") {
		return msg + "; stsgen applies its schema itself, so drop the import, or run stsgen schema --vendor DIR to make DIR a CUE module that holds it"
	}
	if n, _ := fmt.Sscanf(msg, "invalid interpolation: non-concrete value %s (type %s", &value, &bound); n == 2 {
		return fmt.Sprintf("is an interpolation of a value that has none yet (%s): give every value it interpolates a concrete value", value)
	}
	if msg == "invalid interpolation" {
		// What CUE keeps of it after evaluation says no more.
		return "is an interpolation that CUE cannot complete: make every value it interpolates a concrete string, number or bool"
	}
	if rest, ok := strings.CutPrefix(msg, "@embed: "); ok {
		return "@embed: " + embedFix(rest)
	}
	if msg == "illegal integer number" {
		// 0400, as chmod and YAML write a mode.
		return msg + ": an integer may not start with 0; CUE writes an octal number as 0o400"
	}
	if strings.HasPrefix(msg, "illegal character") {
		return msg + "; is this a CUE text file?"
	}
	if n, _ := fmt.Sscanf(msg, "invalid value %s (out of bound %s", &value, &bound); n == 2 {
		bound = strings.TrimSuffix(bound, ")")
		for _, b := range []struct{ op, words string }{{">=", "at least"}, {"<=", "at most"}, {">", "more than"}, {"<", "less than"}} {
			if rest, ok := strings.CutPrefix(bound, b.op); ok {
				return fmt.Sprintf("%s is out of range; write a value %s %s", value, b.words, rest)
			}
		}
	}
	if q, ok := strings.CutSuffix(strings.TrimPrefix(msg, "cue: "), " matched no packages"); ok {
		return fmt.Sprintf("no CUE files in %s", strings.Trim(q, `"`))
	}
	switch {
	case msg == "structural cycle":
		return "structural cycle: the value contains itself, so it would be infinite; refer to one of its fields instead"
	case strings.HasPrefix(msg, "unresolved disjunction"):
		return "has no single value: it refers to itself or to a field that has none; write a concrete value"
	case strings.HasPrefix(msg, "incomplete value "):
		return MsgRequired + " but has no value; add " + strings.TrimPrefix(msg, "incomplete value ") + " value"
	case msg == "field not allowed":
		return MsgUnknownField
	}
	return msg
}

// embedFix adds to CUE's reason for refusing an @embed what to write
// instead.
func embedFix(reason string) string {
	switch {
	case reason == "cannot refer to parent directory":
		return reason + "; an embedded file must lie in the directory of the file that embeds it or below, so move it there"
	case strings.HasPrefix(reason, "open ") && strings.ContainsAny(reason, "*?["):
		return reason + "; file= names one file: write @embed(glob=\"...\") to embed every file a pattern matches"
	case strings.HasPrefix(reason, "open ") && strings.HasSuffix(reason, "no such file or directory"):
		return reason + "; the path is relative to the directory of the file that embeds it"
	case strings.HasPrefix(reason, "invalid ") && strings.Contains(reason, " for file "):
		return reason + "; fix the file, or write type=text to embed it as a string"
	}
	return reason
}
