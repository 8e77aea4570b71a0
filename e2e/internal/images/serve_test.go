package images

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
)

// The servers start from the images and answer, each run as the example
// runs it: its init containers first, its command, arguments, environment,
// user, volumes and configuration, its probes.

func statOf(fi os.FileInfo) *syscall.Stat_t { return fi.Sys().(*syscall.Stat_t) }

func TestServeRedis(t *testing.T) {
	requireImages(t)
	ex := loadExample(t, "redis")
	p := newPod(t, ex, "redis", 0, nil)
	c := p.startAll()["redis"]
	out := c.probe(c.c.ReadinessProbe, time.Minute)
	if !strings.Contains(out, "PONG") {
		t.Errorf("redis-cli ping: %q, want PONG", out)
	}
	c.probe(c.c.LivenessProbe, 10*time.Second)
	if out, err := c.exec(10*time.Second, nil, "redis-cli", "set", "k", "v"); err != nil || !strings.Contains(out, "OK") {
		t.Errorf("redis-cli set: %q, %v", out, err)
	}
	// Without the password the server refuses.
	if out, _ := c.exec(10*time.Second, nil, "sh", "-c", "REDISCLI_AUTH= redis-cli ping"); !strings.Contains(out, "NOAUTH") {
		t.Errorf("redis-cli ping without the password: %q, want NOAUTH", out)
	}
	// appendonly yes, dir /data: the claim holds the append-only file.
	if m, _ := filepath.Glob(filepath.Join(p.volumes["data"], "appendonlydir", "*")); len(m) == 0 {
		t.Errorf("no append-only file in the data volume")
	}
}

func TestServeZooKeeper(t *testing.T) {
	requireImages(t)
	ex := loadExample(t, "zookeeper")
	p := newPod(t, ex, "zk", 0, nil)
	c := p.startAll()["zk"]
	// ZooKeeper 3.8 answers ruok while out of quorum with HTTP 200 and
	// "not currently serving requests" in the body, 3.9 with no error: the
	// probe passes alike.
	body := c.probe(c.c.ReadinessProbe, 2*time.Minute)
	if !strings.Contains(body, `"command" : "ruok"`) {
		t.Errorf("/commands/ruok: %s", body)
	}
	c.probe(c.c.LivenessProbe, 10*time.Second)
	if out, err := p.net.talk(2181, "ruok"); err != nil || out != "imok" {
		t.Errorf("ruok on the client port: %q, %v; want imok", out, err)
	}
	// The entry point wrote ZOO_MY_ID, the id stsgen-init derived.
	myid, err := os.ReadFile(filepath.Join(p.volumes["data"], "myid"))
	if err != nil || string(myid) != "1\n" {
		t.Errorf("/data/myid: %q, %v; want 1", myid, err)
	}
	// ZK_SERVER_HEAP=512 reached the JVM.
	pid, err := c.pid()
	if err != nil {
		t.Fatal(err)
	}
	cmdline, _ := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "cmdline"))
	if !strings.Contains(string(cmdline), "-Xmx512m") {
		t.Errorf("the JVM runs without -Xmx512m: %q", strings.ReplaceAll(string(cmdline), "\x00", " "))
	}
}

func TestServePostgres(t *testing.T) {
	requireImages(t)
	ex := loadExample(t, "postgres")
	p := newPod(t, ex, "postgres", 0, nil)
	c := p.startAll()["postgres"]
	out := c.probe(c.c.ReadinessProbe, 2*time.Minute)
	if !strings.Contains(out, "accepting connections") {
		t.Errorf("pg_isready: %q", out)
	}
	c.probe(c.c.LivenessProbe, 10*time.Second)
	if out, err := c.exec(10*time.Second, nil, "psql", "-h", "127.0.0.1", "-U", "postgres", "-Atc", "SHOW hba_file"); err != nil ||
		strings.TrimSpace(out) != "/etc/postgresql/stsgen/pg_hba.conf" {
		t.Errorf("the server's hba_file: %q, %v", out, err)
	}
	// The superuser's password is POSTGRES_PASSWORD, over TCP where the
	// example's pg_hba.conf asks for it.
	if out, err := c.exec(10*time.Second, []string{"PGPASSWORD=" + testSecret}, "psql", "-h", "::1", "-U", "postgres", "-Atc", "SELECT 1"); err != nil || strings.TrimSpace(out) != "1" {
		t.Errorf("psql with the password: %q, %v", out, err)
	}
	if out, err := c.exec(10*time.Second, []string{"PGPASSWORD=wrong"}, "psql", "-h", "::1", "-U", "postgres", "-Atc", "SELECT 1"); err == nil {
		t.Errorf("psql with a wrong password got in: %q", out)
	}
	if _, err := os.Stat(filepath.Join(p.volumes["data"], "pgdata", "PG_VERSION")); err != nil {
		t.Errorf("initdb did not run in PGDATA: %v", err)
	}
	// The next member's bootstrap clones this one with pg_basebackup.
	next := newPod(t, ex, "postgres", 1, p.net, "postgres-0.postgres-hs.default.svc.cluster.local")
	next.runInit()
	for _, f := range []string{"PG_VERSION", "standby.signal", "postgresql.auto.conf"} {
		if _, err := os.Stat(filepath.Join(next.volumes["data"], "pgdata", f)); err != nil {
			t.Errorf("the clone lacks %s: %v", f, err)
		}
	}
}

func TestServeMySQL(t *testing.T) {
	requireImages(t)
	ex := loadExample(t, "mysql")
	p := newPod(t, ex, "mysql", 0, nil)
	cs := p.startAll()
	c := cs["mysql"]
	c.probe(c.c.ReadinessProbe, 3*time.Minute)
	out := c.probe(c.c.LivenessProbe, 10*time.Second)
	if !strings.Contains(out, "mysqld is alive") {
		t.Errorf("mysqladmin ping: %q", out)
	}
	// primary.cnf from the role's config turned the binary log on, and the
	// server id is 100 + ordinal.
	if out, err := c.exec(10*time.Second, nil, "sh", "-c", `mysql -h 127.0.0.1 -uroot -p"$MYSQL_ROOT_PASSWORD" -Ne 'SELECT @@log_bin, @@server_id'`); err != nil || strings.Join(strings.Fields(out), " ") != "1 100" {
		t.Errorf("log_bin and server_id: %q, %v; want 1 100", out, err)
	}
	// The next member's clone-mysql copies this one through the
	// xtrabackup sidecar.
	sidecar := cs["xtrabackup"]
	if err := sidecar.running(); err != nil {
		t.Fatalf("%v\n%s", err, sidecar.out)
	}
	next := newPod(t, ex, "mysql", 1, p.net, "mysql-0.mysql")
	next.runInit()
	data := filepath.Join(next.volumes["data"], "mysql")
	for _, f := range []string{"mysql", "ibdata1"} {
		if _, err := os.Stat(filepath.Join(data, f)); err != nil {
			t.Errorf("the clone lacks %s: %v", f, err)
		}
	}
	// The sidecar starts replication from the binary log position the
	// clone recorded.
	info, err := os.ReadFile(filepath.Join(data, "xtrabackup_binlog_info"))
	if f := strings.Fields(string(info)); err != nil || len(f) < 2 || f[0] == "" || f[1] == "0" {
		t.Errorf("xtrabackup_binlog_info: %q, %v; want a binary log file and position", info, err)
	}

	// The replica's server starts on the clone, with the replica role's
	// config (on another port: it shares the primary's network here).
	t.Run("replica", func(t *testing.T) {
		next.t = t
		spec := next.container("mysql")
		spec.Command = []string{"sh", "-c", strings.Replace(spec.Command[2], "mysqld ", "mysqld --port=3316 ", 1)}
		r := next.start(spec)
		deadline := time.Now().Add(2 * time.Minute)
		for {
			if err := r.running(); err != nil {
				t.Fatalf("%v:\n%s", err, tail(r.out.String(), 30))
			}
			out, err := r.exec(10*time.Second, nil, "sh", "-c", `mysql -uroot -p"$MYSQL_ROOT_PASSWORD" -Ne 'SELECT @@server_id, @@read_only'`)
			if err == nil {
				if got := strings.Join(strings.Fields(out), " "); got != "101 1" {
					t.Errorf("the replica's server_id and read_only: %q, want 101 1", got)
				}
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("the replica did not start: %s\n%s", out, tail(r.out.String(), 30))
			}
			time.Sleep(time.Second)
		}
	})
}

func TestServeNginxWeb(t *testing.T) {
	requireImages(t)
	ex := loadExample(t, "nginx-web")
	p := newPod(t, ex, "web", 0, nil)
	c := p.startAll()[p.sts.Name]
	body := c.probe(c.c.ReadinessProbe, time.Minute)
	if body != "ok\n" {
		t.Errorf("/healthz: %q, want ok", body)
	}
	c.probe(c.c.LivenessProbe, 10*time.Second)
	if err := os.WriteFile(filepath.Join(p.volumes["www"], "index.html"), []byte("hello\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, body, err := p.net.get(8080, "/"); err != nil || code != 200 || body != "hello\n" {
		t.Errorf("/: %d %q %v; want the page of the volume", code, body, err)
	}
	// web-1's init container waits for web-0 with curl.
	next := newPod(t, ex, "web", 1, p.net, "web-0.web-hs")
	next.runInit()
}

func TestServeNginxCache(t *testing.T) {
	requireImages(t)
	ex := loadExample(t, "nginx-cache")
	// nginx resolves proxy_pass's host when it starts.
	p := newPod(t, ex, "cache", 0, nil, "web.default.svc.cluster.local")
	c := p.startAll()[p.sts.Name]
	if body := c.probe(c.c.ReadinessProbe, time.Minute); body != "ok\n" {
		t.Errorf("/healthz: %q, want ok", body)
	}
	c.probe(c.c.LivenessProbe, 10*time.Second)
}

func TestServeEtcd(t *testing.T) {
	requireImages(t)
	ex := loadExample(t, "etcd")
	p := newPod(t, ex, "etcd", 0, nil)
	spec := p.container("etcd")
	// The example's members speak TLS to three peers; alone, in a test, one
	// member speaks plain HTTP on loopback. Everything else is the
	// example's: command, user, volumes, environment.
	spec.Args = []string{
		"--name=$(STSGEN_POD)",
		"--data-dir=/var/lib/etcd/data",
		"--listen-client-urls=http://127.0.0.1:2379",
		"--advertise-client-urls=http://127.0.0.1:2379",
		"--listen-peer-urls=http://127.0.0.1:2380",
		"--initial-advertise-peer-urls=http://127.0.0.1:2380",
		"--initial-cluster=$(STSGEN_POD)=http://127.0.0.1:2380",
	}
	c := p.start(spec)
	for _, path := range []string{"/readyz", "/livez", "/health"} {
		probe := &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: path}}}
		probe.HTTPGet.Port.IntVal = 2379
		c.probe(probe, time.Minute)
	}
	fi, err := os.Stat(filepath.Join(p.volumes["data"], "data"))
	if err != nil {
		t.Fatal(err)
	}
	if st := statOf(fi); st.Uid != 65532 || fi.Mode().Perm() != 0o700 {
		t.Errorf("the data directory: uid %d, %v; want 65532, 0700", st.Uid, fi.Mode().Perm())
	}
}
