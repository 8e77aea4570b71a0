// Package templates embeds the shell scripts stsgen puts into pods, and
// the blank app stsgen init writes.
package templates

import _ "embed"

// Init is the text/template of the identity init container's script. It
// derives the pod's ordinal, index, id and role from its name and installs
// the config files of that role.
//
//go:embed init.sh.tmpl
var Init string

// Blank is the text/template of the CUE file of stsgen init's blank
// template: one app to fill in, which builds as it is. It takes the
// app's Name, its Label (the name as a CUE label) and the Package.
//
//go:embed blank.cue.tmpl
var Blank string
