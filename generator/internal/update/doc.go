// Package update compares a build with the objects it replaces. Previous
// holds those objects: an earlier output, or what kubectl get -o yaml
// printed of the cluster.
// Refused lists the changes Kubernetes refuses on a StatefulSet that
// exists (claim templates, selector, serviceName...) and the claims a
// change would grow, and a Recreation writes them as the runbook
// RECREATE.md: the kubectl steps that apply the change safely.
package update
