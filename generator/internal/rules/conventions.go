package rules

import (
	"slices"
	"strconv"
	"strings"

	"github.com/stsgen/stsgen/generator/diag"
	"github.com/stsgen/stsgen/generator/internal/build"
	"github.com/stsgen/stsgen/generator/internal/spec"
)

// conventionRules check the spec against stsgen's own terms: its schema,
// the names it reserves, and the checks field that overrides rules.
var conventionRules = []*Rule{ruleSchema, ruleReserved, ruleChecksOverride, ruleInitNeeded, ruleIdentityUnused}

var ruleIdentityUnused = &Rule{
	ID: diag.RuleIdentityUnused, Title: "identity settings take effect",
	Severity: diag.Warning, Source: "stsgen",
	check: checkIdentityUnused,
	Explain: `identity.image runs stsgen-init, and identity.idBase gives the ids it
writes to the env file and the @@id@@ placeholder: both matter only when
stsgen-init runs, which it does when something needs it (STS308). Set
without it, they do nothing, which is probably not what was meant: remove
them, or say what needs the identity (identity.init: true).`,
}

// checkIdentityUnused: identity.image and identity.idBase are not set for
// an app that runs no stsgen-init.
func checkIdentityUnused(c *checker) {
	if c.s.RunsInit() {
		return
	}
	// Compared with the schema's defaults (the app's image, 1), which
	// hold whether the schema is stsgen's own or a vendored copy.
	const msg = "is set, but the pods run no stsgen-init (nothing needs it), so it does nothing; remove it, or set identity.init: true"
	if c.s.Identity.Image != c.s.Image {
		c.report(at("identity", "image"), msg)
	}
	if c.s.Identity.IDBase != 1 {
		c.report(at("identity", "idBase"), msg)
	}
}

var ruleInitNeeded = &Rule{
	ID: diag.RuleInitNeeded, Title: "stsgen-init runs when something needs it",
	Severity: diag.Error, Fixed: true, Source: "stsgen",
	check: checkInitNeeded,
	Explain: `stsgen-init, the identity init container, installs the config files,
writes the identity's env file (with the roles' args and env) and needs a
POSIX sh. It runs when something needs it: config files, role args or
env, or a container whose command, args or env refers to the identity
directory (identity.mountPath) or that mounts it. Otherwise the pod has
none, and an image without a shell runs as it is; every container still
gets the identity as env vars (STSGEN_POD, STSGEN_FQDN...).
identity.init: true runs it anyway; identity.init: false while something
needs it would leave that without its files, and is refused.`,
}

// checkInitNeeded: stsgen-init is not turned off while something needs it.
func checkInitNeeded(c *checker) {
	if i := c.s.Identity.Init; i != nil && !*i {
		if needs := c.s.InitNeeds(); len(needs) > 0 {
			c.report(at("identity", "init"), "is false, but stsgen-init is needed for %s; remove identity.init, or what needs it", strings.Join(needs, "; "))
		}
	}
}

// ruleSchema has neither check nor verify: spec.Decode reports it, as it
// unifies each app with the schema.
var ruleSchema = &Rule{
	ID: diag.RuleSchema, Title: "the spec matches the stsgen schema",
	Severity: diag.Error, Fixed: true, Source: "stsgen schema",
	Explain: `Every app is unified with the #App schema: unknown fields, values of the
wrong type, values outside an enumeration, conflicting values and
required fields left without a value are errors. The API server would
reject the same mistakes in the objects (strict decoding: unknown
field "spec.replica"), or silently drop them. The field reference,
docs/fields.md, lists every field; stsgen schema prints the schema itself.`,
}

var ruleReserved = &Rule{
	ID: diag.RuleReserved, Title: "names starting with stsgen- or STSGEN_, and stsgen's annotations, are reserved",
	Severity: diag.Error, Fixed: true, Source: "stsgen",
	check: checkReserved,
	Explain: `stsgen adds its own init container, volumes and ConfigMap key, all named
stsgen-..., the stsgen.dev/config-hash annotation to the pod template,
and the identity (STSGEN_POD, STSGEN_FQDN...) to every container's env. A
user name, annotation or env var with those names would collide with
them; choose another.`,
}

// checkReserved: user names and annotations stay clear of stsgen's own.
func checkReserved(c *checker) {
	s := c.s
	reserved := func(sels []string, name string) {
		if strings.HasPrefix(name, spec.ReservedPrefix) {
			c.reportName(sels, "names starting with %q are reserved for stsgen's own volumes and containers; choose another name", spec.ReservedPrefix)
		}
	}
	for _, cl := range s.Storage {
		reserved(at("storage", cl.Name), cl.Name)
	}
	for _, v := range s.Volumes {
		reserved(at("volumes", v.Name), v.Name)
	}
	for i, ct := range s.InitContainers {
		reserved(at("initContainers", strconv.Itoa(i), "name"), ct.Name)
	}
	for i, ct := range s.Sidecars {
		reserved(at("sidecars", strconv.Itoa(i), "name"), ct.Name)
	}
	// stsgen puts the identity first in every container's env, and the
	// env file exports it: an env var of the same name would be a
	// duplicate, which server-side apply refuses.
	reservedEnv := func(sels []string, name string) {
		if strings.HasPrefix(name, spec.ReservedEnvPrefix) {
			c.reportName(sels, "env names starting with %s are reserved for the identity stsgen gives every container (STSGEN_POD, STSGEN_FQDN...); choose another name", spec.ReservedEnvPrefix)
		}
	}
	for _, e := range s.Env {
		reservedEnv(at("env", e.Name), e.Name)
	}
	for _, l := range s.ContainerLists() {
		for i, ct := range l.Cs {
			for j, e := range ct.Env {
				reservedEnv(at(l.Field, strconv.Itoa(i), "env", strconv.Itoa(j), "name"), e.Name)
			}
		}
	}
	for _, f := range s.Config.Files {
		if f.Name == spec.InitScriptKey {
			c.report(at("config", "files", f.Name), "%q is the ConfigMap key of stsgen's init script; rename the file", f.Name)
		}
	}
	if _, ok := s.Annotations[spec.AnnotationConfigHash]; ok {
		c.report(at("annotations", spec.AnnotationConfigHash), "%s is set by stsgen on the pod template to roll the pods when the config changes; remove it", spec.AnnotationConfigHash)
	}
	if _, ok := s.Labels[spec.LabelPodName]; ok {
		c.report(at("labels", spec.LabelPodName), "%s is set by the StatefulSet controller on each pod; remove it", spec.LabelPodName)
	}
}

var ruleChecksOverride = &Rule{
	ID: diag.RuleChecksOverride, Title: "check overrides name rules whose severity can change",
	Severity: diag.Error, Fixed: true, Source: "stsgen",
	check: checkChecksOverride,
	Explain: `An app's checks field sets a rule's severity for that app:
checks: STS102: "off". The id must be a rule of the catalogue (stsgen
explain lists them), and rules that guard output Kubernetes would reject
cannot be changed.`,
}

// checkChecksOverride: an app's check overrides name rules that exist and
// may change.
func checkChecksOverride(c *checker) {
	check := func(base []string, checks map[diag.RuleID]diag.Severity) {
		for _, id := range build.SortedKeys(checks) {
			r, ok := c.lookupRule(id)
			sels := append(slices.Clone(base), "checks", string(id))
			switch {
			case !ok:
				c.report(sels, "no rule %s; stsgen explain lists the rules", id)
			case r.Fixed && checks[id] != r.Severity:
				c.report(sels, "%s cannot be changed: %s", r.ID, fixedWhy)
			}
		}
	}
	check(nil, c.s.Checks)
	for _, l := range c.s.ContainerLists() {
		for i := range l.Cs {
			base := at(l.Field, strconv.Itoa(i))
			check(base, c.s.ContainerChecks[c.s.Path(base...)])
		}
	}
}
