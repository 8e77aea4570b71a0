//go:build linux

package nodes

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestPostgres runs examples/postgres as generated: both standbys clone
// the primary, stream from it and serve reads, and refuse writes.
func TestPostgres(t *testing.T) {
	// Beside the other examples that need no node of their own.
	t.Parallel()
	ctx := testContext(t, 10*time.Minute)
	ex := compileExample(t, "postgres", "postgres", map[string]string{
		"zz_e2e.cue": "package postgres\n\napps: postgres: namespace: \"postgres\"\n",
	})
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
}
