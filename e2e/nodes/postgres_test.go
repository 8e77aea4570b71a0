//go:build linux

package nodes

import (
	"context"
	"fmt"
	"maps"
	"strings"
	"testing"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

// TestPostgres runs examples/postgres as generated, with a bootstrap Job
// added: both standbys clone the primary, stream from it and serve reads,
// and refuse writes; the Job creates a database once the primary answers,
// once, and a second apply runs it no more.
func TestPostgres(t *testing.T) {
	// Beside the other examples that need no node of their own.
	t.Parallel()
	ctx := testContext(t, 10*time.Minute)
	ex := compileExample(t, "postgres", "postgres", map[string]string{"zz_e2e.cue": pgBootstrap("app")})
	const password = "e2e-postgres-password"
	deploy(t, ctx, ex, map[string]map[string]string{"postgres": {"password": password}})
	ns := ex.namespace

	// psql over TCP with the password, as a client would; -At prints bare
	// values.
	psql := func(pod, host, sql string) (string, error) {
		out, _, err := c.Exec(ctx, ns, pod, "postgres", "env", "PGPASSWORD="+password,
			"psql", "-h", host, "-U", "postgres", "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-Atc", sql)
		return strings.TrimSpace(out), err
	}
	must := func(pod, host, sql string) string {
		t.Helper()
		out, err := psql(pod, host, sql)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}

	eventually(t, ctx, "two standbys streaming from postgres-0", time.Minute, func(context.Context) error {
		out, err := psql("postgres-0", "127.0.0.1", "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")
		if err != nil || out != "2" {
			return fmt.Errorf("%q (%v)", out, err)
		}
		return nil
	})
	for _, p := range []string{"postgres-1", "postgres-2"} {
		if got := must(p, "127.0.0.1", "SELECT pg_is_in_recovery()"); got != "t" {
			t.Errorf("%s is not a standby: pg_is_in_recovery() = %s", p, got)
		}
	}
	if got := must("postgres-0", "127.0.0.1", "SELECT pg_is_in_recovery()"); got != "f" {
		t.Errorf("postgres-0 is not the primary: pg_is_in_recovery() = %s", got)
	}

	// A write through the primary Service reaches every standby.
	must("postgres-1", "postgres-primary", "CREATE TABLE e2e (v text); INSERT INTO e2e VALUES ('streamed')")
	for _, p := range []string{"postgres-1", "postgres-2"} {
		eventually(t, ctx, p+" serves the row", 30*time.Second, func(context.Context) error {
			out, err := psql(p, "127.0.0.1", "SELECT v FROM e2e")
			if err != nil || out != "streamed" {
				return fmt.Errorf("%q (%v)", out, err)
			}
			return nil
		})
	}
	// And reads through the read Service, whichever member answers.
	for range 6 {
		if got := must("postgres-2", "postgres", "SELECT v FROM e2e"); got != "streamed" {
			t.Fatalf("read through the Service: %q", got)
		}
	}
	// A standby refuses writes.
	if _, err := psql("postgres-2", "127.0.0.1", "INSERT INTO e2e VALUES ('no')"); err == nil {
		t.Error("a standby took a write")
	}

	checkBootstrap(t, ctx, ex, psql)
}

// pgBootstrap adds to the example a bootstrap that creates the database db
// once the primary answers, if it does not exist, and records each run in
// the table bootstrap_runs, so that the test can count them.
func pgBootstrap(db string) string {
	return `package postgres

apps: postgres: namespace: "postgres"
apps: postgres: bootstrap: {
	// A client's needs, not the server's.
	resources: {
		requests: {cpu: "100m", memory: "128Mi", "ephemeral-storage": "16Mi"}
		limits: {cpu: "1", memory: "128Mi", "ephemeral-storage": "64Mi"}
	}
	env: {
		BOOTSTRAP_DB: "` + db + `"
		PGPASSWORD: valueFrom: secretKeyRef: {name: "postgres", key: "password"}
	}
	script: #"""
		set -eu
		until pg_isready -q -h "$STSGEN_PRIMARY_SERVICE" -U postgres; do
		  echo "bootstrap: waiting for $STSGEN_PRIMARY_SERVICE"
		  sleep 2
		done
		psql -h "$STSGEN_PRIMARY_SERVICE" -U postgres -d postgres -v ON_ERROR_STOP=1 -v db="$BOOTSTRAP_DB" <<'SQL'
		SELECT format('CREATE DATABASE %I', :'db') WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db')\gexec
		CREATE TABLE IF NOT EXISTS bootstrap_runs (db text, at timestamptz DEFAULT now());
		INSERT INTO bootstrap_runs (db) VALUES (:'db');
		SQL
		"""#
}
`
}

// checkBootstrap proves the example's bootstrap Job ran once: it
// completes, its database is there and it ran once; the same output
// applied again creates no Job and no pod; a changed bootstrap is a Job of
// another name, which runs beside the first, and is safe to run twice.
func checkBootstrap(t *testing.T, ctx context.Context, ex *example, psql func(pod, host, sql string) (string, error)) {
	t.Helper()
	ns := ex.namespace
	job := bootstrapJob(t, ex)
	first := waitJobComplete(t, ctx, ns, job)
	query := func(sql string) string {
		t.Helper()
		out, err := psql("postgres-0", "127.0.0.1", sql)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	if got := query("SELECT count(*) FROM pg_database WHERE datname = 'app'"); got != "1" {
		t.Errorf("the bootstrap's database: %s, want 1", got)
	}
	if got := query("SELECT count(*) FROM bootstrap_runs"); got != "1" {
		t.Errorf("the bootstrap ran %s times, want 1", got)
	}

	// The same output again, as a GitOps tool applies it on every sync.
	jobsBefore, podsBefore := bootstrapState(t, ctx, ns, ex), appPods(t, ctx, ns)
	if err := c.Apply(ctx, ns, ex.manifests); err != nil {
		t.Fatal(err)
	}
	// Time for the controllers to do wrong.
	time.Sleep(5 * time.Second)
	if jobs := bootstrapState(t, ctx, ns, ex); !maps.Equal(jobs, jobsBefore) {
		t.Errorf("after the same output again, the bootstrap's Jobs and pods are %v, were %v", jobs, jobsBefore)
	}
	if pods := appPods(t, ctx, ns); !maps.Equal(pods, podsBefore) {
		t.Errorf("after the same output again, the pods are %v, were %v", pods, podsBefore)
	}
	if got := query("SELECT count(*) FROM bootstrap_runs"); got != "1" {
		t.Errorf("after the same output again, the bootstrap ran %s times, want 1", got)
	}

	// A changed bootstrap is a new Job, not the immutable template's
	// error; it runs, and the first stays as it was.
	changed := compileExample(t, "postgres", "postgres", map[string]string{"zz_e2e.cue": pgBootstrap("app2")})
	second := bootstrapJob(t, changed)
	if second == job {
		t.Fatalf("a changed bootstrap kept the Job's name %s", job)
	}
	if err := c.Apply(ctx, ns, changed.manifests); err != nil {
		t.Fatal(err)
	}
	waitJobComplete(t, ctx, ns, second)
	if got := query("SELECT string_agg(db, ',' ORDER BY at) FROM bootstrap_runs"); got != "app,app2" {
		t.Errorf("the bootstraps' runs: %s, want app,app2", got)
	}
	if got := query("SELECT count(*) FROM pg_database WHERE datname IN ('app', 'app2')"); got != "2" {
		t.Errorf("the bootstraps' databases: %s, want 2", got)
	}
	if j, err := c.Client.BatchV1().Jobs(ns).Get(ctx, job, metav1.GetOptions{}); err != nil || j.UID != first.UID {
		t.Errorf("the first Job %s after the second: %v", job, err)
	}
}

// bootstrapJob is the name of the example's bootstrap Job, which it must
// have.
func bootstrapJob(t *testing.T, ex *example) string {
	t.Helper()
	var names []string
	for _, obj := range decodeManifests(t, ex.manifests) {
		if obj.GetKind() == "Job" {
			names = append(names, obj.GetName())
		}
	}
	if len(names) != 1 || !strings.HasPrefix(names[0], ex.app+"-bootstrap-") {
		t.Fatalf("the example's Jobs: %v, want one %s-bootstrap-<hash>", names, ex.app)
	}
	return names[0]
}

// waitJobComplete waits until the Job has completed, and returns it.
func waitJobComplete(t *testing.T, ctx context.Context, ns, name string) *batchv1.Job {
	t.Helper()
	var job *batchv1.Job
	eventually(t, ctx, "Job "+name+" complete", 4*time.Minute, func(ctx context.Context) error {
		j, err := c.Client.BatchV1().Jobs(ns).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		for _, cond := range j.Status.Conditions {
			if cond.Type == batchv1.JobFailed && cond.Status == corev1.ConditionTrue {
				t.Fatalf("Job %s failed: %s", name, cond.Message)
			}
			if cond.Type == batchv1.JobComplete && cond.Status == corev1.ConditionTrue {
				job = j
				return nil
			}
		}
		return fmt.Errorf("active %d, succeeded %d, failed %d", j.Status.Active, j.Status.Succeeded, j.Status.Failed)
	})
	return job
}

// bootstrapState is the example's bootstrap Jobs and their pods, name to
// UID.
func bootstrapState(t *testing.T, ctx context.Context, ns string, ex *example) map[string]types.UID {
	t.Helper()
	sel := metav1.ListOptions{LabelSelector: "app.kubernetes.io/name=" + ex.app + "-bootstrap"}
	out := map[string]types.UID{}
	jobs, err := c.Client.BatchV1().Jobs(ns).List(ctx, sel)
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range jobs.Items {
		out["job/"+j.Name] = j.UID
	}
	pods, err := c.Client.CoreV1().Pods(ns).List(ctx, sel)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pods.Items {
		out["pod/"+p.Name] = p.UID
	}
	if len(jobs.Items) == 0 || len(pods.Items) == 0 {
		t.Fatalf("the bootstrap's Jobs and pods: %v", out)
	}
	return out
}

// appPods is every pod in the namespace, name to UID.
func appPods(t *testing.T, ctx context.Context, ns string) map[string]types.UID {
	t.Helper()
	pods, err := c.Client.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]types.UID{}
	for _, p := range pods.Items {
		out[p.Name] = p.UID
	}
	return out
}
