// Package spec is the decoded form of an app. Decode reads an app's CUE
// value, the schema applied, into a Spec: every default filled in,
// polymorphic fields normalised, quantities parsed, maps turned into
// slices in the input's order. What cannot be decoded is reported, and
// the app is still returned so that the checks can report the rest.
//
// A Spec's Source says where each field came from, for positions. The
// facts that more than one stage needs (does the app emit a budget, has
// it config files, what does it mount) are methods and functions here, so
// that the checks and the builder never ask each other. The names stsgen
// writes or reserves (labels, annotations, volumes, topologies, roles) are
// named once, in names.go.
package spec
