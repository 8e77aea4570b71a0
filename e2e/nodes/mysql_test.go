//go:build linux

package nodes

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

// TestMySQL runs examples/mysql as generated: each replica cloned the
// member before it and replicates from the primary; a row written through
// the primary Service is read on every replica and through the read
// Service; replicas refuse writes; and a replica added later clones the
// data written before it existed.
func TestMySQL(t *testing.T) {
	// Beside the other examples that need no node of their own.
	t.Parallel()
	ctx := testContext(t, 15*time.Minute)
	ex := compileExample(t, "mysql", "mysql", map[string]string{
		"zz_e2e.cue": "package mysql\n\napps: mysql: namespace: \"mysql\"\n",
	})
	const password = "e2e-mysql-password"
	deploy(t, ctx, ex, map[string]map[string]string{"mysql": {"password": password}})
	ns := ex.namespace

	sql := func(pod, host, query string) (string, error) {
		out, _, err := c.Exec(ctx, ns, pod, "mysql", "mysql", "-h", host, "-uroot", "-p"+password, "-N", "-s", "-e", query)
		return strings.TrimSpace(out), err
	}
	must := func(pod, host, query string) string {
		t.Helper()
		out, err := sql(pod, host, query)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	// replicating checks SHOW SLAVE STATUS on a replica: both threads run,
	// from the primary's stable name.
	replicating := func(pod string) error {
		out, _, err := c.Exec(ctx, ns, pod, "mysql", "mysql", "-h", "127.0.0.1", "-uroot", "-p"+password, "-e", `SHOW SLAVE STATUS\G`)
		if err != nil {
			return err
		}
		for _, want := range []string{"Master_Host: mysql-0.mysql", "Slave_IO_Running: Yes", "Slave_SQL_Running: Yes"} {
			if !strings.Contains(out, want) {
				return fmt.Errorf("%s: no %q in\n%s", pod, want, out)
			}
		}
		return nil
	}
	cloned := func(pod, from string) {
		t.Helper()
		logs, err := c.Logs(ctx, ns, pod, "clone-mysql")
		if err != nil || !strings.Contains(logs, "clone: copying from "+from) {
			t.Errorf("%s's clone-mysql log: %q (%v), want a copy from %s", pod, logs, err, from)
		}
	}

	cloned("mysql-1", "mysql-0.mysql")
	cloned("mysql-2", "mysql-1.mysql")
	for _, p := range []string{"mysql-1", "mysql-2"} {
		eventually(t, ctx, p+" replicates from mysql-0", time.Minute, func(context.Context) error { return replicating(p) })
	}

	// An application's account, made on the primary and replicated.
	must("mysql-1", "mysql-primary", "CREATE DATABASE e2e; CREATE TABLE e2e.t (v varchar(32)); INSERT INTO e2e.t VALUES ('replicated');"+
		" CREATE USER 'app'@'%' IDENTIFIED BY 'app-password'; GRANT ALL ON e2e.* TO 'app'@'%'")
	for _, p := range []string{"mysql-1", "mysql-2"} {
		eventually(t, ctx, p+" has the row", 30*time.Second, func(context.Context) error {
			if got, err := sql(p, "127.0.0.1", "SELECT v FROM e2e.t"); err != nil || got != "replicated" {
				return fmt.Errorf("%q (%v)", got, err)
			}
			return nil
		})
	}
	for range 6 {
		if got := must("mysql-2", "mysql-read", "SELECT v FROM e2e.t"); got != "replicated" {
			t.Fatalf("read through mysql-read: %q", got)
		}
	}
	// Replicas are read-only to clients.
	out, _, err := c.Exec(ctx, ns, "mysql-1", "mysql", "mysql", "-h", "127.0.0.1", "-uapp", "-papp-password", "-e", "INSERT INTO e2e.t VALUES ('no')")
	if err == nil {
		t.Errorf("a replica took a client's write: %s", out)
	}

	// A fourth member clones mysql-2, with the row written before it
	// existed, and replicates what follows.
	scale := `{"spec":{"replicas":4}}`
	if _, err := c.Client.AppsV1().StatefulSets(ns).Patch(ctx, "mysql", types.MergePatchType, []byte(scale), metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := c.WaitStatefulSetReady(ctx, ns, "mysql", 6*time.Minute); err != nil {
		t.Fatal(err)
	}
	cloned("mysql-3", "mysql-2.mysql")
	eventually(t, ctx, "mysql-3 replicates from mysql-0", time.Minute, func(context.Context) error { return replicating("mysql-3") })
	must("mysql-0", "127.0.0.1", "INSERT INTO e2e.t VALUES ('after')")
	eventually(t, ctx, "mysql-3 has both rows", 30*time.Second, func(context.Context) error {
		if got, err := sql("mysql-3", "127.0.0.1", "SELECT v FROM e2e.t ORDER BY v"); err != nil || got != "after\nreplicated" {
			return fmt.Errorf("%q (%v)", got, err)
		}
		return nil
	})
}
