package images

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	corev1 "k8s.io/api/core/v1"
)

// The tests below build the images (minutes when the cache is cold) and
// run their servers as root; they run only with STSGEN_E2E_IMAGES=1:
//
//	cd e2e && sudo STSGEN_E2E_IMAGES=1 go test -v ./internal/images/
//
// The cache is $STSGEN_E2E_CACHE, or ~/.cache/stsgen-e2e, as for the suite.

func TestMain(m *testing.M) {
	code := m.Run()
	if rootsIn != "" {
		os.RemoveAll(rootsIn)
	}
	os.Exit(code)
}

var (
	buildOnce sync.Once
	built     []*Built
	buildErr  error
)

// requireSlow skips the test unless STSGEN_E2E_IMAGES=1, as root.
func requireSlow(t *testing.T) {
	t.Helper()
	if os.Getenv("STSGEN_E2E_IMAGES") != "1" {
		t.Skip("builds and runs the images: set STSGEN_E2E_IMAGES=1 (as root)")
	}
	if os.Geteuid() != 0 {
		t.Skip("needs root: mmdebstrap, chroot and mounts")
	}
}

// requireImages builds (or loads) every image, once per test binary.
func requireImages(t *testing.T) []*Built {
	t.Helper()
	requireSlow(t)
	buildOnce.Do(func() {
		cache := os.Getenv("STSGEN_E2E_CACHE")
		if cache == "" {
			dir, err := os.UserCacheDir()
			if err != nil {
				buildErr = err
				return
			}
			cache = filepath.Join(dir, "stsgen-e2e")
		}
		start := time.Now()
		built, buildErr = BuildAll(context.Background(), cache, Options{Log: os.Stderr})
		fmt.Fprintf(os.Stderr, "images: ready in %.1fs\n", time.Since(start).Seconds())
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return built
}

func builtImage(t *testing.T, ref string) v1.Image {
	t.Helper()
	for _, b := range requireImages(t) {
		if slices.Contains(b.Recipe.Refs, ref) {
			return b.Image
		}
	}
	t.Fatalf("no image is published as %s", ref)
	return nil
}

// noStandIn are the upstream images no Debian package stands in for, or
// that the real-node suite cannot run.
var noStandIn = map[string]string{
	"docker.io/apache/kafka:3.8.0":                         "Kafka is not packaged in Debian 12",
	"docker.io/library/cassandra:5.0.2":                    "Cassandra is not packaged in Debian 12",
	"docker.elastic.co/elasticsearch/elasticsearch:8.15.3": "Elasticsearch is not packaged in Debian 12",
	"docker.io/library/patroni:3.0.2":                      "Patroni calls the Kubernetes API, and the real nodes' pods get no ServiceAccount token",
}

// Every image an example names is built, under that name, unless Debian
// has nothing to stand in for it.
func TestEveryExampleImage(t *testing.T) {
	refs := map[string]bool{}
	for _, b := range requireImages(t) {
		for _, r := range b.Recipe.Refs {
			refs[r] = true
		}
	}
	images, err := Build(context.Background(), cacheDirOf(t))
	if err != nil {
		t.Fatal(err)
	}
	for ref, users := range exampleImages(t) {
		if why, ok := noStandIn[ref]; ok {
			if refs[ref] {
				t.Errorf("%s is built, but noStandIn says %s", ref, why)
			}
			continue
		}
		if !refs[ref] {
			t.Errorf("%s, which %s run, is not built", ref, strings.Join(users, ", "))
		}
		if images[ref] == nil {
			t.Errorf("Build does not return %s", ref)
		}
	}
}

func cacheDirOf(t *testing.T) string {
	b := requireImages(t)
	// <cache>/images/<name>-<key>
	return filepath.Dir(filepath.Dir(b[0].Dir))
}

// contract is what each image's configuration must be: the upstream
// image's, written down here independently of the recipes.
var contract = map[string]struct {
	user, workingDir string
	entrypoint, cmd  []string
	env              []string
	ports            []string
}{
	"docker.io/library/redis:7.4.1": {
		entrypoint: []string{"docker-entrypoint.sh"}, cmd: []string{"redis-server"},
		workingDir: "/data", ports: []string{"6379/tcp"},
	},
	"docker.io/library/zookeeper:3.9.2": {
		entrypoint: []string{"/docker-entrypoint.sh"}, cmd: []string{"zkServer.sh", "start-foreground"},
		// The distribution's directory, as upstream's /apache-zookeeper-3.9.2-bin.
		workingDir: "/usr/share/zookeeper",
		env:        []string{"ZOO_CONF_DIR=/conf", "ZOO_DATA_DIR=/data", "ZOO_LOG_DIR=/logs", "ZOOCFGDIR=/conf"},
		ports:      []string{"2181/tcp", "2888/tcp", "3888/tcp", "8080/tcp"},
	},
	"docker.io/library/postgres:17.2": {
		entrypoint: []string{"docker-entrypoint.sh"}, cmd: []string{"postgres"},
		env: []string{"PGDATA=/var/lib/postgresql/data"}, ports: []string{"5432/tcp"},
	},
	"docker.io/library/mysql:5.7.44": {
		entrypoint: []string{"docker-entrypoint.sh"}, cmd: []string{"mysqld"},
		ports: []string{"3306/tcp", "33060/tcp"},
	},
	"gcr.io/google-samples/xtrabackup:1.0": {cmd: []string{"/bin/sh"}},
	"docker.io/nginxinc/nginx-unprivileged:1.27.3": {
		user: "101", entrypoint: []string{"/docker-entrypoint.sh"}, cmd: []string{"nginx", "-g", "daemon off;"},
		ports: []string{"8080/tcp"},
	},
	"docker.io/oliver006/redis_exporter:v1.67.0": {
		user: "59000:59000", entrypoint: []string{"/redis_exporter"}, ports: []string{"9121/tcp"},
	},
	"gcr.io/etcd-development/etcd:v3.5.17": {
		cmd: []string{"/usr/local/bin/etcd"}, workingDir: "/var/lib/etcd", ports: []string{"2379/tcp", "2380/tcp"},
	},
}

func TestImageConfig(t *testing.T) {
	for _, b := range requireImages(t) {
		for _, ref := range b.Recipe.Refs {
			t.Run(b.Recipe.Name, func(t *testing.T) {
				want, ok := contract[ref]
				if !ok {
					t.Fatalf("%s: no contract written down for it", ref)
				}
				cf, err := b.Image.ConfigFile()
				if err != nil {
					t.Fatal(err)
				}
				c := cf.Config
				if !cf.Created.Time.Equal(time.Unix(0, 0)) {
					t.Errorf("created %v, want the epoch", cf.Created)
				}
				if cf.OS != "linux" || cf.Architecture != "amd64" {
					t.Errorf("platform %s/%s, want linux/amd64", cf.OS, cf.Architecture)
				}
				if c.User != want.user {
					t.Errorf("user %q, want %q", c.User, want.user)
				}
				if c.WorkingDir != want.workingDir {
					t.Errorf("working dir %q, want %q", c.WorkingDir, want.workingDir)
				}
				if !slices.Equal(c.Entrypoint, want.entrypoint) {
					t.Errorf("entrypoint %q, want %q", c.Entrypoint, want.entrypoint)
				}
				if !slices.Equal(c.Cmd, want.cmd) {
					t.Errorf("cmd %q, want %q", c.Cmd, want.cmd)
				}
				for _, e := range want.env {
					if !slices.Contains(c.Env, e) {
						t.Errorf("env lacks %s: %q", e, c.Env)
					}
				}
				if !slices.ContainsFunc(c.Env, func(e string) bool { return strings.HasPrefix(e, "PATH=/") }) {
					t.Errorf("env sets no PATH: %q", c.Env)
				}
				var ports []string
				for p := range c.ExposedPorts {
					ports = append(ports, p)
				}
				slices.Sort(ports)
				if !slices.Equal(ports, want.ports) {
					t.Errorf("exposed ports %q, want %q", ports, want.ports)
				}
				layers, err := b.Image.Layers()
				if err != nil {
					t.Fatal(err)
				}
				if len(layers) != 1 {
					t.Errorf("%d layers, want 1", len(layers))
				}
			})
		}
	}
}

// Every command the examples' containers and probes call is on the image's
// PATH, and every directory the recipe promises is there, owned as it
// says.
func TestImageContents(t *testing.T) {
	for _, b := range requireImages(t) {
		t.Run(b.Recipe.Name, func(t *testing.T) {
			root := extracted(t, b.Recipe.Refs[0])
			for _, bin := range b.Recipe.Binaries {
				if lookPath(root, bin) == "" {
					t.Errorf("%s is not on the PATH of the image", bin)
				}
			}
			// The first word of each command and probe of the examples that
			// run this image.
			for _, use := range exampleCommands(t, b.Recipe.Refs[0]) {
				if lookPath(root, use.cmd) == "" {
					t.Errorf("%s calls %s, which is not on the PATH of the image", use.where, use.cmd)
				}
			}
			for _, d := range b.Recipe.Dirs {
				host, err := resolveIn(root.dir, d.Path)
				if err != nil {
					t.Fatal(err)
				}
				fi, err := os.Stat(host)
				if err != nil {
					t.Errorf("%s: %v", d.Path, err)
					continue
				}
				st := statOf(fi)
				if int(st.Uid) != d.UID || int(st.Gid) != d.GID || fi.Mode() != fileMode(d.Mode)|os.ModeDir {
					t.Errorf("%s: %d:%d %v, want %d:%d %v", d.Path, st.Uid, st.Gid, fi.Mode(), d.UID, d.GID, fileMode(d.Mode)|os.ModeDir)
				}
			}
			passwd, err := os.ReadFile(filepath.Join(root.dir, "etc", "passwd"))
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range b.Recipe.Accounts {
				if !strings.Contains(string(passwd), fmt.Sprintf("\n%s:x:%d:%d:", a.Name, a.UID, a.GID)) &&
					!strings.HasPrefix(string(passwd), fmt.Sprintf("%s:x:%d:%d:", a.Name, a.UID, a.GID)) {
					t.Errorf("/etc/passwd has no %s with uid %d and gid %d", a.Name, a.UID, a.GID)
				}
			}
		})
	}
}

type commandUse struct{ where, cmd string }

// exampleCommands are the programs the examples' containers of image ref
// start and their exec probes call.
func exampleCommands(t *testing.T, ref string) []commandUse {
	dirs, _ := filepath.Glob(filepath.Join("..", "..", "..", "examples", "*", "manifests.yaml"))
	var uses []commandUse
	for _, f := range dirs {
		dir := filepath.Base(filepath.Dir(f))
		for _, s := range loadExample(t, dir).statefulSets {
			spec := s.Spec.Template.Spec
			for _, c := range append(append([]corev1.Container{}, spec.InitContainers...), spec.Containers...) {
				if Normalize(c.Image) != ref {
					continue
				}
				where := dir + "/" + s.Name + "/" + c.Name
				if len(c.Command) > 0 {
					uses = append(uses, commandUse{where, c.Command[0]})
				}
				for _, p := range []*corev1.Probe{c.ReadinessProbe, c.LivenessProbe, c.StartupProbe} {
					if p != nil && p.Exec != nil {
						uses = append(uses, commandUse{where + " probe", p.Exec.Command[0]})
					}
				}
			}
		}
	}
	return uses
}
