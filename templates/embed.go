// Package templates embeds the shell scripts stsgen puts into pods.
package templates

import _ "embed"

// Init is the text/template of the identity init container's script. It
// derives the pod's ordinal, index, id and role from its name and installs
// the config files of that role.
//
//go:embed init.sh.tmpl
var Init string
