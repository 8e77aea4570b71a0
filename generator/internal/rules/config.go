package rules

import (
	"fmt"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/stsgen/stsgen/generator/diag"
	"github.com/stsgen/stsgen/generator/internal/spec"

	"k8s.io/apimachinery/pkg/util/validation"
)

// configRules check the config files, which become the app's ConfigMap,
// and the roles whose files, args and env apply to some members.
var configRules = []*Rule{ruleConfigMap, ruleRoles, ruleTemplates}

var ruleTemplates = &Rule{
	ID: diag.RuleTemplates, Title: "config files use the identity in a form stsgen-init replaces",
	Severity: diag.Error, Source: "stsgen",
	check: checkTemplates,
	Explain: `A config file may hold placeholders that stsgen-init replaces with each
member's identity as it installs the file: @@pod@@, @@ordinal@@,
@@index@@, @@id@@, @@role@@, @@host@@, @@fqdn@@, @@previous@@,
@@previous_fqdn@@, and for primary-replica apps @@primary@@ and
@@primary_fqdn@@. advertised.listeners=PLAINTEXT://@@fqdn@@:9092 then
needs no start script. A placeholder that is none of these is an error at
its line, and so is $(STSGEN_FQDN) (or apps.<name>.self) in a config
file: Kubernetes expands $(VAR) in env, command and args only, and would
leave it in the file as it is.`,
}

// checkTemplates: every placeholder of a config file is one stsgen-init
// knows, and no config file uses the $(VAR) form of the identity.
func checkTemplates(c *checker) {
	s := c.s
	check := func(sels []string, f spec.File) {
		for _, p := range spec.FilePlaceholders(f.Content) {
			primary := p.Name == "primary" || p.Name == "primary_fqdn"
			switch {
			case primary && s.Topology != spec.PrimaryReplica:
				c.reportLine(sels, f.Content, p.Line, "line %d: @@%s@@ exists for topology: \"primary-replica\" only", p.Line, p.Name)
			case !slices.Contains(spec.Placeholders, p.Name) && !slices.Contains(s.MemberFilePlaceholders(), p.Name):
				c.reportLine(sels, f.Content, p.Line, "line %d: @@%s@@ is no placeholder of stsgen-init's; write one of %s", p.Line, p.Name, placeholderList(s))
			}
		}
		for i, line := range strings.Split(f.Content, "\n") {
			if j := strings.Index(line, "$(STSGEN_"); j >= 0 {
				ref, _, _ := strings.Cut(line[j+len("$(STSGEN_"):], ")")
				fix := "write one of " + placeholderList(s)
				if p := strings.ToLower(ref); slices.Contains(spec.Placeholders, p) {
					fix = "write @@" + p + "@@"
				}
				c.reportLine(sels, f.Content, i+1, "line %d: $(STSGEN_%s) is expanded by Kubernetes in env, command and args only, not in a config file; %s, which stsgen-init replaces in each pod", i+1, ref, fix)
			}
		}
	}
	// In env, command and args, Kubernetes expands $(VAR) of the variables
	// defined before; of the identity, only those stsgen puts first in
	// every container's env are.
	words := func(sels []string, list []string) {
		for _, w := range list {
			for _, m := range identityRef.FindAllStringSubmatch(w, -1) {
				if !slices.Contains(envIdentity(s), m[1]) {
					c.report(sels, "$(%s) is not in the container's environment, so Kubernetes leaves it as it is: only the env file stsgen-init writes has it (source it in a shell: . %s/env, and write $%s); the environment has %s", m[1], s.Identity.MountPath, m[1], strings.Join(envIdentity(s), ", "))
				}
			}
			if p := spec.FilePlaceholders(w); len(p) > 0 {
				c.report(sels, "@@%s@@ is a placeholder of config files, which stsgen-init replaces there only; in env, command and args write $(%s%s)", p[0].Name, spec.ReservedEnvPrefix, strings.ToUpper(p[0].Name))
			}
		}
	}
	words(at("command"), s.Command)
	words(at("args"), s.Args)
	words(at("env"), spec.EnvValues(s.Env))
	for _, l := range s.ContainerLists() {
		for i, ct := range l.Cs {
			words(at(l.Field, strconv.Itoa(i)), slices.Concat(ct.Command, ct.Args, spec.EnvValues(ct.Env)))
		}
	}
	for _, f := range s.Config.Files {
		check(at("config", "files", f.Name), f)
	}
	for _, r := range s.Config.Roles {
		for _, f := range r.Files {
			check(at("config", "roles", string(r.Name), "files", f.Name), f)
		}
	}
}

// identityRef finds $(STSGEN_NAME) in a word of env, command or args.
var identityRef = regexp.MustCompile(`\$\((STSGEN_[A-Z0-9_]+)\)`)

// envIdentity are the identity's names in every container's env.
func envIdentity(s *spec.Spec) []string {
	names := []string{spec.EnvPod, spec.EnvOrdinal, spec.EnvHost, spec.EnvFQDN}
	if s.Topology == spec.PrimaryReplica {
		names = append(names, spec.EnvPrimary, spec.EnvPrimaryFQDN)
	}
	if s.Services.Members != nil {
		names = append(names, spec.EnvService)
	}
	return names
}

// placeholderList is the placeholders an app's files may use, for a
// message.
func placeholderList(s *spec.Spec) string {
	var names []string
	for _, p := range spec.Placeholders {
		if (p == "primary" || p == "primary_fqdn") && s.Topology != spec.PrimaryReplica {
			continue
		}
		names = append(names, "@@"+p+"@@")
	}
	for _, p := range s.MemberFilePlaceholders() {
		names = append(names, "@@"+p+"@@")
	}
	return strings.Join(names, ", ")
}

var ruleConfigMap = &Rule{
	ID: diag.RuleConfigMap, Title: "config file names are ConfigMap keys, used once, within 1 MiB",
	Severity: diag.Error, Fixed: true, Source: "API server",
	check: checkConfigMap,
	Explain: `Every config file becomes a key of the app's ConfigMap; role files are
stored as <role>--<file>. Keys may hold letters, digits, '-', '_' and '.'
only (no '/' and no spaces), may not be '.' or '..' or start with '..',
and must be unique. The ConfigMap's data may not exceed 1 MiB in total;
keep large files in an image or a volume.`,
}

// maxConfigMapData is the most data a ConfigMap may hold.
const maxConfigMapData = 1 << 20

// checkConfigMap: config file names are valid ConfigMap keys, every key is
// used once, and the data fits in a ConfigMap.
func checkConfigMap(c *checker) {
	s := c.s
	keys := map[string][]string{spec.InitScriptKey: at("config")}
	size := 0
	addKey := func(sels []string, key, name, content string) {
		size += len(content)
		if msgs := validation.IsConfigMapKey(name); len(msgs) > 0 {
			c.reportName(sels, "file name %q is not valid in a ConfigMap: %s", name, configKeyProblem(name))
			return
		}
		if prev, ok := keys[key]; ok {
			c.report(sels, "ConfigMap key %q is also used by %s; rename one of the files", key, strings.Join(prev, "."))
			return
		}
		keys[key] = sels
	}
	for _, f := range s.Config.Files {
		addKey(at("config", "files", f.Name), f.Name, f.Name, f.Content)
	}
	for _, r := range s.Config.Roles {
		for _, f := range r.Files {
			addKey(at("config", "roles", string(r.Name), "files", f.Name), spec.RoleFileKey(r.Name, f.Name), f.Name, f.Content)
		}
	}
	if size > maxConfigMapData-64<<10 {
		c.report(at("config", "files"), "the config files hold %d bytes; with stsgen's script a ConfigMap holds at most 1 MiB (1048576 bytes); move large files into the image or a volume", size)
	}
}

func configKeyProblem(name string) string {
	switch {
	case name == "." || name == ".." || strings.HasPrefix(name, ".."):
		return "it may not be '.' or '..' or start with '..'"
	case strings.Contains(name, "/"):
		return fmt.Sprintf("it may not contain '/'; files are installed flat in config.mountPath, so write %q", path.Base(name))
	case len(name) > validation.DNS1123SubdomainMaxLength:
		return "it is longer than 253 characters"
	}
	fix := strings.Map(func(r rune) rune {
		if r == '-' || r == '_' || r == '.' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return '-'
	}, name)
	return fmt.Sprintf("use letters, digits, '-', '_' and '.' only; write %q", fix)
}

var ruleRoles = &Rule{
	ID: diag.RuleRoles, Title: "roles exist in the topology and their args and env can be applied",
	Severity: diag.Error, Fixed: true, Source: "stsgen",
	check: checkRoles,
	Explain: `A standalone app's members have the role server, a primary-replica app's
primary and replica, a quorum ensemble's member. Role files, args and
env apply to the members of that role. Role args and env are added by
starting the main container through sh with the identity's env file, so
stsgen needs the app's command; a role file may not shadow a shared file
of the same name.`,
}

// checkRoles: roles exist in the topology, role args and env come with a
// command to wrap, and role files do not shadow shared ones.
func checkRoles(c *checker) {
	s := c.s
	roles := spec.TopologyRoles[s.Topology]
	var names []string
	for _, r := range roles {
		names = append(names, string(r))
	}
	for _, r := range s.Config.Roles {
		if !slices.Contains(roles, r.Name) {
			c.reportName(at("config", "roles", string(r.Name)), "a %s app has no role %q; its roles are %s", s.Topology, r.Name, strings.Join(names, ", "))
			continue
		}
		for _, f := range r.Files {
			if slices.ContainsFunc(s.Config.Files, func(g spec.File) bool { return g.Name == f.Name }) {
				c.report(at("config", "roles", string(r.Name), "files", f.Name), "%q is also a shared file; a role's file would overwrite it, so rename one", f.Name)
			}
		}
		if (len(r.Args) > 0 || len(r.Env) > 0) && len(s.Command) == 0 {
			c.report(at("config", "roles", string(r.Name)), "role args and env need the app's command: stsgen starts the main container through sh to add them and cannot know the image's entrypoint; set command")
		}
	}
}
