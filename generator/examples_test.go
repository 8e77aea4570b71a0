package generator_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"

	"github.com/stsgen/stsgen/generator"
)

// A pod of an example, run on this machine: the ConfigMap laid out as the
// pod mounts it, stsgen's init script run for the pod's name, then the
// containers the case names run with their mounts mapped into a temporary
// directory and stub tools first on PATH.
type examplePod struct {
	pod, role, id string
	// files are the config files the init script must install, and lines
	// the lines some of them must hold once installed: a template's with
	// its placeholders replaced by the pod's identity.
	files []string
	lines map[string][]string
	runs  []containerRun
}

// containerRun runs one container's command as the pod would.
type containerRun struct {
	container string
	// env adds or overrides environment variables; "{work}" in a value is
	// the pod's directory. The examples' scripts take their paths from the
	// environment, with the pod's paths as defaults.
	env map[string]string
	// replace rewrites the command line, for an absolute path a stub must
	// take the place of.
	replace map[string]string
	// setup prepares the pod's directory, such as data from a previous run.
	setup func(t *testing.T, work string)
	// stubs are the tools the command may call; each logs its name and
	// arguments (and the variables named in logEnv) and succeeds.
	stubs  []string
	logEnv []string
	// wantLog is the stub log, line by line; wantOut must appear in the
	// command's output.
	wantLog []string
	wantOut string
	// anyOrder compares the log without order: the tools of a pipeline
	// run at once.
	anyOrder bool
}

type exampleCase struct {
	dir, app string
	// start, when set, compiles the example with that ordinals.start.
	start int
	// noInit says that nothing in the app needs stsgen-init: the pods run
	// none and there is no ConfigMap, so there are no pods to run here.
	// shellless says, moreover, that nothing needs a shell, for an image
	// that has none: no init container at all, no container that starts
	// through sh.
	noInit, shellless bool
	// env holds values the main container's env must have.
	env  map[string]string
	pods []examplePod
}

// name names the case's test: the app, after the package's directory in an
// example of several packages.
func (tc exampleCase) name() string {
	name := tc.app
	if strings.Contains(tc.dir, "/") {
		name = tc.dir + "/" + tc.app
	}
	return fmt.Sprintf("%s/start=%d", name, tc.start)
}

var exampleCases = []exampleCase{
	// etcd from its distroless image: its names come from the env every
	// container gets, its initial cluster from peers.
	{dir: "etcd", app: "etcd", noInit: true, shellless: true},
	{dir: "etcd", app: "etcd", start: 2, noInit: true, shellless: true},
	// Cassandra's image takes its settings from the environment; its
	// seeds are the first two members.
	{dir: "cassandra", app: "cassandra", noInit: true, env: map[string]string{"CASSANDRA_SEEDS": cassandraSeeds("cassandra-0", "cassandra-1")}},
	{dir: "cassandra", app: "cassandra", start: 3, noInit: true, env: map[string]string{"CASSANDRA_SEEDS": cassandraSeeds("cassandra-3", "cassandra-4")}},
	{dir: "redis", app: "redis", pods: []examplePod{
		{pod: "redis-0", role: "primary", id: "1", files: []string{"redis.conf"}, runs: []containerRun{{
			container: "redis", stubs: []string{"redis-server"},
			wantLog: []string{"redis-server {work}/config/redis.conf --requirepass $(REDIS_PASSWORD) --masterauth $(REDIS_PASSWORD)"},
		}}},
		{pod: "redis-2", role: "replica", id: "3", files: []string{"redis.conf"}, runs: []containerRun{{
			container: "redis", stubs: []string{"redis-server"},
			wantLog: []string{"redis-server {work}/config/redis.conf --requirepass $(REDIS_PASSWORD) --masterauth $(REDIS_PASSWORD) --replicaof redis-0.redis-hs.default.svc.cluster.local 6379 --replica-read-only yes"},
		}}},
	}},
	{dir: "redis", app: "redis", start: 5, pods: []examplePod{
		{pod: "redis-5", role: "primary", id: "1", files: []string{"redis.conf"}},
		{pod: "redis-6", role: "replica", id: "2", files: []string{"redis.conf"}, runs: []containerRun{{
			container: "redis", stubs: []string{"redis-server"},
			wantLog: []string{"redis-server {work}/config/redis.conf --requirepass $(REDIS_PASSWORD) --masterauth $(REDIS_PASSWORD) --replicaof redis-5.redis-hs.default.svc.cluster.local 6379 --replica-read-only yes"},
		}}},
	}},
	// One app in two environments, each a package that imports the base:
	// the same members, in their own namespaces.
	{dir: "environments/dev", app: "redis", pods: []examplePod{
		{pod: "redis-0", role: "primary", id: "1", files: []string{"redis.conf"}, runs: []containerRun{{
			container: "redis", stubs: []string{"redis-server"},
			wantLog: []string{"redis-server {work}/config/redis.conf"},
		}}},
	}},
	{dir: "environments/prod", app: "redis", pods: []examplePod{
		{pod: "redis-0", role: "primary", id: "1", files: []string{"redis.conf"}},
		{pod: "redis-4", role: "replica", id: "5", files: []string{"redis.conf"}, runs: []containerRun{{
			container: "redis", stubs: []string{"redis-server"},
			wantLog: []string{"redis-server {work}/config/redis.conf --replicaof redis-0.redis-hs.prod.svc.cluster.local 6379 --replica-read-only yes"},
		}}},
	}},
	{dir: "zookeeper", app: "zk", pods: []examplePod{
		{pod: "zk-0", role: "member", id: "1", files: []string{"zoo.cfg"}, runs: []containerRun{zkServer("zk", "1")}},
		{pod: "zk-2", role: "member", id: "3", files: []string{"zoo.cfg"}, runs: []containerRun{zkServer("zk", "3")}},
	}},
	{dir: "zookeeper", app: "zk5", pods: []examplePod{
		{pod: "zk5-4", role: "member", id: "5", files: []string{"zoo.cfg"}, runs: []containerRun{zkServer("zk5", "5")}},
	}},
	{dir: "zookeeper", app: "zk", start: 1, pods: []examplePod{
		{pod: "zk-1", role: "member", id: "1", files: []string{"zoo.cfg"}, runs: []containerRun{zkServer("zk", "1")}},
		{pod: "zk-3", role: "member", id: "3", files: []string{"zoo.cfg"}, runs: []containerRun{zkServer("zk", "3")}},
	}},
	// Kafka's server.properties is a template: each node gets its own
	// node.id and advertised listeners, the id and name the voters give it.
	{dir: "kafka", app: "kafka", pods: []examplePod{
		{pod: "kafka-0", role: "member", id: "1", files: kafkaFiles, lines: kafkaProps("kafka-0", 1, "kafka-0", "kafka-1", "kafka-2")},
		{pod: "kafka-2", role: "member", id: "3", files: kafkaFiles, lines: kafkaProps("kafka-2", 3, "kafka-0", "kafka-1", "kafka-2")},
	}},
	{dir: "kafka", app: "kafka", start: 1, pods: []examplePod{
		{pod: "kafka-1", role: "member", id: "1", files: kafkaFiles, lines: kafkaProps("kafka-1", 1, "kafka-1", "kafka-2", "kafka-3")},
		{pod: "kafka-3", role: "member", id: "3", files: kafkaFiles, lines: kafkaProps("kafka-3", 3, "kafka-1", "kafka-2", "kafka-3")},
	}},
	// Patroni elects the leader and labels it; the primary Service follows
	// the label. Its members differ only by their names.
	{dir: "patroni", app: "patroni", pods: []examplePod{
		{pod: "patroni-0", role: "primary", id: "1", files: []string{"patroni.yml"}, runs: []containerRun{{
			container: "patroni", stubs: []string{"patroni"},
			wantLog: []string{"patroni {work}/config/patroni.yml"},
		}}},
		{pod: "patroni-2", role: "replica", id: "3", files: []string{"patroni.yml"}, runs: []containerRun{{
			container: "patroni", stubs: []string{"patroni"},
			wantLog: []string{"patroni {work}/config/patroni.yml"},
		}}},
	}},
	{dir: "postgres", app: "postgres", pods: []examplePod{
		{pod: "postgres-0", role: "primary", id: "1", files: []string{"postgresql.conf", "pg_hba.conf", "bootstrap.sh"}, runs: []containerRun{
			pgBootstrap(nil, "is the primary", nil),
		}},
		{pod: "postgres-1", role: "replica", id: "2", files: []string{"postgresql.conf", "pg_hba.conf", "bootstrap.sh"}, runs: []containerRun{
			pgBootstrap(nil, "cloned postgres-0.postgres-hs.default.svc.cluster.local", []string{
				"pg_isready -h postgres-0.postgres-hs.default.svc.cluster.local -p 5432 -U postgres",
				"pg_basebackup -h postgres-0.postgres-hs.default.svc.cluster.local -p 5432 -U postgres -D {work}/data/pgdata -R -X stream -c fast",
			}),
			// A replica that has its data already starts as it is.
			pgBootstrap(func(t *testing.T, work string) { write(t, filepath.Join(work, "data/pgdata/PG_VERSION"), "17\n") }, "already holds a database", nil),
		}},
	}},
	{dir: "postgres", app: "postgres", start: 2, pods: []examplePod{
		{pod: "postgres-2", role: "primary", id: "1", files: []string{"postgresql.conf", "pg_hba.conf", "bootstrap.sh"}, runs: []containerRun{
			pgBootstrap(nil, "is the primary", nil),
		}},
		{pod: "postgres-4", role: "replica", id: "3", files: []string{"postgresql.conf", "pg_hba.conf", "bootstrap.sh"}, runs: []containerRun{
			pgBootstrap(nil, "cloned postgres-2", []string{
				"pg_isready -h postgres-2.postgres-hs.default.svc.cluster.local -p 5432 -U postgres",
				"pg_basebackup -h postgres-2.postgres-hs.default.svc.cluster.local -p 5432 -U postgres -D {work}/data/pgdata -R -X stream -c fast",
			}),
		}},
	}},
	{dir: "mysql", app: "mysql", pods: []examplePod{
		{pod: "mysql-0", role: "primary", id: "100", files: []string{"clone.sh", "xtrabackup.sh", "primary.cnf"}, runs: []containerRun{
			mysqlServer("100"),
			mysqlClone(nil, "is the first member", nil),
			// The primary's sidecar has nothing to start; it serves backups.
			mysqlSidecar(nil, []string{
				"ncat --listen --keep-open --send-only --max-conns=1 3307 -c xtrabackup --backup --slave-info --stream=xbstream --host=127.0.0.1 --user=root --password=secret",
			}),
		}},
		{pod: "mysql-1", role: "replica", id: "101", files: []string{"clone.sh", "xtrabackup.sh", "replica.cnf"}, runs: []containerRun{
			mysqlServer("101"),
			mysqlClone(nil, "copying from mysql-0.mysql", []string{
				"ncat --recv-only mysql-0.mysql 3307",
				"xbstream -x -C {work}/data",
				"xtrabackup --prepare --target-dir={work}/data",
			}),
			// Cloned from the primary: replication starts at its binlog.
			mysqlSidecar(func(t *testing.T, work string) {
				write(t, filepath.Join(work, "data/xtrabackup_binlog_info"), "mysql-bin.000003\t154\n")
			}, []string{
				"mysql -h 127.0.0.1 -uroot -psecret -e SELECT 1",
				"mysql -h 127.0.0.1 -uroot -psecret -e CHANGE MASTER TO MASTER_LOG_FILE='mysql-bin.000003', MASTER_LOG_POS=154, MASTER_HOST='mysql-0.mysql', MASTER_USER='root', MASTER_PASSWORD='secret', MASTER_CONNECT_RETRY=10; START SLAVE;",
				"ncat --listen --keep-open --send-only --max-conns=1 3307 -c xtrabackup --backup --slave-info --stream=xbstream --host=127.0.0.1 --user=root --password=secret",
			}),
		}},
		{pod: "mysql-2", role: "replica", id: "102", files: []string{"clone.sh", "xtrabackup.sh", "replica.cnf"}, runs: []containerRun{
			mysqlClone(nil, "copying from mysql-1.mysql", []string{
				"ncat --recv-only mysql-1.mysql 3307",
				"xbstream -x -C {work}/data",
				"xtrabackup --prepare --target-dir={work}/data",
			}),
			// A member whose data is there already keeps it.
			mysqlClone(func(t *testing.T, work string) { mkdir(t, filepath.Join(work, "data/mysql")) }, "already holds data", nil),
			// Cloned from a replica: its replication position carries over.
			mysqlSidecar(func(t *testing.T, work string) {
				write(t, filepath.Join(work, "data/xtrabackup_slave_info"), "CHANGE MASTER TO MASTER_LOG_FILE='mysql-bin.000003', MASTER_LOG_POS=481;\n")
			}, []string{
				"mysql -h 127.0.0.1 -uroot -psecret -e SELECT 1",
				"mysql -h 127.0.0.1 -uroot -psecret -e CHANGE MASTER TO MASTER_LOG_FILE='mysql-bin.000003', MASTER_LOG_POS=481, MASTER_HOST='mysql-0.mysql', MASTER_USER='root', MASTER_PASSWORD='secret', MASTER_CONNECT_RETRY=10; START SLAVE;",
				"ncat --listen --keep-open --send-only --max-conns=1 3307 -c xtrabackup --backup --slave-info --stream=xbstream --host=127.0.0.1 --user=root --password=secret",
			}),
		}},
	}},
	// With ordinals.start 3 the primary is mysql-3, server-id stays 100 +
	// ordinal, and the first member does not clone from mysql-2.
	{dir: "mysql", app: "mysql", start: 3, pods: []examplePod{
		{pod: "mysql-3", role: "primary", id: "103", files: []string{"clone.sh", "xtrabackup.sh", "primary.cnf"}, runs: []containerRun{
			mysqlServer("103"),
			mysqlClone(nil, "is the first member", nil),
		}},
		{pod: "mysql-4", role: "replica", id: "104", files: []string{"clone.sh", "xtrabackup.sh", "replica.cnf"}, runs: []containerRun{
			mysqlServer("104"),
			mysqlClone(nil, "copying from mysql-3.mysql", []string{
				"ncat --recv-only mysql-3.mysql 3307",
				"xbstream -x -C {work}/data",
				"xtrabackup --prepare --target-dir={work}/data",
			}),
		}},
	}},
	{dir: "nginx-web", app: "web", pods: []examplePod{
		{pod: "web-0", role: "primary", id: "1", files: []string{"default.conf", "wait-for-primary.sh"}, runs: []containerRun{{
			container: "wait-for-web-0", stubs: []string{"curl"}, wantOut: "web-0 is the first member",
		}}},
		{pod: "web-1", role: "replica", id: "2", files: []string{"default.conf", "wait-for-primary.sh"}, runs: []containerRun{{
			container: "wait-for-web-0", stubs: []string{"curl"}, wantOut: "web-0.web-hs serves",
			wantLog: []string{"curl -fsS -o /dev/null http://web-0.web-hs:8080/healthz"},
		}}},
	}},
	{dir: "nginx-web", app: "web", start: 1, pods: []examplePod{
		{pod: "web-1", role: "primary", id: "1", files: []string{"default.conf", "wait-for-primary.sh"}, runs: []containerRun{{
			container: "wait-for-web-0", stubs: []string{"curl"}, wantOut: "web-1 is the first member",
		}}},
		{pod: "web-2", role: "replica", id: "2", files: []string{"default.conf", "wait-for-primary.sh"}, runs: []containerRun{{
			container: "wait-for-web-0", stubs: []string{"curl"},
			wantLog: []string{"curl -fsS -o /dev/null http://web-1.web-hs:8080/healthz"},
		}}},
	}},
	// Two apps, one cluster: both find the masters by their FQDNs, and
	// each node publishes its own.
	{dir: "elasticsearch", app: "es-masters", pods: []examplePod{
		{pod: "es-masters-0", role: "member", id: "1", files: []string{"elasticsearch.yml"}, lines: esNode("es-masters-0",
			"node.roles: [master]", "cluster.initial_master_nodes: es-masters-0,es-masters-1,es-masters-2")},
	}},
	{dir: "elasticsearch", app: "es-data", pods: []examplePod{
		{pod: "es-data-2", role: "server", id: "3", files: []string{"elasticsearch.yml"}, lines: esNode("es-data-2", "node.roles: [data, ingest]")},
	}},
	{dir: "nginx-cache", app: "cache", pods: []examplePod{
		{pod: "cache-0", role: "server", id: "1", files: []string{"default.conf"}},
		{pod: "cache-2", role: "server", id: "3", files: []string{"default.conf"}},
	}},
	{dir: "nginx-cache", app: "cache", start: 4, pods: []examplePod{
		{pod: "cache-6", role: "server", id: "3", files: []string{"default.conf"}},
	}},
}

// cassandraSeeds is the seed list of the pods named.
func cassandraSeeds(pods ...string) string {
	var fqdns []string
	for _, p := range pods {
		fqdns = append(fqdns, p+".cassandra-hs.cassandra.svc.cluster.local")
	}
	return strings.Join(fqdns, ",")
}

var kafkaFiles = []string{"server.properties", "log4j.properties"}

// kafkaProps are the lines of a Kafka node's server.properties that its
// identity decides, for the voters named by their pods, in id order.
func kafkaProps(pod string, id int, voters ...string) map[string][]string {
	fqdn := func(pod string) string { return pod + ".kafka-hs.kafka.svc.cluster.local" }
	var quorum []string
	for i, v := range voters {
		quorum = append(quorum, fmt.Sprintf("%d@%s:9093", i+1, fqdn(v)))
	}
	return map[string][]string{"server.properties": {
		fmt.Sprintf("node.id=%d", id),
		"controller.quorum.voters=" + strings.Join(quorum, ","),
		fmt.Sprintf("advertised.listeners=CLIENT://%s:9092,INTERNAL://%s:9094,EXTERNAL://%s.kafka.example.com:9095", fqdn(pod), fqdn(pod), pod),
	}}
}

// esNode are the lines of an Elasticsearch node's elasticsearch.yml that
// its identity and the masters' decide, with the lines of its role.
func esNode(pod string, role ...string) map[string][]string {
	app := pod[:strings.LastIndex(pod, "-")]
	var masters []string
	for i := range 3 {
		masters = append(masters, fmt.Sprintf("es-masters-%d.es-masters-hs.search.svc.cluster.local", i))
	}
	return map[string][]string{"elasticsearch.yml": append([]string{
		"node.name: " + pod,
		"network.publish_host: " + pod + "." + app + "-hs.search.svc.cluster.local",
		"discovery.seed_hosts: " + strings.Join(masters, ","),
	}, role...)}
}

func zkServer(container, id string) containerRun {
	return containerRun{
		container: container, replace: map[string]string{"/docker-entrypoint.sh": "docker-entrypoint.sh"},
		stubs: []string{"docker-entrypoint.sh"}, logEnv: []string{"ZOO_MY_ID"},
		wantLog: []string{"docker-entrypoint.sh zkServer.sh start-foreground ZOO_MY_ID=" + id},
	}
}

func pgBootstrap(setup func(*testing.T, string), out string, log []string) containerRun {
	return containerRun{
		container: "bootstrap", setup: setup,
		env:   map[string]string{"PGDATA": "{work}/data/pgdata", "POSTGRES_PASSWORD": "secret"},
		stubs: []string{"pg_isready", "pg_basebackup"}, wantOut: out, wantLog: log,
	}
}

func mysqlServer(id string) containerRun {
	return containerRun{
		container: "mysql", stubs: []string{"docker-entrypoint.sh"},
		wantLog: []string{"docker-entrypoint.sh mysqld --server-id=" + id},
	}
}

func mysqlClone(setup func(*testing.T, string), out string, log []string) containerRun {
	return containerRun{
		container: "clone-mysql", setup: setup, env: map[string]string{"MYSQL_DATA_DIR": "{work}/data"},
		stubs: []string{"ncat", "xbstream", "xtrabackup"}, wantOut: out, wantLog: log, anyOrder: true,
	}
}

func mysqlSidecar(setup func(*testing.T, string), log []string) containerRun {
	return containerRun{
		container: "xtrabackup", setup: setup,
		env:   map[string]string{"MYSQL_DATA_DIR": "{work}/data", "MYSQL_ROOT_PASSWORD": "secret"},
		stubs: []string{"mysql", "ncat"}, wantLog: log,
	}
}

// TestExampleScripts runs, for every example and several ordinals (with a
// non-zero ordinals.start too), stsgen's init script and the example's own
// scripts and commands, and checks what they did.
func TestExampleScripts(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh on this machine")
	}
	covered := map[string]bool{}
	for _, tc := range exampleCases {
		// An example of several packages is covered by a case of any.
		example, _, _ := strings.Cut(tc.dir, "/")
		covered[example] = true
		t.Run(tc.name(), func(t *testing.T) {
			b := compileExample(t, tc.dir, tc.app, tc.start)
			main := b.StatefulSet.Spec.Template.Spec.Containers[0]
			for name, want := range tc.env {
				i := slices.IndexFunc(main.Env, func(e corev1.EnvVar) bool { return e.Name == name })
				if i < 0 || main.Env[i].Value != want {
					t.Errorf("%s: env %s is not %q: %v", main.Name, name, want, main.Env)
				}
			}
			if tc.noInit {
				checkNoInit(t, b, tc.shellless)
				return
			}
			if b.ConfigMap == nil {
				t.Fatalf("%s has no ConfigMap, so no stsgen-init runs its pods; mark the case noInit", tc.app)
			}
			for key, script := range b.ConfigMap.Data {
				if strings.HasSuffix(key, ".sh") {
					if out, err := exec.Command(sh, "-n", "-c", script).CombinedOutput(); err != nil {
						t.Errorf("sh -n %s: %v\n%s", key, err, out)
					}
				}
			}
			for _, p := range tc.pods {
				t.Run(p.pod, func(t *testing.T) { runExamplePod(t, sh, b, p) })
			}
		})
	}
	dirs, _ := filepath.Glob("../examples/*")
	for _, d := range dirs {
		if info, err := os.Stat(d); err == nil && info.IsDir() && !covered[filepath.Base(d)] {
			t.Errorf("example %s has no case in exampleCases", filepath.Base(d))
		}
	}
}

// checkNoInit checks that an app's pods run no stsgen-init and that there
// is no ConfigMap for it; shellless, that they need no shell at all: no
// init container, and no container whose command is sh or that starts
// the image's entrypoint.
func checkNoInit(t *testing.T, b *generator.Bundle, shellless bool) {
	t.Helper()
	if b.ConfigMap != nil {
		t.Errorf("a ConfigMap %s for stsgen-init", b.ConfigMap.Name)
	}
	spec := b.StatefulSet.Spec.Template.Spec
	for _, c := range spec.InitContainers {
		if shellless || c.Name == "stsgen-init" {
			t.Errorf("init container %s", c.Name)
		}
	}
	if !shellless {
		return
	}
	for _, c := range spec.Containers {
		if len(c.Command) == 0 {
			t.Errorf("container %s starts the image's entrypoint, which may be a shell script; name the binary", c.Name)
		} else if base := filepath.Base(c.Command[0]); base == "sh" || base == "bash" {
			t.Errorf("container %s starts through %s", c.Name, c.Command[0])
		}
	}
}

// compileExample compiles an example, with ordinals.start set when start
// is not 0, and returns the bundle of app.
func compileExample(t *testing.T, dir, app string, start int) *generator.Bundle {
	t.Helper()
	src, _ := filepath.Abs(filepath.Join("../examples", dir))
	if start != 0 {
		tmp := t.TempDir()
		files, _ := filepath.Glob(filepath.Join(src, "*.cue"))
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			write(t, filepath.Join(tmp, filepath.Base(f)), string(data))
			if filepath.Base(f) == filepath.Base(files[0]) {
				pkg := regexp.MustCompile(`(?m)^package (\w+)`).FindStringSubmatch(string(data))[1]
				write(t, filepath.Join(tmp, "zz_start.cue"), fmt.Sprintf("package %s\n\napps: %s: ordinals: start: %d\n", pkg, app, start))
			}
		}
		src = tmp
	}
	bundles, ds := generator.Compile(generator.LoadConfig{Dir: src}, generator.Policy{})
	if ds.HasErrors() {
		t.Fatalf("compile %s: %v", dir, ds)
	}
	for _, b := range bundles {
		if b.App == app {
			return b
		}
	}
	t.Fatalf("%s has no app %s", dir, app)
	return nil
}

func runExamplePod(t *testing.T, sh string, b *generator.Bundle, p examplePod) {
	work := t.TempDir()
	for key, data := range b.ConfigMap.Data {
		write(t, filepath.Join(work, "source", key), data)
	}
	spec := b.StatefulSet.Spec.Template.Spec
	init := spec.InitContainers[slices.IndexFunc(spec.InitContainers, func(c corev1.Container) bool { return c.Name == "stsgen-init" })]
	out := run(t, sh, init.Command, []string{
		"STSGEN_POD_NAME=" + p.pod,
		"STSGEN_SOURCE_DIR=" + filepath.Join(work, "source"),
		"STSGEN_CONFIG_DIR=" + filepath.Join(work, "config"),
		"STSGEN_IDENTITY_DIR=" + filepath.Join(work, "identity"),
	}, map[string]string{"/stsgen/source": filepath.Join(work, "source")}, "")
	t.Logf("stsgen-init: %s", out)
	for name, want := range map[string]string{"role": p.role, "id": p.id} {
		if got := read(t, filepath.Join(work, "identity", name)); got != want+"\n" {
			t.Errorf("identity/%s = %q, want %q", name, strings.TrimSpace(got), want)
		}
	}
	entries, _ := os.ReadDir(filepath.Join(work, "config"))
	var installed []string
	for _, e := range entries {
		installed = append(installed, e.Name())
	}
	if diff := cmp.Diff(sorted(p.files), installed); diff != "" {
		t.Errorf("installed config files (-want +got):\n%s", diff)
	}
	for name, want := range p.lines {
		text := read(t, filepath.Join(work, "config", name))
		if strings.Contains(text, "@@") {
			t.Errorf("config/%s keeps a placeholder:\n%s", name, text)
		}
		got := strings.Split(text, "\n")
		for _, l := range want {
			if !slices.Contains(got, l) {
				t.Errorf("config/%s has no line %q:\n%s", name, l, text)
			}
		}
	}

	for _, r := range p.runs {
		c := findContainer(t, spec, r.container)
		if r.setup != nil {
			r.setup(t, work)
		}
		// Stub tools log their name, arguments and chosen variables.
		bin := filepath.Join(work, "bin")
		log := filepath.Join(work, "stub.log")
		os.Remove(log)
		for _, stub := range append(slices.Clone(r.stubs), "sleep") {
			var vars string
			for _, v := range r.logEnv {
				vars += " " + v + "=$" + v
			}
			write(t, filepath.Join(bin, stub), fmt.Sprintf("#!/bin/sh\necho \"$(basename \"$0\") $*%s\" >>%q\n", vars, log))
			os.Chmod(filepath.Join(bin, stub), 0o755)
		}
		// Mounts map to directories of the pod's; the identity and config
		// files are where stsgen-init left them.
		paths := map[string]string{}
		for _, m := range c.VolumeMounts {
			switch m.Name {
			case "stsgen-identity":
				paths[m.MountPath] = filepath.Join(work, "identity")
			case "stsgen-config":
				paths[m.MountPath] = filepath.Join(work, "config")
			default:
				paths[m.MountPath] = filepath.Join(work, m.Name)
			}
		}
		env := []string{
			"PATH=" + bin + string(os.PathListSeparator) + os.Getenv("PATH"),
			"STSGEN_IDENTITY_DIR=" + filepath.Join(work, "identity"),
		}
		for _, e := range c.Env {
			if e.ValueFrom == nil {
				env = append(env, e.Name+"="+e.Value)
			}
		}
		for k, v := range r.env {
			env = append(env, k+"="+strings.ReplaceAll(v, "{work}", work))
		}
		mkdir(t, filepath.Join(work, "data"))
		argv := append(slices.Clone(c.Command), c.Args...)
		for i := range argv {
			for from, to := range r.replace {
				argv[i] = strings.ReplaceAll(argv[i], from, to)
			}
		}
		out := run(t, sh, argv, env, paths, work)
		if r.wantOut != "" && !strings.Contains(out, r.wantOut) {
			t.Errorf("%s: output %q does not contain %q", r.container, out, r.wantOut)
		}
		var gotLog []string
		if data, err := os.ReadFile(log); err == nil {
			gotLog = strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
			gotLog = slices.DeleteFunc(gotLog, func(l string) bool { return strings.HasPrefix(l, "sleep ") })
		}
		var wantLog []string
		for _, l := range r.wantLog {
			wantLog = append(wantLog, strings.ReplaceAll(l, "{work}", work))
		}
		if r.anyOrder {
			slices.Sort(wantLog)
			slices.Sort(gotLog)
		}
		if diff := cmp.Diff(wantLog, gotLog); diff != "" {
			t.Errorf("%s: tools called (-want +got):\n%s", r.container, diff)
		}
	}
}

// run runs a container's command line under sh with the environment,
// rewriting the mount paths in it to the pod's directories, and returns its
// output; it fails the test if the command fails or takes too long.
func run(t *testing.T, sh string, argv, env []string, paths map[string]string, dir string) string {
	t.Helper()
	// Longest mount paths first, so that /etc/stsgen does not rewrite a
	// part of /etc/stsgen/x's mount.
	mounts := slices.Collect(func(yield func(string) bool) {
		for m := range paths {
			if !yield(m) {
				return
			}
		}
	})
	slices.SortFunc(mounts, func(a, b string) int { return len(b) - len(a) })
	var pairs []string
	for _, m := range mounts {
		pairs = append(pairs, m, paths[m])
	}
	r := strings.NewReplacer(pairs...)
	argv = slices.Clone(argv)
	for i := range argv {
		argv[i] = r.Replace(argv[i])
	}
	if argv[0] == "sh" || argv[0] == "/bin/sh" {
		argv[0] = sh
	}
	// A command the container runs directly, without sh, is found on the
	// pod's PATH, where the stubs are, as the kubelet finds it on the
	// image's; exec.Command would search the test's own.
	if !strings.Contains(argv[0], "/") {
		for _, e := range env {
			if p, ok := strings.CutPrefix(e, "PATH="); ok {
				for _, dir := range filepath.SplitList(p) {
					if f := filepath.Join(dir, argv[0]); isExecutable(f) {
						argv[0] = f
						break
					}
				}
			}
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = env
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %v\n%s", argv, err, out)
	}
	return string(out)
}

// isExecutable reports whether f is a regular file someone may run.
func isExecutable(f string) bool {
	fi, err := os.Stat(f)
	return err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0
}

func findContainer(t *testing.T, spec corev1.PodSpec, name string) corev1.Container {
	t.Helper()
	for _, c := range append(slices.Clone(spec.InitContainers), spec.Containers...) {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no container %s", name)
	return corev1.Container{}
}

func write(t *testing.T, path, data string) {
	t.Helper()
	mkdir(t, filepath.Dir(path))
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func mkdir(t *testing.T, path string) {
	t.Helper()
	if err := os.MkdirAll(path, 0o755); err != nil {
		t.Fatal(err)
	}
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

// TestExamplePeerLists checks every stable name of a member that an
// example's output mentions (config files, commands, args, env) against
// the Service and StatefulSet generated with it: the headless Service is
// the StatefulSet's serviceName, the namespace is the StatefulSet's, and
// the ordinal is in its range, with ordinals.start as written and moved.
func TestExamplePeerLists(t *testing.T) {
	for _, tc := range exampleCases {
		t.Run(tc.name(), func(t *testing.T) {
			b := compileExample(t, tc.dir, tc.app, tc.start)
			sts := b.StatefulSet
			if b.Headless.Name != sts.Spec.ServiceName || b.Headless.Spec.ClusterIP != corev1.ClusterIPNone {
				t.Fatalf("headless Service %s (clusterIP %q) is not the StatefulSet's serviceName %s", b.Headless.Name, b.Headless.Spec.ClusterIP, sts.Spec.ServiceName)
			}
			start := int32(0)
			if sts.Spec.Ordinals != nil {
				start = sts.Spec.Ordinals.Start
			}
			if start != int32(tc.start) {
				t.Fatalf("ordinals.start = %d, want %d", start, tc.start)
			}
			var texts []string
			if b.ConfigMap != nil {
				for _, v := range b.ConfigMap.Data {
					texts = append(texts, v)
				}
			}
			spec := sts.Spec.Template.Spec
			for _, c := range append(slices.Clone(spec.InitContainers), spec.Containers...) {
				texts = append(texts, c.Command...)
				texts = append(texts, c.Args...)
				for _, e := range c.Env {
					texts = append(texts, e.Value)
				}
			}
			name := regexp.MustCompile(`(?:^|[^-a-z0-9.])` + regexp.QuoteMeta(sts.Name) + `-([0-9]+)\.([a-z][-a-z0-9]*)((?:\.[a-z0-9][-a-z0-9]*)*)`)
			seen := 0
			for _, text := range texts {
				for _, m := range name.FindAllStringSubmatch(text, -1) {
					seen++
					var ord int32
					fmt.Sscan(m[1], &ord)
					if ord < start || ord >= start+*sts.Spec.Replicas {
						t.Errorf("%q names ordinal %d, outside %d..%d", m[0], ord, start, start+*sts.Spec.Replicas-1)
					}
					if m[2] != sts.Spec.ServiceName {
						t.Errorf("%q is not under the headless Service %s", m[0], sts.Spec.ServiceName)
					}
					if rest := strings.TrimPrefix(m[3], "."); rest != "" && rest != sts.Namespace+".svc.cluster.local" {
						t.Errorf("%q: %q is not %s.svc.cluster.local", m[0], rest, sts.Namespace)
					}
				}
			}
			t.Logf("%d stable names checked", seen)
		})
	}
}

// TestConfigIntoCopy runs stsgen-init of an app whose config files go into
// a writable copy of the image's directory: the copy is made first, then
// the config files replace the image's own, read-only or not, and the
// image's other files stay.
func TestConfigIntoCopy(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh on this machine")
	}
	bundles, ds := generator.Compile(generator.LoadConfig{Dir: "../testdata/golden/files"}, generator.Policy{})
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	i := slices.IndexFunc(bundles, func(b *generator.Bundle) bool { return b.App == "es" })
	b := bundles[i]
	spec := b.StatefulSet.Spec.Template.Spec
	names := []string{}
	for _, c := range spec.InitContainers {
		names = append(names, c.Name)
	}
	if diff := cmp.Diff([]string{"stsgen-copy-0", "stsgen-init"}, names); diff != "" {
		t.Errorf("init containers (-want +got):\n%s", diff)
	}

	work := t.TempDir()
	for key, data := range b.ConfigMap.Data {
		write(t, filepath.Join(work, "source", key), data)
	}
	// What stsgen-copy-0 leaves: the image's files, one of them read-only.
	copied := filepath.Join(work, "writable")
	write(t, filepath.Join(copied, "elasticsearch.yml"), "cluster.name: image-default\n")
	write(t, filepath.Join(copied, "jvm.options"), "-XX:+UseG1GC\n")
	if err := os.Chmod(filepath.Join(copied, "elasticsearch.yml"), 0o444); err != nil {
		t.Fatal(err)
	}
	init := spec.InitContainers[1]
	run(t, sh, init.Command, []string{
		"STSGEN_POD_NAME=es-1",
		"STSGEN_SOURCE_DIR=" + filepath.Join(work, "source"),
		"STSGEN_CONFIG_DIR=" + copied,
		"STSGEN_IDENTITY_DIR=" + filepath.Join(work, "identity"),
	}, map[string]string{"/stsgen/source": filepath.Join(work, "source")}, "")
	got := read(t, filepath.Join(copied, "elasticsearch.yml"))
	if !strings.Contains(got, "node.name: es-1\n") || strings.Contains(got, "image-default") {
		t.Errorf("elasticsearch.yml is not the app's, rendered for es-1:\n%s", got)
	}
	if got := read(t, filepath.Join(copied, "jvm.options")); got != "-XX:+UseG1GC\n" {
		t.Errorf("the image's jvm.options changed: %q", got)
	}
	// The main container and the sidecar see the copy, with no config
	// volume over it.
	for _, c := range spec.Containers {
		i := slices.IndexFunc(c.VolumeMounts, func(m corev1.VolumeMount) bool { return m.MountPath == "/usr/share/elasticsearch/config" })
		if i < 0 || c.VolumeMounts[i].Name != "stsgen-writable-0" {
			t.Errorf("%s does not mount the writable copy at the config directory: %v", c.Name, c.VolumeMounts)
		}
	}
}
