// Package build turns a checked Spec into its Kubernetes objects: the
// ConfigMap with the init script, the headless, read and primary Services,
// the PodDisruptionBudget, the NetworkPolicy and the StatefulSet. The
// builders are pure functions of the Spec: no I/O, TypeMeta set, every
// label and annotation key taken from spec's names. build.go has the
// objects around the pod, their names and their files (Objects), and the
// budget's value; pod.go the StatefulSet and its pod template;
// script.go the init script.
package build
