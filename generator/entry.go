package generator

import (
	"encoding/binary"
	"errors"
	"maps"
	"slices"

	"cuelang.org/go/cue/token"

	"github.com/stsgen/stsgen/generator/diag"
)

// An entry is what the build cache keeps of one app: its output as the
// build rendered it, the findings about it, before the checks across
// apps, and what those checks need of it.
type entry struct {
	objects int
	// docs holds the documents of standard output; files the files under
	// an output directory.
	docs  [][]byte
	files map[string][]byte
	ds    diag.Diagnostics
	built builtApp
}

// entryVersion changes whenever the encoding does.
const entryVersion = 2

// encode writes the entry in a form decode reads back to the same entry,
// positions included: a finding from the cache prints as it did.
func (e *entry) encode() []byte {
	var w encoder
	w.int(entryVersion)
	w.int(e.objects)
	w.int(len(e.docs))
	for _, d := range e.docs {
		w.bytes(d)
	}
	w.int(len(e.files))
	for _, name := range slices.Sorted(maps.Keys(e.files)) {
		w.string(name)
		w.bytes(e.files[name])
	}
	w.int(len(e.ds))
	for _, d := range e.ds {
		w.int(int(d.Severity))
		w.string(string(d.Rule))
		w.string(d.Path)
		w.string(d.Message)
		w.positions(d.Pos)
	}
	b := e.built
	w.string(b.app)
	w.int(len(b.names))
	for _, n := range b.names {
		w.string(n.kind)
		w.string(n.namespace)
		w.string(n.name)
		w.strings(n.field)
		w.positions(n.pos)
	}
	w.int(len(b.secrets))
	for _, s := range b.secrets {
		w.string(s.namespace)
		w.string(s.secret)
		w.string(s.writer)
		w.bool(s.external)
		w.strings(s.field)
		w.positions(s.pos)
	}
	w.int(len(b.nodePorts))
	for _, p := range b.nodePorts {
		w.string(p.service)
		w.string(p.port)
		w.int(int(p.nodePort))
		w.strings(p.field)
		w.positions(p.pos)
	}
	return w.buf
}

// decodeEntry reads what encode wrote; anything else is an error, never
// a panic.
func decodeEntry(data []byte) (*entry, error) {
	r := decoder{buf: data, files: map[string]*fileLines{}}
	if r.int() != entryVersion {
		return nil, errors.New("cache entry: another version")
	}
	e := &entry{objects: r.int()}
	for range r.count() {
		e.docs = append(e.docs, r.bytes())
	}
	if n := r.count(); n > 0 {
		e.files = map[string][]byte{}
		for range n {
			name := r.string()
			e.files[name] = r.bytes()
		}
	}
	var dpos [][]rawPos
	for range r.count() {
		d := diag.Diagnostic{Severity: diag.Severity(r.int()), Rule: diag.RuleID(r.string()), Path: r.string(), Message: r.string()}
		e.ds = append(e.ds, d)
		dpos = append(dpos, r.positions())
	}
	b := &e.built
	b.app = r.string()
	var npos, spos, ppos [][]rawPos
	for range r.count() {
		n := objectName{kind: r.string(), namespace: r.string(), name: r.string(), app: b.app, field: r.strings()}
		b.names = append(b.names, n)
		npos = append(npos, r.positions())
	}
	for range r.count() {
		s := secretUse{app: b.app, namespace: r.string(), secret: r.string(), writer: r.string(), external: r.bool(), field: r.strings()}
		b.secrets = append(b.secrets, s)
		spos = append(spos, r.positions())
	}
	for range r.count() {
		p := nodePortUse{app: b.app, service: r.string(), port: r.string(), nodePort: int32(r.int()), field: r.strings()}
		b.nodePorts = append(b.nodePorts, p)
		ppos = append(ppos, r.positions())
	}
	if r.err == nil && len(r.buf) > 0 {
		r.err = errors.New("cache entry: trailing bytes")
	}
	// Every position is known: make the files they are in.
	if r.err == nil {
		r.err = r.makeFiles()
	}
	if r.err != nil {
		return nil, r.err
	}
	for i := range e.ds {
		e.ds[i].Pos = r.resolve(dpos[i])
	}
	for i := range b.names {
		b.names[i].pos = r.resolve(npos[i])
	}
	for i := range b.secrets {
		b.secrets[i].pos = r.resolve(spos[i])
	}
	for i := range b.nodePorts {
		b.nodePorts[i].pos = r.resolve(ppos[i])
	}
	return e, nil
}

type encoder struct{ buf []byte }

func (w *encoder) int(n int)       { w.buf = binary.AppendVarint(w.buf, int64(n)) }
func (w *encoder) bytes(b []byte)  { w.int(len(b)); w.buf = append(w.buf, b...) }
func (w *encoder) string(s string) { w.int(len(s)); w.buf = append(w.buf, s...) }
func (w *encoder) bool(b bool) {
	if b {
		w.int(1)
	} else {
		w.int(0)
	}
}
func (w *encoder) strings(s []string) {
	w.int(len(s))
	for _, x := range s {
		w.string(x)
	}
}

// positions writes each valid position as its file, line and column:
// enough to make a position that prints and sorts the same.
func (w *encoder) positions(ps []token.Pos) {
	valid := slices.DeleteFunc(slices.Clone(ps), func(p token.Pos) bool { return !p.IsValid() })
	w.int(len(valid))
	for _, p := range valid {
		w.string(p.Filename())
		w.int(p.Line())
		w.int(p.Column())
	}
}

type rawPos struct {
	file      string
	line, col int
}

// fileLines gathers the lines of one file that positions are on, and
// the widest column on each.
type fileLines struct {
	cols map[int]int
	f    *token.File
	// start is where each line starts in f, which holds those lines
	// only, each as wide as its widest column.
	start map[int]int
}

type decoder struct {
	buf   []byte
	err   error
	files map[string]*fileLines
}

func (r *decoder) fail() {
	if r.err == nil {
		r.err = errors.New("cache entry: truncated or malformed")
	}
	r.buf = nil
}

func (r *decoder) int() int {
	n, k := binary.Varint(r.buf)
	if k <= 0 {
		r.fail()
		return 0
	}
	r.buf = r.buf[k:]
	return int(n)
}

// count reads a length, which no more items can follow than bytes are
// left.
func (r *decoder) count() int {
	n := r.int()
	if n < 0 || n > len(r.buf) {
		r.fail()
		return 0
	}
	return n
}

func (r *decoder) bytes() []byte {
	n := r.count()
	b := r.buf[:n:n]
	r.buf = r.buf[n:]
	return b
}

func (r *decoder) string() string { return string(r.bytes()) }
func (r *decoder) bool() bool     { return r.int() == 1 }

func (r *decoder) strings() []string {
	var out []string
	for range r.count() {
		out = append(out, r.string())
	}
	return out
}

func (r *decoder) positions() []rawPos {
	var out []rawPos
	for range r.count() {
		p := rawPos{file: r.string(), line: r.int(), col: r.int()}
		if p.line < 1 || p.col < 1 || p.col > 1<<24 || p.line > 1<<30 {
			r.fail()
			return nil
		}
		fl := r.files[p.file]
		if fl == nil {
			fl = &fileLines{cols: map[int]int{}}
			r.files[p.file] = fl
		}
		fl.cols[p.line] = max(fl.cols[p.line], p.col)
		out = append(out, p)
	}
	return out
}

// makeFiles makes a token.File for each file the positions name. It
// holds only the lines the positions are on, one after the other, each
// as wide as its widest column, and says for each which line of the
// file it is (as a //line comment would): a position then prints and
// sorts by its file, line and column as it did, and a position deep in
// a large file costs no table of all the lines before it.
func (r *decoder) makeFiles() error {
	for name, fl := range r.files {
		known := slices.Sorted(maps.Keys(fl.cols))
		lines := make([]int, 0, len(known))
		fl.start = map[int]int{}
		at := 0
		for _, l := range known {
			lines = append(lines, at)
			fl.start[l] = at
			at += fl.cols[l] + 1
		}
		fl.f = token.NewFile(name, -1, at)
		if !fl.f.SetLines(lines) {
			return errors.New("cache entry: bad line table")
		}
		for _, l := range known {
			fl.f.AddLineInfo(fl.start[l], name, l)
		}
	}
	return nil
}

func (r *decoder) resolve(ps []rawPos) []token.Pos {
	var out []token.Pos
	for _, p := range ps {
		fl := r.files[p.file]
		out = append(out, fl.f.Pos(fl.start[p.line]+p.col-1, token.NoRelPos))
	}
	return out
}
