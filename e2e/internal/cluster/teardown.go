//go:build linux

package cluster

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
)

// Stop tears the cluster down and leaves the machine as it was: the pods
// are deleted and their sandboxes removed while the nodes still run, so
// that the kubelets and CNI undo their own mounts, namespaces and veths;
// then the components stop, kube-proxy removes its rules, and what is left
// (mounts under the run's directory, links, chains, cgroups, sysctls,
// machine-wide directories the run created) is removed or restored. It
// returns an error listing whatever is still left; Stop is idempotent.
func (c *Cluster) Stop(ctx context.Context) error {
	// A signal's teardown and the suite's own may meet.
	c.stopMu.Lock()
	defer c.stopMu.Unlock()
	if c.stopped {
		return c.stopErr
	}
	c.stopped = true
	var problems []string
	if c.ControlPlane != nil && c.Client != nil && len(c.Nodes) > 0 {
		if err := c.deleteAllPods(ctx); err != nil {
			problems = append(problems, err.Error())
		}
	}
	for _, n := range c.Nodes {
		if n.kubelet != nil {
			n.kubelet.stop(30 * time.Second)
		}
	}
	for _, n := range c.Nodes {
		if _, err := os.Stat(n.socket); err == nil && n.containerd.exited() == nil {
			if err := removeSandboxes(ctx, n.socket); err != nil {
				problems = append(problems, fmt.Sprintf("%s: removing sandboxes: %v", n.Name, err))
			}
		}
	}
	for _, n := range c.Nodes {
		if n.containerd != nil {
			n.containerd.stop(30 * time.Second)
		}
	}
	if c.proxy != nil {
		c.proxy.stop(20 * time.Second)
		if out, err := exec.Command(c.bin+"/kube-proxy", c.proxyArgs("--cleanup")...).CombinedOutput(); err != nil {
			problems = append(problems, fmt.Sprintf("kube-proxy --cleanup: %v: %s", err, out))
		}
	}
	if c.cancel != nil {
		c.cancel()
	}
	if c.ControlPlane != nil {
		c.stopComponents()
		// Shims, and the containers of a shim that lost its sandbox.
		if c.Dir != "" {
			for _, pid := range processesUnder(c.Dir) {
				syscall.Kill(pid, syscall.SIGKILL)
			}
		}
	}
	if c.Registry != nil {
		c.Registry.stop()
	}
	var roots []string
	for _, n := range c.Nodes {
		roots = append(roots, n.CgroupRoot)
	}
	problems = append(problems, removeCgroups(roots)...)
	if c.before != nil {
		dir := ""
		if c.ControlPlane != nil {
			dir = c.Dir
		}
		problems = append(problems, c.before.restore(dir)...)
		if dir != "" {
			if os.Getenv("STSGEN_E2E_KEEP") != "" {
				fmt.Fprintf(os.Stderr, "e2e: cluster files kept in %s\n", dir)
				os.WriteFile(filepath.Join(dir, tornDown), nil, 0o644)
			} else if err := os.RemoveAll(dir); err != nil {
				problems = append(problems, err.Error())
			}
		}
		problems = append(problems, c.before.leftovers(dir, roots)...)
	}
	if c.lock != nil {
		c.lock.Close()
	}
	if len(problems) > 0 {
		c.stopErr = errors.New("the machine is not as it was:\n  " + strings.Join(problems, "\n  "))
	}
	return c.stopErr
}

// deleteAllPods deletes every pod and waits until the kubelets have
// stopped them all.
func (c *Cluster) deleteAllPods(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	namespaces, err := c.Client.CoreV1().Namespaces().List(ctx, metav1.ListOptions{})
	if err != nil {
		return err
	}
	// The controllers would replace what is deleted.
	for _, ns := range namespaces.Items {
		c.Client.AppsV1().StatefulSets(ns.Name).DeleteCollection(ctx, metav1.DeleteOptions{}, metav1.ListOptions{})
		c.Client.AppsV1().Deployments(ns.Name).DeleteCollection(ctx, metav1.DeleteOptions{}, metav1.ListOptions{})
		c.Client.AppsV1().ReplicaSets(ns.Name).DeleteCollection(ctx, metav1.DeleteOptions{}, metav1.ListOptions{})
	}
	for _, ns := range namespaces.Items {
		if err := c.Client.CoreV1().Pods(ns.Name).DeleteCollection(ctx, metav1.DeleteOptions{GracePeriodSeconds: new(int64(1))}, metav1.ListOptions{}); err != nil {
			return err
		}
	}
	var left int
	err = wait.PollUntilContextCancel(ctx, 500*time.Millisecond, true, func(ctx context.Context) (bool, error) {
		pods, err := c.Client.CoreV1().Pods("").List(ctx, metav1.ListOptions{})
		if err != nil {
			return false, nil
		}
		left = len(pods.Items)
		return left == 0, nil
	})
	if err != nil {
		return fmt.Errorf("%d pods were still there after deleting them all: %w", left, err)
	}
	return nil
}
