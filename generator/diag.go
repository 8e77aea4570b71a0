package generator

import (
	"cmp"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"cuelang.org/go/cue/errors"
	"cuelang.org/go/cue/token"
)

// Severity says whether a diagnostic stops a build.
type Severity int

const (
	Error Severity = iota
	Warning
)

func (s Severity) String() string {
	if s == Warning {
		return "warning"
	}
	return "error"
}

// A Diagnostic is one problem found in the input: where it is and what to
// write instead.
type Diagnostic struct {
	Severity Severity
	// Path is the CUE field path, e.g. apps.zk.replicas.
	Path string
	// Pos holds the source positions, the user's first.
	Pos     []token.Pos
	Message string
}

// Diagnostics is a list of diagnostics; Sort orders and de-duplicates it.
type Diagnostics []Diagnostic

// HasErrors reports whether any diagnostic is an error.
func (ds Diagnostics) HasErrors() bool {
	return slices.ContainsFunc(ds, func(d Diagnostic) bool { return d.Severity == Error })
}

// Sort orders the diagnostics by first position, then path and message,
// and drops exact repeats.
func (ds Diagnostics) Sort() Diagnostics {
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
		cmp.Compare(a.Message, b.Message),
	)
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

// Print writes the diagnostics for people: the path and message on one line,
// then each position on its own indented line, relative to dir.
func (ds Diagnostics) Print(w io.Writer, dir string) {
	for _, d := range ds {
		prefix := ""
		if d.Severity == Warning {
			prefix = "warning: "
		}
		if d.Path != "" {
			fmt.Fprintf(w, "%s%s: %s\n", prefix, d.Path, d.Message)
		} else {
			fmt.Fprintf(w, "%s%s\n", prefix, d.Message)
		}
		for _, p := range d.Pos {
			fmt.Fprintf(w, "    %s\n", relPos(p, dir))
		}
	}
}

// relPos prints a position the way cue does: relative to dir with a leading
// ./ when the file is below it.
func relPos(p token.Pos, dir string) string {
	name := p.Filename()
	if dir != "" && filepath.IsAbs(name) {
		if rel, err := filepath.Rel(dir, name); err == nil && !strings.HasPrefix(rel, "..") {
			name = "." + string(filepath.Separator) + rel
		}
	}
	return fmt.Sprintf("%s:%d:%d", name, p.Line(), p.Column())
}

// fromCUE turns a CUE error into diagnostics, one per error in the list,
// keeping every position CUE knows.
func fromCUE(err error) Diagnostics {
	var ds Diagnostics
	for _, e := range errors.Errors(err) {
		format, args := e.Msg()
		d := Diagnostic{
			Path:    cuePath(e.Path()),
			Message: translate(fmt.Sprintf(format, args...)),
			Pos:     userFirst(errors.Positions(e)),
		}
		ds = append(ds, d)
	}
	return ds
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

// userFirst orders positions so that the user's files come before the
// embedded schema's, keeping CUE's order otherwise.
func userFirst(ps []token.Pos) []token.Pos {
	var out []token.Pos
	for _, p := range ps {
		if p.IsValid() && !isSchemaFile(p.Filename()) {
			out = append(out, p)
		}
	}
	for _, p := range ps {
		if p.IsValid() && isSchemaFile(p.Filename()) {
			out = append(out, p)
		}
	}
	return out
}

// translate rewords the raw CUE messages that users find confusing.
func translate(msg string) string {
	switch {
	case strings.HasPrefix(msg, "incomplete value "):
		return "is required but has no value (" + strings.TrimPrefix(msg, "incomplete value ") + "); set it"
	case msg == "field not allowed":
		return "unknown field; check its spelling against the spec reference in the README"
	}
	return msg
}
