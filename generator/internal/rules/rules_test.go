package rules

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/stsgen/stsgen/generator/diag"
	"github.com/stsgen/stsgen/generator/internal/build"
	"github.com/stsgen/stsgen/generator/internal/load"
	"github.com/stsgen/stsgen/generator/internal/spec"
	"github.com/stsgen/stsgen/generator/internal/update"
)

// A ruleCase is one input for one rule: an app that the rule must report
// (fires) or must not (the same app with the problem fixed, so that each
// pair shows where the rule's boundary lies).
type ruleCase struct {
	rule  diag.RuleID
	name  string
	src   string // a whole CUE package, written to app.cue
	fires bool
	// mutate changes the built bundle before Verify, for the rules that
	// guard the generator's output; only rules with a verify func take it.
	mutate func(*build.Bundle)
	// previous is a YAML stream of the objects the build replaces, for the
	// update rules.
	previous string
	// apps is how many apps src holds, when more than one: the rules
	// about apps that refer to each other.
	apps int
	// bug says how the rule misbehaves on this case today. The case keeps
	// the correct expectation; TestRules skips it with this text while the
	// rule still misbehaves, and fails once it no longer does, so that the
	// mark is removed.
	bug string
}

// runRuleCase runs the pipeline on the case's source the way Compile does,
// but without stopping at errors: Load, Decode and Check, and, when the
// rule has a verify func, Build and Verify of every spec with the case's
// mutation applied first.
func runRuleCase(t *testing.T, src string, pol Policy, verify bool, mutate func(*build.Bundle)) (specs []*spec.Spec, ds diag.Diagnostics, dir string) {
	t.Helper()
	dir = t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "app.cue"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	pkgs, ds := load.Packages(load.LoadConfig{Dir: dir})
	if len(ds) > 0 || len(pkgs) != 1 {
		t.Fatalf("Load: %d packages\n%s", len(pkgs), printDiagnostics(ds, dir))
	}
	specs, decodeDs := spec.Decode(pkgs[0])
	ds = append(ds, decodeDs...)
	if spec.AdmitReferrers(pkgs[0]) {
		// What the apps refer to, as the pipeline finds it.
		units, _ := load.Index(load.LoadConfig{Dir: dir})
		for _, s := range specs {
			s.Uses = spec.FindUses(pkgs[0], s, units[0].Related(s.Name))
		}
	}
	ds = append(ds, Check(specs, pol)...)
	if !verify {
		return specs, ds.Sort(), dir
	}
	for _, s := range specs {
		b, err := build.Build(s)
		if err != nil {
			t.Fatalf("Build(%s): %v\n%s", s.Name, err, printDiagnostics(ds, dir))
		}
		if mutate != nil {
			func() {
				defer func() {
					if r := recover(); r != nil {
						t.Fatalf("mutate panicked on app %s (is the object it changes generated?): %v", s.Name, r)
					}
				}()
				mutate(b)
			}()
		}
		ds = append(ds, Verify(s, b, update.Refused(s, b, pol.Previous), pol, false)...)
	}
	return specs, ds.Sort(), dir
}

func printDiagnostics(ds diag.Diagnostics, dir string) string {
	if len(ds) == 0 {
		return "    (no diagnostics)\n"
	}
	var buf bytes.Buffer
	ds.Print(&buf, dir)
	return buf.String()
}

func TestRules(t *testing.T) {
	for _, c := range ruleCases {
		verb := "silent"
		if c.fires {
			verb = "fires"
		}
		t.Run(string(c.rule)+"/"+verb+"/"+c.name, func(t *testing.T) {
			t.Parallel()
			r, ok := LookupRule(string(c.rule))
			if !ok {
				t.Fatalf("no rule %s in the catalogue", c.rule)
			}
			if c.mutate != nil && r.verify == nil {
				t.Fatalf("%s has no verify func, so mutate would never be checked", c.rule)
			}
			pol := Policy{}
			if c.previous != "" {
				pol.Previous = &update.Previous{}
				if err := pol.Previous.AddPrevious("previous.yaml", []byte(c.previous)); err != nil {
					t.Fatal(err)
				}
			}
			specs, ds, dir := runRuleCase(t, c.src, pol, r.verify != nil, c.mutate)
			// An app that fails the schema is left out by Decode; only a
			// firing schema case may lose its app. Anything else would make
			// a silent case pass for the wrong reason.
			if want := max(c.apps, 1); len(specs) != want && !(c.rule == diag.RuleSchema && c.fires) {
				t.Fatalf("Decode returned %d specs, want %d:\n%s", len(specs), want, printDiagnostics(ds, dir))
			}
			var own diag.Diagnostics
			for _, d := range ds {
				if d.Rule == c.rule {
					own = append(own, d)
				}
			}
			fired := len(own) > 0
			if fired {
				t.Logf("%s", printDiagnostics(own, dir))
			}
			if c.bug != "" {
				// The case states what the rule should do; skip while it
				// does not, and say so once it does.
				if fired == c.fires {
					t.Fatalf("marked as a bug, but %s now behaves as expected; remove the bug field (%s)", c.rule, c.bug)
				}
				t.Skip("BUG: " + c.bug)
			}
			switch {
			case c.fires && !fired:
				t.Errorf("%s did not fire; diagnostics:\n%s", c.rule, printDiagnostics(ds, dir))
			case !c.fires && fired:
				t.Errorf("%s fired; diagnostics:\n%s", c.rule, printDiagnostics(ds, dir))
			}
		})
	}
}

// TestRuleCoverage checks that every rule of the catalogue can be seen both
// firing and staying silent in TestRules, and that the table names only
// rules that exist.
func TestRuleCoverage(t *testing.T) {
	if d := declared(t); d.cases != len(ruleCases) {
		t.Errorf("the package declares %d rule cases, ruleCases holds %d; list every family's cases (%s) in ruleCases", d.cases, len(ruleCases), strings.Join(d.caseFamilies, ", "))
	}
	type count struct{ fires, silent, mutateFires int }
	counts := map[diag.RuleID]*count{}
	seen := map[string]bool{}
	for _, c := range ruleCases {
		r, ok := LookupRule(string(c.rule))
		if !ok || r.ID != c.rule {
			t.Errorf("case %q names %s, which is not a rule of the catalogue", c.name, c.rule)
			continue
		}
		key := string(c.rule) + "/" + c.name
		if seen[key] {
			t.Errorf("two %s cases are named %q", c.rule, c.name)
		}
		seen[key] = true
		if c.name == "" || strings.TrimSpace(c.src) == "" {
			t.Errorf("a %s case has no name or no source", c.rule)
		}
		if c.bug != "" {
			// A case the rule gets wrong shows nothing about it yet.
			continue
		}
		n := counts[c.rule]
		if n == nil {
			n = &count{}
			counts[c.rule] = n
		}
		switch {
		case c.fires && (c.mutate != nil || c.previous != ""):
			n.fires++
			n.mutateFires++
		case c.fires:
			n.fires++
		default:
			n.silent++
		}
	}
	for _, r := range catalogue {
		n := counts[r.ID]
		if n == nil {
			n = &count{}
		}
		if n.fires == 0 {
			t.Errorf("%s (%s) has no case, other than known bugs, where it fires", r.ID, r.Title)
		}
		if n.silent == 0 {
			t.Errorf("%s (%s) has no case, other than known bugs, where it stays silent", r.ID, r.Title)
		}
		// Output-only rules guard the generator and can only be made to
		// fire by breaking its output; rules with both kinds of check need
		// a case for each.
		if r.verify != nil && n.mutateFires == 0 {
			t.Errorf("%s has a verify func but no case that breaks the output to make it fire", r.ID)
		}
		if r.verify != nil && r.check == nil && n.fires != n.mutateFires {
			t.Errorf("%s checks the output only, so every firing case needs a mutate", r.ID)
		}
		if r.check != nil && r.verify != nil && n.fires == n.mutateFires {
			t.Errorf("%s also checks the spec, but has no firing case without a mutate", r.ID)
		}
	}
}

// declaredRules counts what the package's files declare: the rules (each a
// variable set to &Rule{...}) and the rule cases (the elements of each
// []ruleCase literal), with the families' lists of them.
type declaredRules struct {
	rules, cases               int
	ruleFamilies, caseFamilies []string
}

// declared reads the package's source, so that a family left out of
// catalogue or ruleCases is noticed: its rules would otherwise be neither
// run nor tested, and nothing would say so.
func declared(t *testing.T) declaredRules {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var d declaredRules
	fset := token.NewFileSet()
	for _, name := range files {
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range f.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok || gd.Tok != token.VAR {
				continue
			}
			for _, sp := range gd.Specs {
				vs := sp.(*ast.ValueSpec)
				if len(vs.Values) != 1 {
					continue
				}
				switch v := vs.Values[0].(type) {
				case *ast.UnaryExpr:
					if lit, ok := v.X.(*ast.CompositeLit); ok && v.Op == token.AND && isIdent(lit.Type, "Rule") {
						d.rules++
					}
				case *ast.CompositeLit:
					arr, ok := v.Type.(*ast.ArrayType)
					switch {
					case !ok:
					case isIdent(arr.Elt, "ruleCase"):
						d.cases += len(v.Elts)
						d.caseFamilies = append(d.caseFamilies, vs.Names[0].Name)
					case isStar(arr.Elt, "Rule"):
						d.ruleFamilies = append(d.ruleFamilies, vs.Names[0].Name)
					}
				}
			}
		}
	}
	return d
}

func isIdent(e ast.Expr, name string) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == name
}

func isStar(e ast.Expr, name string) bool {
	st, ok := e.(*ast.StarExpr)
	return ok && isIdent(st.X, name)
}

var ruleIDPattern = regexp.MustCompile(`^STS[0-9]{3}$`)

// apiTerms may start a title in upper case: they are Kubernetes kinds and
// field values, which are written as the API spells them.
var apiTerms = map[string]bool{
	"ConfigMap": true, "Parallel": true, "PodDisruptionBudget": true,
	"Service": true, "Services": true, "StatefulSet": true,
}

// TestCatalogueOrder checks the catalogue's ids and the text stsgen explain
// prints for each rule.
func TestCatalogueOrder(t *testing.T) {
	if len(catalogue) == 0 {
		t.Fatal("the catalogue is empty")
	}
	if d := declared(t); d.rules != len(catalogue) {
		t.Errorf("the package declares %d rules, the catalogue holds %d; list every family (%s) in catalogue", d.rules, len(catalogue), strings.Join(d.ruleFamilies, ", "))
	}
	ids := map[diag.RuleID]bool{}
	for i, r := range catalogue {
		if !ruleIDPattern.MatchString(string(r.ID)) {
			t.Errorf("rule %d: id %q does not match %s", i, r.ID, ruleIDPattern)
		}
		if ids[r.ID] {
			t.Errorf("%s appears twice", r.ID)
		}
		ids[r.ID] = true
		if i > 0 && catalogue[i-1].ID >= r.ID {
			t.Errorf("%s follows %s; the catalogue must be in ascending id order", r.ID, catalogue[i-1].ID)
		}
		first, _, _ := strings.Cut(r.Title, " ")
		switch {
		case r.Title == "":
			t.Errorf("%s has no title", r.ID)
		case !unicode.IsLower([]rune(r.Title)[0]) && !apiTerms[first]:
			t.Errorf("%s: title %q must start in lower case", r.ID, r.Title)
		case strings.HasSuffix(r.Title, "."):
			t.Errorf("%s: title %q must not end with a period", r.ID, r.Title)
		}
		if strings.TrimSpace(r.Explain) == "" {
			t.Errorf("%s has no explanation", r.ID)
		}
		if strings.TrimSpace(r.Source) == "" {
			t.Errorf("%s has no source", r.ID)
		}
		if r.Severity != diag.Error && r.Severity != diag.Warning {
			t.Errorf("%s: default severity %v, want error or warning", r.ID, r.Severity)
		}
		if r.Fixed && r.Severity != diag.Error {
			t.Errorf("%s is fixed but only a %v", r.ID, r.Severity)
		}
		switch {
		case r.ID == diag.RuleSchema:
			// Decode reports schema errors; the rule has no func of its own.
			if r.check != nil || r.verify != nil {
				t.Errorf("%s is reported by Decode and should have neither check nor verify", r.ID)
			}
		case r.check == nil && r.verify == nil:
			t.Errorf("%s has neither a check nor a verify func", r.ID)
		}
		if got, ok := LookupRule(strings.ToLower(string(r.ID))); !ok || got != r {
			t.Errorf("LookupRule(%q) = %v, %v; want the rule", strings.ToLower(string(r.ID)), got, ok)
		}
	}
}

// TestSeverityOverrides checks how a rule's severity is set: by default, by
// the app's checks field, by the run's policy, and by Strict.
func TestSeverityOverrides(t *testing.T) {
	src := func(checks string) string {
		return `package t

apps: zk: {
	image:    "zookeeper:3.9.2"
	topology: "quorum"
	replicas: 4
	ports: client: 2181
	probes: readiness: tcp: "client"
	resources: {
		requests: {cpu: "500m", memory: "1Gi", "ephemeral-storage": "1Gi"}
		limits: {cpu: "1", memory: "1Gi", "ephemeral-storage": "2Gi"}
	}
` + checks + `}
`
	}
	const none = diag.Severity(-1)
	for _, c := range []struct {
		name   string
		checks string
		pol    Policy
		want   diag.Severity // none: STS202 is not reported
	}{
		{name: "default", want: diag.Warning},
		{name: "app off", checks: "\tchecks: STS202: \"off\"\n", want: none},
		{name: "app error", checks: "\tchecks: STS202: \"error\"\n", want: diag.Error},
		{name: "app warning", checks: "\tchecks: STS202: \"warning\"\n", want: diag.Warning},
		{name: "strict", pol: Policy{Strict: true}, want: diag.Error},
		{name: "strict and app off", checks: "\tchecks: STS202: \"off\"\n", pol: Policy{Strict: true}, want: none},
		{name: "policy off", pol: Policy{Severity: map[diag.RuleID]diag.Severity{diag.RuleEnsembleEven: diag.Off}}, want: none},
		{name: "policy error", pol: Policy{Severity: map[diag.RuleID]diag.Severity{diag.RuleEnsembleEven: diag.Error}}, want: diag.Error},
		{name: "app warning beats policy off", checks: "\tchecks: STS202: \"warning\"\n", pol: Policy{Severity: map[diag.RuleID]diag.Severity{diag.RuleEnsembleEven: diag.Off}}, want: diag.Warning},
		{name: "app off beats policy error", checks: "\tchecks: STS202: \"off\"\n", pol: Policy{Severity: map[diag.RuleID]diag.Severity{diag.RuleEnsembleEven: diag.Error}}, want: none},
		{name: "strict after app warning", checks: "\tchecks: STS202: \"warning\"\n", pol: Policy{Strict: true, Severity: map[diag.RuleID]diag.Severity{diag.RuleEnsembleEven: diag.Off}}, want: diag.Error},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, ds, dir := runRuleCase(t, src(c.checks), c.pol, false, nil)
			var got []diag.Diagnostic
			for _, d := range ds {
				if d.Rule == diag.RuleEnsembleEven {
					got = append(got, d)
				}
			}
			switch {
			case c.want == none && len(got) > 0:
				t.Errorf("STS202 reported, want it dropped:\n%s", printDiagnostics(ds, dir))
			case c.want == none:
			case len(got) != 1:
				t.Errorf("STS202 reported %d times, want once as %v:\n%s", len(got), c.want, printDiagnostics(ds, dir))
			case got[0].Severity != c.want:
				t.Errorf("STS202 is %v, want %v:\n%s", got[0].Severity, c.want, printDiagnostics(ds, dir))
			}
			if slices.ContainsFunc(ds, func(d diag.Diagnostic) bool { return d.Rule == diag.RuleChecksOverride }) {
				t.Errorf("the checks field was refused:\n%s", printDiagnostics(ds, dir))
			}
			// Nothing else in the app is wrong: it builds exactly when STS202
			// is not an error.
			if got, want := ds.HasErrors(), c.want == diag.Error; got != want {
				t.Errorf("HasErrors() = %v, want %v:\n%s", got, want, printDiagnostics(ds, dir))
			}
		})
	}

	t.Run("fixed rule in the app", func(t *testing.T) {
		_, ds, dir := runRuleCase(t, src("\tchecks: STS204: \"off\"\n\tquorum: 2\n"), Policy{}, false, nil)
		if !slices.ContainsFunc(ds, func(d diag.Diagnostic) bool { return d.Rule == diag.RuleChecksOverride && d.Severity == diag.Error }) {
			t.Errorf("checks: STS204: \"off\" was accepted for a fixed rule:\n%s", printDiagnostics(ds, dir))
		}
		if !slices.ContainsFunc(ds, func(d diag.Diagnostic) bool { return d.Rule == diag.RuleQuorumMajority && d.Severity == diag.Error }) {
			t.Errorf("STS204 is fixed, but the app's checks turned it off:\n%s", printDiagnostics(ds, dir))
		}
	})

	t.Run("ParseSetting", func(t *testing.T) {
		for _, c := range []struct {
			setting string
			ok      bool
			id      diag.RuleID
			want    diag.Severity
		}{
			{"STS102=off", true, "STS102", diag.Off},
			{"sts202=error", true, "STS202", diag.Error},
			{"STS107=warning", true, "STS107", diag.Warning},
			{"STS001=error", true, "STS001", diag.Error}, // a fixed rule at its own severity
			{"STS001=warning", false, "", 0},             // fixed
			{"STS304=off", false, "", 0},                 // fixed
			{"STS999=off", false, "", 0},                 // unknown
			{"STS102", false, "", 0},                     // no =
			{"STS102=loud", false, "", 0},                // no such level
			{"STS102=", false, "", 0},
			{"=off", false, "", 0},
		} {
			var p Policy
			err := p.ParseSetting(c.setting)
			switch {
			case c.ok && err != nil:
				t.Errorf("ParseSetting(%q): %v", c.setting, err)
			case !c.ok && err == nil:
				t.Errorf("ParseSetting(%q) succeeded with %v, want an error", c.setting, p.Severity)
			case c.ok && p.Severity[c.id] != c.want:
				t.Errorf("ParseSetting(%q) set %v, want %s=%v", c.setting, p.Severity, c.id, c.want)
			case !c.ok && len(p.Severity) > 0:
				t.Errorf("ParseSetting(%q) failed but set %v", c.setting, p.Severity)
			}
		}
	})
}

// ruleCases is TestRules' table, the cases of every family; TestRuleCoverage
// checks it against the catalogue. Cases come in pairs: a firing case, then
// its near miss.
var ruleCases = slices.Concat(
	nameCases,
	labelCases,
	serviceCases,
	containerCases,
	portCases,
	storageCases,
	probeCases,
	configCases,
	envCases,
	resourceCases,
	securityCases,
	spreadCases,
	placementCases,
	templateCases,
	budgetCases,
	quorumCases,
	peerCases,
	updateCases,
	conventionCases,
	apiCases,
	rbacCases,
	bootstrapCases,
	secretCases,
	monitoringCases,
	systemCases,
	tlsCases,
)

// pgApp is a clean standalone Postgres with a claim; extra is added inside
// the app.
func pgApp(extra string) string {
	return `package t

apps: db: {
	image: "postgres:17.2"
	ports: pg: 5432
	probes: readiness: tcp: "pg"
	resources: {
		requests: {cpu: "100m", memory: "64Mi", "ephemeral-storage": "64Mi"}
		limits: {cpu: "1", memory: "64Mi", "ephemeral-storage": "1Gi"}
	}
	storage: data: {size: "10Gi", mountPath: "/var/lib/postgresql"}
` + extra + `}
`
}

// zkApp is a 3-member ensemble with a claim, for the update rules; extra
// is added inside the app.
func zkApp(extra string) string {
	return `package t

apps: zk: {
	image:    "zookeeper:3.9.2"
	topology: "quorum"
	ports: client: 2181
	probes: readiness: tcp: "client"
	resources: {
		requests: {cpu: "100m", memory: "64Mi", "ephemeral-storage": "64Mi"}
		limits: {cpu: "1", memory: "64Mi", "ephemeral-storage": "1Gi"}
	}
	storage: data: {size: "10Gi", mountPath: "/data"}
` + extra + `}
`
}

// zkAppliedHashed is zkApplied whose pod template carries a config hash
// that no build gives.
var zkAppliedHashed = strings.Replace(zkApplied, "spec:\n  replicas: 3\n", "spec:\n  replicas: 3\n  template: {metadata: {annotations: {stsgen.dev/config-hash: old}}}\n", 1)

// zkApplied is what the cluster holds of zkApp("") as applied earlier.
const zkApplied = `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: zk, namespace: default}
spec:
  replicas: 3
  serviceName: zk-hs
  selector: {matchLabels: {app.kubernetes.io/name: zk}}
  volumeClaimTemplates:
  - metadata: {name: data}
    spec:
      accessModes: [ReadWriteOnce]
      resources: {requests: {storage: 10Gi}}
      volumeMode: Filesystem
    status: {phase: Pending}
---
apiVersion: v1
kind: Service
metadata: {name: zk-hs, namespace: default}
spec: {clusterIP: None}
---
apiVersion: v1
kind: Service
metadata: {name: zk, namespace: default}
spec: {clusterIP: 10.0.0.12}
`
