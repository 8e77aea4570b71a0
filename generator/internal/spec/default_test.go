package spec_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/cuecontext"

	"github.com/stsgen/stsgen/generator/diag"
	"github.com/stsgen/stsgen/generator/internal/load"
	"github.com/stsgen/stsgen/generator/internal/spec"
	"github.com/stsgen/stsgen/schema"
)

// defaultCases set each field of #App to *V | W, a disjunction whose
// default is V and whose other value W is valid too, so that CUE keeps
// both; the app must decode as if the field were V.
//
// Where the schema has a default of its own that differs from V and W is
// that default, the two defaults conflict and CUE finds no single value;
// such a case (ambiguous) must give an error, never a Spec.
var defaultCases = []struct {
	field     string // the app's field, and below it for the nested cases
	v, w      string
	ambiguous bool
}{
	{"namespace", `"db"`, `"other"`, false},
	{"clusterDomain", `"corp.local"`, `"other.local"`, false},
	{"clusterDomain", `"corp.local"`, `"cluster.local"`, true},
	{"image", `"postgres:17.2"`, `"postgres:16.6"`, false},
	{"version", `"17"`, `"16"`, false},
	{"command", `["postgres"]`, `["pg"]`, false},
	{"args", `["-c", "a=1"]`, `["-c", "a=2"]`, false},
	{"env", `{A: "1"}`, `{B: "2"}`, false},
	{"env", `{A: *{valueFrom: fieldRef: fieldPath: "metadata.name"} | "x"}`, `{}`, false},
	{"resources", `{requests: cpu: "1"}`, `{requests: cpu: "2"}`, false},
	{"securityContext", `{runAsUser: 1000}`, `{runAsUser: 2000}`, false},
	{"podSecurityContext", `{fsGroup: 1000}`, `{fsGroup: 2000}`, false},
	{"lifecycle", `{preStop: exec: command: ["a"]}`, `{preStop: exec: command: ["b"]}`, false},
	{"serviceAccountName", `"db"`, `"other"`, false},
	{"automountServiceAccountToken", `true`, `false`, true},
	{"serviceAccount", `{rules: [{apiGroups: [""], resources: ["pods"], verbs: ["get"]}]}`, `{create: false}`, false},
	{"serviceAccount", `{create: true, name: *"db-sa" | "other"}`, `{}`, false},
	{"imagePullPolicy", `"IfNotPresent"`, `"Never"`, false},
	{"networkPolicy", `{enabled: false}`, `{enabled: true}`, false},
	{"labels", `{team: "a"}`, `{team: "b"}`, false},
	{"annotations", `{team: "a"}`, `{team: "b"}`, false},
	{"topology", `"primary-replica"`, `"quorum"`, false},
	{"topology", `"primary-replica"`, `"standalone"`, true},
	{"replicas", `3`, `5`, false},
	{"ports", `{pg: 5432}`, `{other: 5433}`, false},
	{"ports", `{pg: *{port: 6379, expose: ["headless"]} | 6380}`, `{}`, false},
	{"ports", `{pg: 5432, m: {port: 9187, container: "exporter"}}`, `{pg: 5432, m: {port: 9188, container: "other"}}`, false},
	{"metrics", `{port: "pg", interval: "30s"}`, `{port: "pg", interval: "1m"}`, false},
	{"metrics", `{port: "pg", monitor: *"PodMonitor" | "none", scraper: namespace: *"monitoring" | "obs"}`, `{port: "pg"}`, false},
	{"storage", `{data: {size: "10Gi", mountPath: "/data"}}`, `{data: {size: "5Gi", mountPath: "/data"}}`, false},
	{"storage", `{data: {size: *"10Gi" | "5Gi", mountPath: "/data"}}`, `{}`, false},
	{"retention", `{whenDeleted: "Delete"}`, `{whenDeleted: "Retain"}`, false},
	{"volumes", `{v: {emptyDir: {}, mountPath: "/v"}}`, `{w: {emptyDir: {}, mountPath: "/w"}}`, false},
	{"probes", `{readiness: tcp: "pg"}`, `{liveness: tcp: "pg"}`, false},
	{"probes", `{readiness: *{tcp: "pg", periodSeconds: 5} | {exec: ["true"]}}`, `{}`, false},
	{"config", `{mountPath: "/conf", files: a: "x"}`, `{mountPath: "/conf", files: b: "y"}`, false},
	{"config", `{mountPath: "/conf", files: *{a: "x"} | {}}`, `{mountPath: "/etc"}`, false},
	{"identity", `{idBase: 1}`, `{idBase: 2}`, false},
	{"identity", `{init: *true | false}`, `{}`, false},
	{"services", `{read: type: "LoadBalancer"}`, `{read: type: "NodePort"}`, false},
	{"disruption", `{maxUnavailable: 1}`, `{maxUnavailable: 2}`, false},
	{"disruption", `{maxUnavailable: *"50%" | 1}`, `{}`, false},
	{"podManagementPolicy", `"Parallel"`, `"OrderedReady"`, true},
	{"updateStrategy", `{type: "OnDelete"}`, `{type: "RollingUpdate"}`, false},
	{"updateStrategy", `{partition: *1 | 2}`, `{}`, false},
	{"minReadySeconds", `5`, `6`, false},
	{"ordinals", `{start: 1}`, `{start: 2}`, false},
	{"recreate", `true`, `false`, true},
	{"terminationGracePeriodSeconds", `30`, `60`, false},
	{"revisionHistoryLimit", `3`, `4`, false},
	{"spread", `{mode: "required"}`, `"none"`, false},
	{"spread", `{mode: "required", topologyKey: *"topology.kubernetes.io/zone" | "example.com/rack"}`, `"none"`, false},
	{"checks", `{STS102: "off"}`, `{STS105: "off"}`, false},
	{"initContainers", `[{name: "a", image: "busybox:1.36"}]`, `[]`, false},
	{"sidecars", `[{name: "a", image: "busybox:1.36"}]`, `[]`, false},
	{"envFrom", `[{secretRef: name: "a"}]`, `[{secretRef: name: "b"}]`, false},
	{"writable", `["/etc/a"]`, `["/etc/b"]`, false},
	{"secretFiles", `{"/etc/k": {secret: "a", key: "k"}}`, `{"/etc/j": {secret: "b", key: "j"}}`, false},
	{"secretFiles", `{"/etc/k": {secret: "a", key: "k", mode: *0o600 | 0o640}}`, `{}`, false},
	{"secrets", `{a: keys: ["k"]}`, `{b: keys: ["j"]}`, false},
	{"secrets", `{a: {keys: *["k"] | ["j"], version: "1"}}`, `{}`, false},
	{"secrets", `{a: {type: "kubernetes.io/tls", external: {store: "s", refreshInterval: *"5m" | "1m", remoteKey: "r"}}}`, `{}`, false},
	{"nodeSelector", `{pool: "a"}`, `{pool: "b"}`, false},
	{"tolerations", `[{key: "a", operator: "Exists"}]`, `[]`, false},
	{"tolerations", `[*{key: "a", operator: "Exists"} | {key: "b", operator: "Exists"}]`, `[]`, false},
	{"affinity", `{nodeAffinity: {}}`, `{podAffinity: {}}`, false},
	{"topologySpreadConstraints", `[{maxSkew: 1, topologyKey: "zone", whenUnsatisfiable: "ScheduleAnyway"}]`, `[]`, false},
	{"priorityClassName", `"high"`, `"low"`, false},
	{"preemptionPolicy", `"Never"`, `"PreemptLowerPriority"`, false},
	{"imagePullSecrets", `[{name: "a"}]`, `[{name: "b"}]`, false},
	{"runtimeClassName", `"gvisor"`, `"kata"`, false},
	{"schedulerName", `"a"`, `"b"`, false},
	{"dnsPolicy", `"Default"`, `"None"`, false},
	{"dnsConfig", `{options: [{name: "ndots", value: "2"}]}`, `{}`, false},
	{"hostAliases", `[{ip: "10.0.0.1", hostnames: ["a"]}]`, `[]`, false},
	{"enableServiceLinks", `false`, `true`, false},
	{"shareProcessNamespace", `true`, `false`, false},
	{"setHostnameAsFQDN", `true`, `false`, false},
	{"readinessGates", `[{conditionType: "a"}]`, `[]`, false},
	{"schedulingGates", `[{name: "a"}]`, `[]`, false},
	{"os", `{name: "linux"}`, `{name: "windows"}`, false},
	{"hostUsers", `false`, `true`, false},
	{"bootstrap", `{script: "true"}`, `{script: "false"}`, false},
	{"bootstrap", `{script: "true", backoffLimit: *2 | 3}`, `{command: ["true"]}`, false},
	{"tls", `{issuer: name: "ca"}`, `{issuer: name: "other"}`, false},
	{"tls", `{issuer: name: "ca", privateKey: algorithm: *"RSA" | "Ed25519"}`, `{issuer: name: "ca"}`, false},
	{"services", `{members: {type: "NodePort", nodePorts: pg: 30100}}`, `{members: {}}`, false},
}

// derived are #App's fields that stsgen's schema computes: an app does not
// write them.
var derived = map[string]bool{"name": true, "peers": true, "serviceName": true, "primary": true, "quorum": true, "self": true}

// TestDefaults: a field whose value is a disjunction with a default
// decodes as its default, as CUE evaluates it, for every field of #App.
func TestDefaults(t *testing.T) {
	covered := map[string]bool{}
	for _, c := range defaultCases {
		covered[c.field] = true
		t.Run(c.field+"="+c.v+"|"+c.w, func(t *testing.T) {
			if c.ambiguous {
				if _, ds := decode(t, c.field+": *"+c.v+" | "+c.w); !ds.HasErrors() {
					t.Errorf("%s: *%s | %s decoded without an error; the schema's default makes it ambiguous", c.field, c.v, c.w)
				}
				return
			}
			want := decoded(t, c.field+": "+c.v)
			got := decoded(t, c.field+": *"+c.v+" | "+c.w)
			if got != want {
				t.Errorf("%s: *%s | %s decodes as\n%s\nwant, as %s alone:\n%s", c.field, c.v, c.w, got, c.v, want)
			}
		})
	}
	// Every field an app may write has a case.
	s := cuecontextSchema(t)
	iter, err := s.Fields(cue.Optional(true))
	if err != nil {
		t.Fatal(err)
	}
	for iter.Next() {
		name := iter.Selector().Unquoted()
		if !derived[name] && !covered[name] {
			t.Errorf("#App.%s has no case in defaultCases", name)
		}
	}
}

// decoded compiles an app with the field written and returns its Spec
// as JSON, without its Source.
func decoded(t *testing.T, field string) string {
	t.Helper()
	specs, ds := decode(t, field)
	if ds.HasErrors() || len(specs) != 1 {
		t.Fatalf("%s: %d specs, %v", field, len(specs), ds)
	}
	specs[0].Source = nil
	data, err := json.MarshalIndent(specs[0], "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// decode compiles an app with the field written and decodes it.
func decode(t *testing.T, field string) ([]*spec.Spec, diag.Diagnostics) {
	t.Helper()
	dir := t.TempDir()
	src := "package t\n\napps: db: {\n\timage: *\"postgres:17.2\" | string\n\t" + field + "\n}\n"
	if err := os.WriteFile(filepath.Join(dir, "app.cue"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	pkgs, ds := load.Packages(load.LoadConfig{Dir: dir})
	if len(ds) > 0 || len(pkgs) != 1 {
		t.Fatalf("%s: %d packages, %v", src, len(pkgs), ds)
	}
	return spec.Decode(pkgs[0])
}

// cuecontextSchema is the embedded #App.
func cuecontextSchema(t *testing.T) cue.Value {
	t.Helper()
	src, err := schema.FS.ReadFile("app.cue")
	if err != nil {
		t.Fatal(err)
	}
	v := cuecontext.New().CompileBytes(src)
	return v.LookupPath(cue.MakePath(cue.Def(schema.AppDef)))
}
