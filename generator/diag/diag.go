package diag

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"cuelang.org/go/cue/token"
	"github.com/stsgen/stsgen/schema"
)

// Severity says whether a diagnostic stops a build.
type Severity int

const (
	Error Severity = iota
	Warning
	// Off silences a rule; no diagnostic carries it.
	Off
)

func (s Severity) String() string {
	switch s {
	case Warning:
		return "warning"
	case Off:
		return "off"
	}
	return "error"
}

// A Diagnostic is one problem found in the input: where it is and what to
// write instead.
type Diagnostic struct {
	Severity Severity
	// Rule is the id of the rule that found the problem; problems loading
	// the input have none.
	Rule RuleID
	// Path is the CUE field path, e.g. apps.zk.replicas.
	Path string
	// Pos holds the source positions, the user's first.
	Pos     []token.Pos
	Message string
}

// Diagnostics is a list of diagnostics; Sort orders and de-duplicates it.
type Diagnostics []Diagnostic

// Error prints the diagnostics as Print does, with file names as they
// are, so that a list of them can travel as an error.
func (ds Diagnostics) Error() string {
	var b strings.Builder
	ds.Print(&b, "")
	return strings.TrimSuffix(b.String(), "\n")
}

// Err returns the diagnostics as an error when one of them is an error,
// and nil otherwise: warnings alone do not fail.
func (ds Diagnostics) Err() error {
	if !ds.HasErrors() {
		return nil
	}
	return ds
}

// HasErrors reports whether any diagnostic is an error.
func (ds Diagnostics) HasErrors() bool {
	return slices.ContainsFunc(ds, func(d Diagnostic) bool { return d.Severity == Error })
}

// Sort orders the diagnostics by first position, then path and message,
// and drops exact repeats.
func (ds Diagnostics) Sort() Diagnostics {
	for i := range ds {
		ds[i].Pos = uniquePositions(ds[i].Pos)
	}
	slices.SortStableFunc(ds, compareDiagnostics)
	return slices.CompactFunc(ds, func(a, b Diagnostic) bool { return compareDiagnostics(a, b) == 0 })
}

func compareDiagnostics(a, b Diagnostic) int {
	if c := comparePos(firstPos(a), firstPos(b)); c != 0 {
		return c
	}
	return cmp.Or(
		cmp.Compare(a.Path, b.Path),
		cmp.Compare(a.Severity, b.Severity),
		cmp.Compare(a.Rule, b.Rule),
		cmp.Compare(a.Message, b.Message),
	)
}

// uniquePositions drops positions that repeat an earlier one's file, line
// and column, as when several values of one field come from one place.
func uniquePositions(ps []token.Pos) []token.Pos {
	var out []token.Pos
	for _, p := range ps {
		if !slices.ContainsFunc(out, func(q token.Pos) bool { return comparePos(p, q) == 0 }) {
			out = append(out, p)
		}
	}
	return out
}

func firstPos(d Diagnostic) token.Pos {
	if len(d.Pos) == 0 {
		return token.NoPos
	}
	return d.Pos[0]
}

// comparePos orders positions by file, line and column; positions without a
// file sort last so that located problems come first.
func comparePos(a, b token.Pos) int {
	switch {
	case a.IsValid() && !b.IsValid():
		return -1
	case !a.IsValid() && b.IsValid():
		return 1
	case !a.IsValid():
		return 0
	}
	return cmp.Or(
		cmp.Compare(a.Filename(), b.Filename()),
		cmp.Compare(a.Line(), b.Line()),
		cmp.Compare(a.Column(), b.Column()),
	)
}

// Print writes the diagnostics for people: the path, the message and the
// rule id on one line, then each position on its own indented line,
// relative to dir. Warnings say so first. Findings that differ only in
// their app, as apps stamped from one template give, are printed once, at
// the first app's path, with a last line that names the apps (see
// sameInApps); PrintJSON keeps one entry per app.
func (ds Diagnostics) Print(w io.Writer, dir string) {
	for _, g := range groupByApp(ds) {
		d := g[0].d
		prefix, suffix := "", ""
		if d.Severity == Warning {
			prefix = "warning: "
		}
		if d.Rule != "" {
			suffix = " [" + string(d.Rule) + "]"
		}
		if d.Path != "" {
			fmt.Fprintf(w, "%s%s: %s%s\n", prefix, d.Path, d.Message, suffix)
		} else {
			fmt.Fprintf(w, "%s%s%s\n", prefix, d.Message, suffix)
		}
		for _, p := range d.Pos {
			fmt.Fprintf(w, "    %s\n", relPos(p, dir))
		}
		if len(g) > 1 {
			fmt.Fprintf(w, "    %s\n", sameInApps(g))
		}
	}
}

// namedApps is how many apps a grouped finding names before it counts the
// rest.
const namedApps = 5

// sameInApps names the apps of a group of findings: all of them, or the
// first few and how many more.
func sameInApps(g []appFinding) string {
	var names []string
	for _, f := range g[:min(len(g), namedApps)] {
		names = append(names, f.app)
	}
	list := strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
	if len(g) > namedApps {
		list = fmt.Sprintf("%s and %d more", strings.Join(names, ", "), len(g)-namedApps)
	}
	return fmt.Sprintf("the same in %d apps: %s", len(g), list)
}

// An appFinding is a diagnostic and the app whose field it is at, if any.
type appFinding struct {
	d   Diagnostic
	app string
}

// groupByApp groups the diagnostics that share severity, rule, message,
// positions and the field inside their app, in the order of each group's
// first. A diagnostic outside apps is a group of its own.
func groupByApp(ds Diagnostics) [][]appFinding {
	type key struct {
		severity      Severity
		rule          RuleID
		rest, message string
		pos           string
	}
	var groups [][]appFinding
	index := map[key]int{}
	for _, d := range ds {
		app, rest, ok := splitApp(d.Path)
		if !ok {
			groups = append(groups, []appFinding{{d: d}})
			continue
		}
		k := key{severity: d.Severity, rule: d.Rule, rest: rest, message: d.Message}
		var pos strings.Builder
		for _, p := range d.Pos {
			fmt.Fprintf(&pos, "%s:%d:%d\n", p.Filename(), p.Line(), p.Column())
		}
		k.pos = pos.String()
		if i, ok := index[k]; ok {
			groups[i] = append(groups[i], appFinding{d, app})
			continue
		}
		index[k] = len(groups)
		groups = append(groups, []appFinding{{d, app}})
	}
	return groups
}

// splitApp splits the path of a field of an app, apps.<name>..., into the
// app's name and the rest of the path.
func splitApp(path string) (app, rest string, ok bool) {
	s, ok := strings.CutPrefix(path, schema.AppsField+".")
	if !ok || s == "" {
		return "", "", false
	}
	if s[0] == '"' {
		q, err := strconv.QuotedPrefix(s)
		if err != nil {
			return "", "", false
		}
		name, err := strconv.Unquote(q)
		return name, s[len(q):], err == nil
	}
	if i := strings.IndexAny(s, ".["); i >= 0 {
		return s[:i], s[i:], true
	}
	return s, "", true
}

// jsonDiagnostic is the --format json form of a diagnostic.
type jsonDiagnostic struct {
	Severity  string         `json:"severity"`
	Rule      string         `json:"rule,omitempty"`
	Title     string         `json:"title,omitempty"`
	Path      string         `json:"path,omitempty"`
	Message   string         `json:"message"`
	Positions []jsonPosition `json:"positions"`
}

type jsonPosition struct {
	File   string `json:"file"`
	Line   int    `json:"line"`
	Column int    `json:"column"`
}

// PrintJSON writes the diagnostics as one JSON object:
// {"diagnostics": [...], "errors": N, "warnings": N}. File names are
// relative to dir as in Print; title, when set, gives each rule's title.
func (ds Diagnostics) PrintJSON(w io.Writer, dir string, title func(RuleID) string) error {
	out := struct {
		Diagnostics []jsonDiagnostic `json:"diagnostics"`
		Errors      int              `json:"errors"`
		Warnings    int              `json:"warnings"`
	}{Diagnostics: []jsonDiagnostic{}}
	for _, d := range ds {
		jd := jsonDiagnostic{Severity: d.Severity.String(), Rule: string(d.Rule), Path: d.Path, Message: d.Message, Positions: []jsonPosition{}}
		if title != nil && d.Rule != "" {
			jd.Title = title(d.Rule)
		}
		for _, p := range d.Pos {
			jd.Positions = append(jd.Positions, jsonPosition{File: relFile(p, dir), Line: p.Line(), Column: p.Column()})
		}
		out.Diagnostics = append(out.Diagnostics, jd)
		if d.Severity == Warning {
			out.Warnings++
		} else {
			out.Errors++
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// relPos prints a position the way cue does: relative to dir with a leading
// ./ when the file is below it.
func relPos(p token.Pos, dir string) string {
	return fmt.Sprintf("%s:%d:%d", relFile(p, dir), p.Line(), p.Column())
}

func relFile(p token.Pos, dir string) string { return Rel(dir, p.Filename()) }

// Rel names a file as the user does, as cue does: relative to dir, with a
// leading ./, when it lies below dir; as it is otherwise.
func Rel(dir, name string) string {
	if dir != "" && filepath.IsAbs(name) {
		if rel, err := filepath.Rel(dir, name); err == nil && !strings.HasPrefix(rel, "..") {
			return "." + string(filepath.Separator) + rel
		}
	}
	return name
}

// Within reports whether the CUE path p is prefix or a field below it.
func Within(p, prefix string) bool {
	return p == prefix || strings.HasPrefix(p, prefix+".") || strings.HasPrefix(p, prefix+"[")
}

// cuePath joins CUE selectors into a path, writing list indices as [i].
func cuePath(sels []string) string {
	var b strings.Builder
	for i, s := range sels {
		if s != "" && s[0] >= '0' && s[0] <= '9' {
			fmt.Fprintf(&b, "[%s]", s)
			continue
		}
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(s)
	}
	return b.String()
}

// UserFirst orders positions so that the user's files come before the
// embedded schema's, keeping CUE's order otherwise.
func UserFirst(ps []token.Pos) []token.Pos {
	var out []token.Pos
	for _, p := range ps {
		if p.IsValid() && !IsSchemaFile(p.Filename()) {
			out = append(out, p)
		}
	}
	for _, p := range ps {
		if p.IsValid() && IsSchemaFile(p.Filename()) {
			out = append(out, p)
		}
	}
	return out
}

// ParseSeverity reads "error", "warning" or "off".
func ParseSeverity(s string) (Severity, error) {
	switch s {
	case "error":
		return Error, nil
	case "warning":
		return Warning, nil
	case "off":
		return Off, nil
	}
	return 0, fmt.Errorf("severity %q is not one of error, warning, off", s)
}

// SchemaFile names the embedded schema in positions, so that an error that
// points into the schema says which file and line.
const SchemaFile = schema.ImportPath + "/app.cue"

// IsSchemaFile reports whether a position's file is the embedded schema
// or a vendored copy of it.
func IsSchemaFile(name string) bool {
	return strings.Contains(name, schema.ImportPath+"/")
}
