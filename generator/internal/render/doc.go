// Package render writes objects as stsgen's output: YAML documents and
// streams, the JSON List, and the files of an app's output directory with
// their header, kustomization.yaml and runbook. The YAML itself is
// yamlfmt's.
package render
