package rules

import (
	"strings"

	"github.com/stsgen/stsgen/generator/diag"
	"github.com/stsgen/stsgen/generator/internal/build"
	"github.com/stsgen/stsgen/generator/internal/spec"

	"k8s.io/apimachinery/pkg/util/validation"
)

// bootstrapRules check the one-time bootstrap Job.
var bootstrapRules = []*Rule{ruleBootstrapJob}

var ruleBootstrapJob = &Rule{
	ID: diag.RuleBootstrapJob, Title: "the bootstrap Job runs one command, and its name fits its pods' label",
	Severity: diag.Error, Fixed: true, Source: "API server and Job controller",
	check: checkBootstrapJob,
	Explain: `bootstrap runs either a script, with /bin/sh -c, or a command with its
args: one of the two, not both and not neither, and not a blank one; its
image, which defaults to the app's, is not empty. The Job is named
<app>-bootstrap-<8 hex digits>, and the API server labels its pods with
that name (batch.kubernetes.io/job-name), a label value of at most 63
characters: the app's name may have at most 44 for a bootstrap. The Job's
environment begins with the members' identities (STSGEN_PEERS,
STSGEN_SERVICE...): its own env may not use names starting with STSGEN_.`,
}

// maxBootstrapApp is the longest app name whose bootstrap Job's name,
// <app>-bootstrap-<hash>, is a label value.
var maxBootstrapApp = validation.LabelValueMaxLength - len("-"+spec.ComponentBootstrap+"-") - build.BootstrapHashLen

// checkBootstrapJob: the bootstrap runs a script or a command, its name
// is short enough, and its env leaves stsgen's names alone.
func checkBootstrapJob(c *checker) {
	b := c.s.Bootstrap
	if b == nil {
		return
	}
	switch {
	case b.Script != "" && strings.TrimSpace(b.Script) == "" && len(b.Command) == 0:
		c.report(at("bootstrap", "script"), "the script is blank, and the Job would succeed having done nothing; write the commands it runs (by /bin/sh -c), or remove bootstrap")
	case len(b.Command) > 0 && strings.TrimSpace(b.Command[0]) == "" && b.Script == "":
		c.report(at("bootstrap", "command", "0"), "the command's program is blank; write the program it runs, e.g. command: [\"/usr/local/bin/init-cluster\"]")
	case b.Script == "" && len(b.Command) == 0:
		c.report(at("bootstrap"), "the bootstrap runs nothing; write script: \"...\" (run by /bin/sh -c) or command: [...]")
	case b.Script != "" && len(b.Command) > 0:
		c.report(at("bootstrap", "command"), "the bootstrap has both a script and a command, and runs one; keep script (run by /bin/sh -c) or command")
	}
	if strings.TrimSpace(b.Image) == "" {
		c.report(at("bootstrap", "image"), "the bootstrap's image is empty; remove image (it defaults to the app's, %q), or write a pinned image such as \"postgres:17.2\"", c.s.Image)
	}
	if n := len(c.s.Name); n > maxBootstrapApp && labelProblem(c.s.Name) == "" {
		c.report(at("bootstrap"), "the bootstrap Job is named %s-%s-<hash>, %d characters, and the API server labels its pods with that name, a label value of at most 63; an app with a bootstrap may have a name of at most %d characters", c.s.Name, spec.ComponentBootstrap, n+len("-"+spec.ComponentBootstrap+"-")+build.BootstrapHashLen, maxBootstrapApp)
	}
	for _, e := range b.Env {
		if strings.HasPrefix(e.Name, spec.ReservedEnvPrefix) {
			c.reportName(at("bootstrap", "env", e.Name), "env names starting with %s are reserved for the members' identities stsgen gives the bootstrap (STSGEN_PEERS, STSGEN_SERVICE...); choose another name", spec.ReservedEnvPrefix)
		}
	}
}
