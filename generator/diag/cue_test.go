package diag

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/cuecontext"
	"cuelang.org/go/cue/errors"
	"cuelang.org/go/cue/load"
)

// TestCUEMessages pins the messages of CUE's that FromCUE recognises by
// their words, each produced by CUE itself: when an upgrade of CUE words
// one differently, the raw message here changes first, and the test says
// which translation no longer applies.
func TestCUEMessages(t *testing.T) {
	for _, c := range []struct {
		name string
		src  string // a CUE value; its field at path (x if empty) is in error
		path string
		raw  string // what CUE says of x, one of its messages
		want string // what FromCUE says of x
	}{
		{
			name: "enum",
			src:  `x: "a" | "b", x: "c"`,
			raw:  `conflicting values "a" and "c"`,
			want: `"c" is not allowed; write one of "a", "b"`,
		},
		{
			name: "enum or struct",
			src:  `x: "a" | "b" | {mode: string}, x: "c"`,
			raw:  `conflicting values "c" and {mode:string} (mismatched types string and struct)`,
			want: `"c" is not allowed; write one of "a", "b", or the struct form`,
		},
		{
			name: "count or percentage",
			src:  `x: int | =~"^[0-9]+%$", x: "5x"`,
			raw:  `invalid value "5x" (out of bound =~"^[0-9]+%$")`,
			want: `"5x" is neither a count nor a percentage; write 5x or "5x%"`,
		},
		{
			name: "interpolation of an incomplete value",
			src:  `t: string, x: "\(t)-x"`,
			raw:  `invalid interpolation: non-concrete value string (type string)`,
			want: `is an interpolation of a value that has none yet (string): give every value it interpolates a concrete value`,
		},
		{
			name: "mismatched types",
			src:  `x: int, x: "three"`,
			raw:  `conflicting values int and "three" (mismatched types int and string)`,
			want: `int is an int; write a string`,
		},
		{
			name: "two values",
			src:  `x: 1, x: 2`,
			raw:  `conflicting values 2 and 1`,
			want: `is set to both 1 and 2; set it in one place`,
		},
		{
			name: "lower bound",
			src:  `x: >=1, x: 0`,
			raw:  `invalid value 0 (out of bound >=1)`,
			want: `0 is out of range; write a value at least 1`,
		},
		{
			name: "upper bound",
			src:  `x: <10, x: 12`,
			raw:  `invalid value 12 (out of bound <10)`,
			want: `12 is out of range; write a value less than 10`,
		},
		{
			name: "incomplete",
			src:  `x: int`,
			raw:  `incomplete value int`,
			want: `is required but has no value; add int value`,
		},
		{
			name: "required",
			src:  `x!: int`,
			raw:  `field is required but not present`,
			want: `field is required but not present`,
		},
		{
			name: "not allowed",
			src:  `#A: {a: int}, x: #A & {b: 1}`,
			path: "x.b",
			raw:  `field not allowed`,
			want: MsgUnknownField,
		},
		{
			name: "reference to an app's field",
			src:  `apps: zk: x: peers`,
			path: "apps.zk.x",
			raw:  `reference "peers" not found`,
			want: `reference "peers" not found; write apps.zk.peers: CUE looks a name up only in the structs written around it, and the app's fields from stsgen's schema are not among them`,
		},
		{
			name: "reference to an app's field, quoted name",
			src:  `apps: "zk-a": x: quorum`,
			path: `apps."zk-a".x`,
			raw:  `reference "quorum" not found`,
			want: `reference "quorum" not found; write apps."zk-a".quorum: CUE looks a name up only in the structs written around it, and the app's fields from stsgen's schema are not among them`,
		},
		{
			name: "reference to an app's field outside an app",
			src:  `_template: x: serviceName`,
			path: "_template.x",
			raw:  `reference "serviceName" not found`,
			want: `reference "serviceName" not found; write apps.<name>.serviceName with the app's name: CUE looks a name up only in the structs written around it, and the app's fields from stsgen's schema are not among them`,
		},
		{
			name: "reference to a name the app has not",
			src:  `apps: zk: x: peeers`,
			path: "apps.zk.x",
			raw:  `reference "peeers" not found`,
			want: `reference "peeers" not found`,
		},
		{
			name: "unresolved disjunction",
			src:  `x: *1 | *2, y: x + 1`,
			path: "y",
			raw:  `unresolved disjunction *1 | *2 (type int)`,
			want: `has no single value: it refers to itself or to a field that has none; write a concrete value`,
		},
		{
			name: "error in a builtin",
			src:  `x: strings.Repeat("a", 99999999999)`,
			raw:  `error in call to strings.Repeat: count 99999999999 exceeds limit of 1000000`,
			want: `error in call to strings.Repeat: count 99999999999 exceeds limit of 1000000`,
		},
		{
			name: "structural cycle",
			src:  `x: {a: x}`,
			path: "x.a",
			raw:  `structural cycle`,
			want: `structural cycle: the value contains itself, so it would be infinite; refer to one of its fields instead`,
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.path == "" {
				c.path = "x"
			}
			src := c.src
			if strings.Contains(src, "strings.") {
				src = "import \"strings\"\n" + src
			}
			v := cuecontext.New().CompileString(src)
			err := v.Err()
			if err == nil {
				err = v.Validate(cue.Concrete(true))
			}
			if err == nil {
				t.Fatalf("%s: no error", c.src)
			}
			var raws []string
			for _, e := range errors.Errors(err) {
				raws = append(raws, msgOf(e))
			}
			found := false
			for _, r := range raws {
				found = found || r == c.raw
			}
			if !found {
				t.Errorf("CUE no longer says %q in %s; it says %q: review the translation this case covers", c.raw, c.src, raws)
			}
			var got []string
			for _, d := range FromCUE(err) {
				if d.Path == c.path {
					got = append(got, d.Message)
				}
			}
			if len(got) != 1 || got[0] != c.want {
				t.Errorf("FromCUE(%s) says of %s %q; want %q", c.src, c.path, got, c.want)
			}
		})
	}
}

// TestCUEMessagesUntouched: a message FromCUE does not recognise reaches
// the user as CUE wrote it.
func TestCUEMessagesUntouched(t *testing.T) {
	for _, msg := range []string{"some new message", "conflicting values (x)", "invalid value 3"} {
		if got := translate(msg); got != msg {
			t.Errorf("translate(%q) = %q; want it unchanged", msg, got)
		}
	}
}

// TestCUELoadMessages pins the loader's and the parser's messages that
// FromCUE recognises.
func TestCUELoadMessages(t *testing.T) {
	dir := t.TempDir()
	inst := load.Instances([]string{"./..."}, &load.Config{Dir: dir})[0]
	if got, want := FromCUE(inst.Err)[0].Message, "no CUE files in ./..."; got != want {
		t.Errorf("an empty directory: %q; want %q (CUE said %v)", got, want, inst.Err)
	}
	// An import outside a module: CUE's reason is in the error it wraps.
	if err := os.WriteFile(filepath.Join(dir, "app.cue"), []byte("package t\n\nimport \"example.com/x\"\n\ny: x.z\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	inst = load.Instances([]string{"."}, &load.Config{Dir: dir})[0]
	if got, want := FromCUE(inst.Err)[0].Message, "import failed: imports are unavailable because there is no cue.mod/module.cue file; stsgen applies its schema itself"; !strings.HasPrefix(got, want) {
		t.Errorf("an import outside a module: %q; want it to start %q (CUE said %v)", got, want, inst.Err)
	}
	if got := FromCUE(cuecontext.New().CompileString("x: 0400").Err()); len(got) != 1 || got[0].Message != "illegal integer number: an integer may not start with 0; CUE writes an octal number as 0o400" {
		t.Errorf("an octal number written as chmod writes it: %v", got)
	}
	v := cuecontext.New().CompileString("x: 1\x01")
	got := FromCUE(v.Err())
	if len(got) != 1 || !strings.HasPrefix(got[0].Message, "illegal character") || !strings.HasSuffix(got[0].Message, "; is this a CUE text file?") {
		t.Errorf("a control character: %q (CUE said %v)", got, v.Err())
	}
}

// TestErr: a list with an error is an error that prints as Print does; a
// list of warnings is none.
func TestErr(t *testing.T) {
	warn := Diagnostics{{Severity: Warning, Rule: RuleReadiness, Path: "apps.a.probes", Message: "no readiness probe"}}
	if err := warn.Err(); err != nil {
		t.Errorf("warnings only: Err() = %v; want nil", err)
	}
	ds := append(warn, Diagnostic{Path: "apps.a.replicas", Message: "too few"})
	err := ds.Err()
	if err == nil {
		t.Fatal("an error: Err() = nil")
	}
	want := "warning: apps.a.probes: no readiness probe [STS105]\napps.a.replicas: too few"
	if err.Error() != want {
		t.Errorf("Err().Error() = %q; want %q", err.Error(), want)
	}
	var got Diagnostics
	if !errors.As(err, &got) || len(got) != 2 {
		t.Errorf("errors.As(Err(), *Diagnostics) = %v", got)
	}
}

// TestRequiredExample: the example a missing field's message shows is
// the one for that field where it is.
func TestRequiredExample(t *testing.T) {
	for path, want := range map[string]string{
		"apps.db.image":                  `is required; add image: "postgres:17.2"`,
		"apps.db.storage.data.size":      `is required; add size: "10Gi"`,
		"apps.db.sidecars[0].name":       `is required; add name: "exporter"`,
		"apps.db.initContainers[2].name": `is required; add name: "exporter"`,
		"apps.db.tls.issuer.name":        `is required; add name: "ca-issuer"`,
		"apps.db.ports.pg.port":          `is required; add port: 5432`,
		"apps.db.metrics.port":           `is required; add port: "metrics"`,
		"apps.db.services.read.name":     "incomplete",
		"apps.db.probes.http.port":       "incomplete",
	} {
		if got := required(path, "incomplete"); got != want {
			t.Errorf("required(%q) = %q, want %q", path, got, want)
		}
	}
}
