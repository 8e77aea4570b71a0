package generator_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stsgen/stsgen/generator"
)

// TestInitScript runs the generated identity script under sh for every
// ordinal of an app, with the ConfigMap laid out as the pod would mount it,
// and checks the identity it derives and the files it installs.
func TestInitScript(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh on this machine")
	}
	type member struct {
		pod, ordinal, index, id, role string
		// names are the identity's stable names, in the env file's order.
		names []string
		files map[string]string // installed file -> ConfigMap key
		env   []string          // lines expected in the env file
	}
	tests := []struct {
		dir     string
		members []member
	}{{
		dir: "../testdata/golden/primary-replica", // ordinals.start: 1
		members: []member{
			{pod: "redis-1", ordinal: "1", index: "0", id: "1", role: "primary",
				names: []string{"HOST=redis-1.redis-hs", "FQDN=redis-1.redis-hs.cache.svc.cluster.local", "PREVIOUS=", "PREVIOUS_FQDN=",
					"PRIMARY=redis-1.redis-hs", "PRIMARY_FQDN=redis-1.redis-hs.cache.svc.cluster.local"},
				files: map[string]string{"redis.conf": "redis.conf"},
				env:   []string{"export REDIS_ROLE='primary'"}},
			{pod: "redis-3", ordinal: "3", index: "2", id: "3", role: "replica",
				names: []string{"HOST=redis-3.redis-hs", "FQDN=redis-3.redis-hs.cache.svc.cluster.local",
					"PREVIOUS=redis-2.redis-hs", "PREVIOUS_FQDN=redis-2.redis-hs.cache.svc.cluster.local",
					"PRIMARY=redis-1.redis-hs", "PRIMARY_FQDN=redis-1.redis-hs.cache.svc.cluster.local"},
				files: map[string]string{"redis.conf": "redis.conf"},
				env:   []string{"export REDIS_ROLE='replica'", `set -- "$@" '--replicaof' 'redis-1.redis-hs.cache.svc.cluster.local' '6379'`}},
		},
	}, {
		dir: "../examples/zookeeper",
		members: []member{
			{pod: "zk-0", ordinal: "0", index: "0", id: "1", role: "member", files: map[string]string{"zoo.cfg": "zoo.cfg"},
				names: []string{"HOST=zk-0.zk-hs", "FQDN=zk-0.zk-hs.default.svc.cluster.local", "PREVIOUS=", "PREVIOUS_FQDN="}},
			{pod: "zk-2", ordinal: "2", index: "2", id: "3", role: "member", files: map[string]string{"zoo.cfg": "zoo.cfg"},
				names: []string{"HOST=zk-2.zk-hs", "FQDN=zk-2.zk-hs.default.svc.cluster.local",
					"PREVIOUS=zk-1.zk-hs", "PREVIOUS_FQDN=zk-1.zk-hs.default.svc.cluster.local"}},
		},
	}}
	for _, tt := range tests {
		abs, _ := filepath.Abs(tt.dir)
		bundles, ds := generator.Compile(generator.LoadConfig{Dir: abs}, generator.Policy{})
		if ds.HasErrors() || len(bundles) == 0 {
			t.Fatalf("%s: compile: %v", tt.dir, ds)
		}
		// The first app of the package is the one the members belong to.
		data := bundles[0].ConfigMap.Data
		for _, m := range tt.members {
			t.Run(m.pod, func(t *testing.T) {
				work := t.TempDir()
				runInitScript(t, sh, data, work, m.pod)
				for name, want := range map[string]string{"ordinal": m.ordinal, "index": m.index, "id": m.id, "role": m.role} {
					if got := read(t, filepath.Join(work, "identity", name)); got != want+"\n" {
						t.Errorf("identity/%s = %q, want %q", name, got, want+"\n")
					}
				}
				env := read(t, filepath.Join(work, "identity", "env"))
				wantEnv := []string{
					"export STSGEN_POD=" + m.pod,
					"export STSGEN_ORDINAL=" + m.ordinal,
					"export STSGEN_INDEX=" + m.index,
					"export STSGEN_ID=" + m.id,
					"export STSGEN_ROLE=" + m.role,
				}
				for _, n := range m.names {
					wantEnv = append(wantEnv, "export STSGEN_"+n)
				}
				wantEnv = append(wantEnv, m.env...)
				if diff := cmp.Diff(strings.Join(wantEnv, "\n")+"\n", env); diff != "" {
					t.Errorf("identity/env (-want +got):\n%s", diff)
				}
				// The main container's launcher sources the env file and appends
				// the role's args to its command line.
				main := bundles[0].StatefulSet.Spec.Template.Spec.Containers[0]
				if len(main.Command) == 4 && main.Command[1] == "-c" {
					launcher := strings.ReplaceAll(main.Command[2], "/etc/stsgen", filepath.Join(work, "identity"))
					out, err := exec.Command(sh, "-c", launcher, "sh", "sh", "-c", `printf '[%s]' "$REDIS_ROLE" "$@"`, "cmd").Output()
					if err != nil {
						t.Fatalf("launcher: %v", err)
					}
					want := "[" + m.role + "]"
					if m.role == "replica" {
						want += "[--replicaof][redis-1.redis-hs.cache.svc.cluster.local][6379]"
					}
					if string(out) != want {
						t.Errorf("launcher ran %q, want %q", out, want)
					}
				}
				for name, key := range m.files {
					if got := read(t, filepath.Join(work, "config", name)); got != data[key] {
						t.Errorf("config/%s = %q, want ConfigMap key %s", name, got, key)
					}
				}
			})
		}
	}
}

// TestInitScriptRejects checks that the script refuses a pod name without
// an ordinal and an ordinal below ordinals.start.
func TestInitScriptRejects(t *testing.T) {
	abs, _ := filepath.Abs("../testdata/golden/primary-replica")
	bundles, ds := generator.Compile(generator.LoadConfig{Dir: abs}, generator.Policy{})
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	script := filepath.Join(t.TempDir(), "init.sh")
	if err := os.WriteFile(script, []byte(bundles[0].ConfigMap.Data["stsgen-init.sh"]), 0o644); err != nil {
		t.Fatal(err)
	}
	for pod, want := range map[string]string{
		"redis":   "does not end in an ordinal",
		"redis-0": "ordinal 0 is below ordinals.start 1",
	} {
		cmd := exec.Command("sh", script)
		cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "STSGEN_POD_NAME=" + pod, "STSGEN_IDENTITY_DIR=" + t.TempDir()}
		out, err := cmd.CombinedOutput()
		if err == nil || !strings.Contains(string(out), want) {
			t.Errorf("pod %s: err = %v, output %q; want failure with %q", pod, err, out, want)
		}
	}
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestInitScriptHostile runs the init script and the main container's
// launcher of an app whose values are shell code: an identity mount path,
// role env and args. sh must read each as data: no command of theirs
// runs, and each reaches the member as written. A headless Service name,
// which reaches the identity env file, must be a DNS label even with STS003
// off (STS018).
func TestInitScriptHostile(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh on this machine")
	}
	work := t.TempDir()
	identity := filepath.Join(work, `id"$(touch pwned-mount)`+"`touch pwned-tick`")
	src := `package t

apps: db: {
	image:    "postgres:17.2"
	topology: "primary-replica"
	replicas: 2
	command: ["postgres"]
	ports: pg: 5432
	probes: readiness: tcp: "pg"
	checks: {STS003: "off", STS107: "off"}
	services: headless: name: HEADLESS
	identity: mountPath: ` + strconv.Quote(identity) + `
	config: {mountPath: "/conf", roles: replica: {env: {A: "$(touch pwned-env)\"'"}, args: ["$(touch pwned-arg)"]}}
}
`
	compile := func(headless string) ([]*generator.Bundle, generator.Diagnostics) {
		dir := t.TempDir()
		app := strings.Replace(src, "HEADLESS", strconv.Quote(headless), 1)
		if err := os.WriteFile(filepath.Join(dir, "app.cue"), []byte(app), 0o644); err != nil {
			t.Fatal(err)
		}
		return generator.Compile(generator.LoadConfig{Dir: dir}, generator.Policy{})
	}
	if _, ds := compile("hs$(touch pwned-service)"); !slices.ContainsFunc(ds, func(d generator.Diagnostic) bool {
		return d.Rule == generator.RuleDNSNames && d.Path == "apps.db.services.headless.name"
	}) {
		t.Errorf("a headless Service name of shell code with STS003 off: want STS018, got\n%v", ds)
	}
	bundles, ds := compile("db-hs")
	if ds.HasErrors() || len(bundles) != 1 {
		t.Fatalf("compile: %v", ds)
	}
	source := filepath.Join(work, "source")
	if err := os.Mkdir(source, 0o755); err != nil {
		t.Fatal(err)
	}
	for k, v := range bundles[0].ConfigMap.Data {
		if err := os.WriteFile(filepath.Join(source, k), []byte(v), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(sh, filepath.Join(source, "stsgen-init.sh"))
	cmd.Dir = work
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"),
		"STSGEN_POD_NAME=db-1",
		"STSGEN_SOURCE_DIR=" + source,
		"STSGEN_CONFIG_DIR=" + filepath.Join(work, "config"),
		"STSGEN_IDENTITY_DIR=" + identity,
	}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("init script: %v\n%s", err, out)
	}
	main := bundles[0].StatefulSet.Spec.Template.Spec.Containers[0]
	launcher := exec.Command(sh, append(main.Command[1:], "sh", "-c", `printf '[%s]' "$A" "$STSGEN_HOST" "$@"`, "cmd")...)
	launcher.Dir = work
	out, err := launcher.Output()
	if err != nil {
		t.Fatalf("launcher %q: %v", main.Command, err)
	}
	if want := `[$(touch pwned-env)"'][db-1.db-hs][$(touch pwned-arg)]`; string(out) != want {
		t.Errorf("the member got %s, want %s", out, want)
	}
	if pwned, _ := filepath.Glob(filepath.Join(work, "pwned-*")); len(pwned) > 0 {
		t.Errorf("sh ran a value as code: %v", pwned)
	}
}

// TestInitScriptTemplates runs the init script of an app whose config
// files hold placeholders, for two members of each topology that has
// names of its own, and checks what each member's files become.
func TestInitScriptTemplates(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh on this machine")
	}
	dir := t.TempDir()
	src := `package t

apps: kafka: {
	image:    "apache/kafka:3.8.0"
	topology: "primary-replica"
	replicas: 3
	ordinals: start: 1
	ports: broker: 9092
	probes: readiness: tcp: "broker"
	checks: STS107: "off"
	config: {
		files: "server.properties": """
			node.id=@@id@@
			advertised.listeners=PLAINTEXT://@@fqdn@@:9092
			# @@pod@@ (@@ordinal@@, index @@index@@) is a @@role@@ after "@@previous@@"
			leader=@@primary_fqdn@@ @@primary@@ @@host@@ @@previous_fqdn@@ @@id@@@@id@@
			"""
		roles: replica: files: "role.conf": "follow=@@primary@@\n"
	}
}
`
	if err := os.WriteFile(filepath.Join(dir, "app.cue"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	bundles, ds := generator.Compile(generator.LoadConfig{Dir: dir}, generator.Policy{})
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	data := bundles[0].ConfigMap.Data
	const domain = "kafka-hs.default.svc.cluster.local"
	for _, m := range []struct {
		pod        string
		properties string
		role       string // role.conf, or "" when the member has none
	}{
		{"kafka-1", "node.id=1\nadvertised.listeners=PLAINTEXT://kafka-1." + domain + ":9092\n# kafka-1 (1, index 0) is a primary after \"\"\nleader=kafka-1." + domain + " kafka-1.kafka-hs kafka-1.kafka-hs  11", ""},
		{"kafka-3", "node.id=3\nadvertised.listeners=PLAINTEXT://kafka-3." + domain + ":9092\n# kafka-3 (3, index 2) is a replica after \"kafka-2.kafka-hs\"\nleader=kafka-1." + domain + " kafka-1.kafka-hs kafka-3.kafka-hs kafka-2." + domain + " 33", "follow=kafka-1.kafka-hs\n"},
	} {
		t.Run(m.pod, func(t *testing.T) {
			work := t.TempDir()
			runInitScript(t, sh, data, work, m.pod)
			if got := read(t, filepath.Join(work, "config", "server.properties")); got != m.properties {
				t.Errorf("server.properties:\n%s\nwant\n%s", got, m.properties)
			}
			if m.role != "" {
				if got := read(t, filepath.Join(work, "config", "role.conf")); got != m.role {
					t.Errorf("role.conf = %q, want %q", got, m.role)
				}
			}
		})
	}
}

// TestInitScriptSecretFiles runs the init script of an app with
// secretFiles and checks that each is installed with its mode.
func TestInitScriptSecretFiles(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh on this machine")
	}
	abs, _ := filepath.Abs("../testdata/golden/files")
	bundles, ds := generator.Compile(generator.LoadConfig{Dir: abs}, generator.Policy{})
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	work := t.TempDir()
	secret := filepath.Join(work, "secret-source", "0")
	if err := os.MkdirAll(secret, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(secret, "keyfile"), []byte("s3cret"), 0o644); err != nil {
		t.Fatal(err)
	}
	runInitScript(t, sh, bundles[0].ConfigMap.Data, work, "mongo-1",
		"STSGEN_SECRETS_DIR="+filepath.Join(work, "secrets"), "STSGEN_SECRET_SOURCE_DIR="+filepath.Join(work, "secret-source"))
	installed := filepath.Join(work, "secrets", "0")
	info, err := os.Stat(installed)
	if err != nil {
		t.Fatal(err)
	}
	if got := info.Mode().Perm(); got != 0o400 {
		t.Errorf("the keyfile's mode is %o, want 400", got)
	}
	if got := read(t, installed); got != "s3cret" {
		t.Errorf("the keyfile holds %q", got)
	}
	// The main container mounts it at its path.
	main := bundles[0].StatefulSet.Spec.Template.Spec.Containers[0]
	found := false
	for _, m := range main.VolumeMounts {
		found = found || m.MountPath == "/etc/mongo/keyfile" && m.SubPath == "0" && m.ReadOnly
	}
	if !found {
		t.Errorf("the main container does not mount the keyfile: %v", main.VolumeMounts)
	}
}

// runInitScript runs the init script of a ConfigMap's data for a pod, with
// the ConfigMap laid out as the pod mounts it under work/source; env adds
// to the script's environment. It returns work/source.
func runInitScript(t *testing.T, sh string, data map[string]string, work, pod string, env ...string) string {
	t.Helper()
	source := filepath.Join(work, "source")
	if err := os.MkdirAll(source, 0o755); err != nil {
		t.Fatal(err)
	}
	for k, v := range data {
		if err := os.WriteFile(filepath.Join(source, k), []byte(v), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	script := filepath.Join(source, "stsgen-init.sh")
	if out, err := exec.Command(sh, "-n", script).CombinedOutput(); err != nil {
		t.Fatalf("sh -n: %v\n%s", err, out)
	}
	cmd := exec.Command(sh, script)
	cmd.Env = append([]string{
		"PATH=" + os.Getenv("PATH"),
		"STSGEN_POD_NAME=" + pod,
		"STSGEN_SOURCE_DIR=" + source,
		"STSGEN_CONFIG_DIR=" + filepath.Join(work, "config"),
		"STSGEN_IDENTITY_DIR=" + filepath.Join(work, "identity"),
	}, env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("init script: %v\n%s", err, out)
	}
	return source
}
