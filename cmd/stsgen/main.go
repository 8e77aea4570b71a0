// Command stsgen compiles stateful apps described in CUE into consistent
// Kubernetes manifests: a StatefulSet, its Services, ConfigMap and
// PodDisruptionBudget.
package main

import "os"

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }
