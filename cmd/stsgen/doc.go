// Command stsgen compiles stateful apps described in CUE into consistent
// Kubernetes manifests: a StatefulSet, its Services, ConfigMap,
// PodDisruptionBudget and NetworkPolicy.
//
// This package is the command line and nothing more: it parses flags
// into options, runs package generator's pipeline, hands the output
// directory to package generator/outdir, and owns what the user sees of
// it all: the messages, with paths as the user typed them, and the exit
// statuses. The process (signals, the collector's settings, the working
// directory) is touched here only.
package main
