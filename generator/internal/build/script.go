package build

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"text/template"

	"github.com/stsgen/stsgen/generator/internal/spec"
	"github.com/stsgen/stsgen/templates"
)

var initTemplate = sync.OnceValues(func() (*template.Template, error) {
	// Every value of the user's that reaches the script goes through dq,
	// inside double quotes, or word, as a word of its own: sh never reads
	// it as code.
	return template.New("init.sh").Funcs(template.FuncMap{"dq": shellDQ, "word": shellWord}).Parse(templates.Init)
})

// initScriptData is what the init script template sees.
type initScriptData struct {
	Name     string
	Topology spec.Topology
	// Domain is what follows <pod> in a member's FQDN:
	// <service>.<namespace>.svc.<cluster domain>.
	Service     string
	Domain      string
	Start       int32
	IDBase      int
	SourceDir   string
	ConfigDir   string
	IdentityDir string
	// Files are installed in order; a file with a Role only for that role.
	Files   []scriptFile
	RoleEnv []roleEnv
	// Templates says that some file is a template.
	Templates bool
	// IntoCopy says that the files go into a writable copy of the image's
	// directory, whose own files they replace.
	IntoCopy bool
	// SecretsDir and SecretSourceDir are where the secret files go and
	// where their Secrets are; Secrets are installed in order.
	SecretsDir      string
	SecretSourceDir string
	Secrets         []scriptSecret
	// MemberService is the member's Service name as sh text inside double
	// quotes, from $pod and $ordinal; empty without services.members.
	MemberService string
	// NodePorts are the member's fixed node ports.
	NodePorts []scriptNodePort
}

// scriptNodePort is a port's node port: Base + the member's index, in
// the env file as Env and in templates as @@Placeholder@@.
type scriptNodePort struct {
	Var, Env, Placeholder string
	Base                  int32
}

// scriptSecret is one of secretFiles: Source, under SecretSourceDir, is
// installed as Name, under SecretsDir, with Mode (octal).
type scriptSecret struct {
	Source, Name, Mode string
}

type scriptFile struct {
	Role, Key, Name string
	// Template says that the file's placeholders are replaced as it is
	// installed.
	Template bool
}

// roleEnv is shell text appended to the identity env file for one role,
// quoted once more to be written by printf.
type roleEnv struct {
	Role, Quoted string
}

// initScript renders the identity init container's script for s.
func initScript(s *spec.Spec) (string, error) {
	t, err := initTemplate()
	if err != nil {
		return "", err
	}
	_, into := s.ConfigWritable()
	data := initScriptData{
		Name:            s.Name,
		Topology:        s.Topology,
		Service:         s.ServiceName,
		Domain:          s.ServiceName + "." + s.Namespace + ".svc." + s.ClusterDomain,
		Start:           s.OrdinalsStart,
		IDBase:          s.Identity.IDBase,
		SourceDir:       spec.SourceDir,
		ConfigDir:       spec.ConfigDir,
		IdentityDir:     spec.IdentityDir,
		Templates:       s.HasTemplates(),
		IntoCopy:        into,
		SecretsDir:      spec.SecretsDir,
		SecretSourceDir: spec.SecretSourceDir,
	}
	if m := s.Services.Members; m != nil {
		data.MemberService = strings.NewReplacer("@@pod@@", "$pod", "@@ordinal@@", "$ordinal").Replace(shellDQ(m.Name))
		for i, np := range m.NodePorts {
			data.NodePorts = append(data.NodePorts, scriptNodePort{
				Var:         fmt.Sprintf("nodeport_%d", i),
				Env:         spec.NodePortEnv(np.Port),
				Placeholder: spec.NodePortPlaceholder(np.Port),
				Base:        np.Base,
			})
		}
	}
	sources := secretSources(s)
	for i, f := range s.SecretFiles {
		data.Secrets = append(data.Secrets, scriptSecret{
			Source: fmt.Sprintf("%d/%s", slices.Index(sources, f.Secret), f.Key),
			Name:   strconv.Itoa(i),
			Mode:   fmt.Sprintf("%04o", f.Mode),
		})
	}
	for _, f := range s.Config.Files {
		data.Files = append(data.Files, scriptFile{Key: f.Name, Name: f.Name, Template: f.IsTemplate()})
	}
	for _, r := range s.Config.Roles {
		for _, f := range r.Files {
			data.Files = append(data.Files, scriptFile{Role: string(r.Name), Key: spec.RoleFileKey(r.Name, f.Name), Name: f.Name, Template: f.IsTemplate()})
		}
		if text := roleShell(r); text != "" {
			data.RoleEnv = append(data.RoleEnv, roleEnv{Role: string(r.Name), Quoted: shellQuote(text)})
		}
	}
	var b strings.Builder
	if err := t.Execute(&b, data); err != nil {
		return "", err
	}
	return b.String(), nil
}

// roleShell is the sh text that gives a member of role r its env and args:
// exports, then a set -- that appends the args to the command line.
func roleShell(r spec.Role) string {
	var b strings.Builder
	for _, e := range r.Env {
		b.WriteString("export " + e.Name + "=" + shellQuote(e.Value) + "\n")
	}
	if len(r.Args) > 0 {
		b.WriteString(`set -- "$@"`)
		for _, a := range r.Args {
			b.WriteString(" " + shellQuote(a))
		}
		b.WriteString("\n")
	}
	return b.String()
}

// shellQuote quotes s for sh: single quotes, with each ' written as '\”.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// shellDQ escapes s for sh inside double quotes: a backslash before each
// of $ ` " \, which are all that sh reads there. A name of letters,
// digits, '.', '-' and '/' is written as it is.
func shellDQ(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune("$`\"\\", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// shellWord is s as one word for sh: as it is when sh reads nothing in
// it, else single-quoted.
func shellWord(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-/") == "" {
		return s
	}
	return shellQuote(s)
}
