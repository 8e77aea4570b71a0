// Package build turns a checked Spec into its Kubernetes objects: the
// ConfigMap with the init script, the headless, read and primary Services,
// the PodDisruptionBudget, the NetworkPolicy and the StatefulSet. The
// builders are pure functions of the Spec: no I/O, TypeMeta set, every
// name and label taken from spec's names. build.go has the objects around
// the pod, pod.go the pod template, script.go the init script.
package build
