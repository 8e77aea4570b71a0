package yamlfmt

import (
	"bytes"
	"encoding/json"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v2"
)

// yamlPieces are the fragments random strings are made of: the
// characters and words that change how yaml.v2 writes a scalar.
var yamlPieces = []string{
	"a", "b", "Z", "x", "0", "1", "9", " ", "  ", "\t", "\n", "\n\n", "\r", "\r\n",
	":", ": ", "#", " #", "-", "- ", "?", "? ", ",", "[", "]", "{", "}", "&", "*", "!",
	"|", ">", "'", `"`, "%", "@", "`", ".", "~", "_", "+", "/", `\`, "=",
	"é", "ß", "\u2028", "\u2029", "\u0085", "\u00a0", "\ufeff", "\ufffe", "\x00",
	"\x7f", "\x1b", "\x07", "😀", "٣", "Ǆ", "\u00b2",
	"y", "n", "on", "off", "true", "False", "null", "NULL", ".inf", "-.Inf", ".nan",
	"0x1F", "0o17", "0b101", "-0b11", "1e3", "1.5", ".5", "1_000", "+12", "-7",
	"2006-01-02", "2001-12-14t21:59:43.10-05:00", "1:20", "190:20:30.15",
	"---", "...", "<<", "tickTime=2000", "app.kubernetes.io/name",
}

func randString(r *rand.Rand, maxPieces int) string {
	var b strings.Builder
	for range r.IntN(maxPieces + 1) {
		b.WriteString(yamlPieces[r.IntN(len(yamlPieces))])
	}
	return b.String()
}

// randKey returns a key; one in ten may hold a line break, which makes
// yaml.v2 write a complex key the writer leaves to it.
func randKey(r *rand.Rand) string {
	for {
		k := randString(r, 3)
		if !hasLineBreak(k) || r.IntN(10) == 0 {
			return k
		}
	}
}

func randValue(r *rand.Rand, depth int) any {
	n := 9
	if depth > 3 {
		n = 7
	}
	switch r.IntN(n) {
	case 0, 1:
		// Long strings fold.
		return randString(r, 40)
	case 2:
		return r.Int64N(1<<40) - 1<<39
	case 3:
		return []float64{0.5, -3.25, 1e21, 1.5e-7, 123456789.125}[r.IntN(5)]
	case 4:
		return r.IntN(2) == 0
	case 5:
		return nil
	case 6:
		return randString(r, 4)
	case 7:
		m := map[string]any{}
		for range r.IntN(6) {
			m[randKey(r)] = randValue(r, depth+1)
		}
		return m
	default:
		var l []any
		for range r.IntN(5) {
			l = append(l, randValue(r, depth+1))
		}
		if l == nil {
			l = []any{}
		}
		return l
	}
}

// TestYAMLWriter compares the writer with yaml.v2 on random documents
// whose strings are made of the characters that change a scalar's style,
// at every depth, so that folding happens at many columns.
func TestYAMLWriter(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	compared := 0
	for i := range 20000 {
		doc := map[string]any{}
		for range 1 + r.IntN(5) {
			doc[randKey(r)] = randValue(r, 0)
		}
		if compareYAML(t, doc) {
			compared++
		}
		if t.Failed() {
			t.Fatalf("document %d", i)
		}
	}
	// Only documents with multi-line keys go to yaml.v2, and a few have
	// keys yaml.v2 does not order.
	if compared < 15000 {
		t.Errorf("compared %d of 20000 documents; want most", compared)
	}
}

// compareYAML reports whether the writer wrote doc and yaml.v2's output
// for it is determined, and fails t when they differ.
func compareYAML(t *testing.T, doc map[string]any) bool {
	t.Helper()
	want, err := yaml.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	got, ok := RenderYAML(data)
	if !ok {
		return false
	}
	if !totalOrder(doc) {
		// yaml.v2's order then depends on the map's iteration order.
		return false
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("RenderYAML(%s) (-yaml.v2 +writer):\n%s", data, diff)
	}
	return true
}

func TestYAMLWriterCases(t *testing.T) {
	long := strings.Repeat("word ", 30)
	for _, doc := range []map[string]any{
		{},
		{"a": map[string]any{}, "b": []any{}, "c": []any{[]any{}, map[string]any{}}},
		{"args": []any{"--replicaof", "redis-0.redis-hs", long, long + "  x", "'" + long + "'"}},
		{"data": map[string]any{"zoo.cfg": "tickTime=2000\n", "keep": "a\n\n", "strip": "a\nb", "lead": " a\n", "nl": "\n"}},
		{"nested": []any{map[string]any{"name": "x", "list": []any{[]any{"a", "b"}, "c"}}}},
		{"keys": map[string]any{"a10": "", "a2": "", "a02": "", "b": "", "A": "", "_": "", "1": "", "10": "", "é": "", "a0": "", "a00": "", "a٣": ""}},
		{"q": []any{"", "true", "yes", "~", "1.0", "0x10", "2006-01-02", "1:20", "- a", ": b", "a: b", "a #b", "#", "@x", "\t", " x", "x ", "\ufeffx"}},
		{"n": []any{int64(-1), 0.5, 1e21, nil, true, false}},
		{strings.Repeat("k", 128): "just simple"},
	} {
		if !compareYAML(t, doc) {
			t.Errorf("RenderYAML(%q) left the document to yaml.v2", doc)
		}
	}
	for _, doc := range []map[string]any{
		{strings.Repeat("k", 129): "complex key"},
		{"a\nb": "multi-line key"},
		{"l": []any{map[string]any{"a\u2028b": "multi-line key"}}},
	} {
		data, err := json.Marshal(doc)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := RenderYAML(data); ok {
			t.Errorf("RenderYAML(%s) wrote it; want it left to yaml.v2", data)
		}
		// Marshal takes such a document the long way, with its status
		// dropped as the writer drops it.
		withStatus := maps.Clone(doc)
		withStatus["status"] = map[string]any{"replicas": 3}
		data, err = json.Marshal(withStatus)
		if err != nil {
			t.Fatal(err)
		}
		want, err := yaml.Marshal(doc)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := Marshal(data); err != nil || !bytes.Equal(got, want) {
			t.Errorf("Marshal(%s) = %q, %v; want %q", data, got, err, want)
		}
	}
	for _, data := range []string{`[]`, `"s"`, `{"a":1`, `{"a":1}x`, `{"a":1,"a":2}`, `{"a":tru}`, `{"a":"\x"}`} {
		if _, ok := RenderYAML([]byte(data)); ok {
			t.Errorf("RenderYAML(%s) wrote it; want it left to encoding/json and yaml.v2", data)
		}
	}
}

// totalOrder reports whether yaml.v2's key order is a total order on the
// keys of every map in v: it is not for some keys with digits from other
// scripts.
func totalOrder(v any) bool {
	switch v := v.(type) {
	case map[string]any:
		keys := slices.Collect(maps.Keys(v))
		for _, a := range keys {
			for _, b := range keys {
				if a != b && yamlKeyLess(a, b) == yamlKeyLess(b, a) {
					return false
				}
				for _, c := range keys {
					if yamlKeyLess(a, b) && yamlKeyLess(b, c) && !yamlKeyLess(a, c) {
						return false
					}
				}
			}
		}
		for _, x := range v {
			if !totalOrder(x) {
				return false
			}
		}
	case []any:
		for _, x := range v {
			if !totalOrder(x) {
				return false
			}
		}
	}
	return true
}

// FuzzYAMLWriter puts one string everywhere a scalar can be: as a value
// and a key at several depths, in sequences and alone.
func FuzzYAMLWriter(f *testing.F) {
	for _, s := range yamlPieces {
		f.Add(s)
	}
	f.Add(strings.Repeat("lorem ipsum ", 12))
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return
		}
		doc := map[string]any{"v": s, "l": []any{s, []any{s}}}
		inner := map[string]any{"v": s, s: s}
		for range 6 {
			inner = map[string]any{"v": s, "m": inner, "l": []any{inner, s}}
			doc[s+"x"] = inner
		}
		doc["deep"] = inner
		compareYAML(t, doc)
	})
}
