//go:build linux

// Package cluster runs Kubernetes for the end-to-end suites, as processes
// on this machine. StartControlPlane starts etcd, kube-apiserver and
// kube-controller-manager on 127.0.0.1 and nothing else, for a suite that
// plays the nodes itself. Start adds what a real cluster has: a scheduler,
// kube-proxy, CoreDNS, an image registry and nodes, each node its own
// containerd and kubelet, whose pods run in network namespaces of their own
// on a bridge of their own.
package cluster
