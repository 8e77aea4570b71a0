// Package diag holds what stsgen says about its input: a Diagnostic is one
// problem with its severity, rule id, CUE field path, source positions and
// a message that says what to write instead. Diagnostics sorts and
// de-duplicates them and prints them for people or as JSON, in one place.
//
// FromCUE turns CUE's own errors into diagnostics, translating the
// messages users find obscure. The rule ids live here, at the bottom of
// the pipeline, because every stage may report under one; the rules
// themselves are in internal/rules.
package diag
