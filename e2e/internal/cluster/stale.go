//go:build linux

package cluster

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
)

const (
	runDirPattern = "stsgen-e2e-nodes-*"
	stateFile     = "machine.json"
	// tornDown marks a run directory kept after a complete teardown.
	tornDown = "torn-down"
)

// saveMachine writes the state before the run into its directory.
func saveMachine(dir string, m *machineState) error {
	data, err := json.Marshal(m)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, stateFile), data, 0o644)
}

// sweepStale tears down what a run that never reached its teardown left:
// one that go test's timeout or a SIGKILL ended. Its components died with
// it, but not the shims, containers, mounts, links, rules and cgroups.
// Holding the machine's lock, no other run is live.
func sweepStale(bin string) []string {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), runDirPattern))
	var problems []string
	for _, dir := range dirs {
		data, err := os.ReadFile(filepath.Join(dir, stateFile))
		if err != nil {
			continue // not a run's directory, or one that did not start
		}
		if _, err := os.Stat(filepath.Join(dir, tornDown)); err == nil {
			continue
		}
		var before machineState
		if err := json.Unmarshal(data, &before); err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", dir, err))
			continue
		}
		fmt.Fprintf(os.Stderr, "e2e: tearing down what an interrupted run left in %s\n", dir)
		for _, pid := range processesUnder(dir) {
			syscall.Kill(pid, syscall.SIGKILL)
		}
		var names []string
		for _, h := range hierarchies() {
			roots, _ := filepath.Glob(filepath.Join(h, "stsgen-e2e-node-*"))
			for _, r := range roots {
				names = append(names, "/"+filepath.Base(r))
			}
		}
		problems = append(problems, removeCgroups(uniq(names))...)
		if kubeconfig := filepath.Join(dir, "kubeconfig"); fileExists(kubeconfig) {
			exec.Command(filepath.Join(bin, "kube-proxy"), "--kubeconfig", kubeconfig, "--cleanup").Run()
		}
		problems = append(problems, before.restore(dir)...)
		if err := os.RemoveAll(dir); err != nil {
			problems = append(problems, err.Error())
		}
	}
	return problems
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func uniq(s []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range s {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}
