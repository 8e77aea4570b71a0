package render

import (
	"fmt"
	"slices"
	"strings"

	"github.com/stsgen/stsgen/generator/internal/build"
	"github.com/stsgen/stsgen/generator/internal/update"

	corev1 "k8s.io/api/core/v1"
)

// SecretsFile documents the Secrets an app declares: stsgen never writes
// their values, so someone creates them, or a store does.
const SecretsFile = "SECRETS.md"

// Secrets returns SECRETS.md for the app's declared Secrets: for each,
// what it holds and what refers to it, and the kubectl line that creates
// it, with placeholders for the values, or the ExternalSecret that
// fetches it.
func Secrets(app string, docs []build.SecretDoc) []byte {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p("%s", update.RunbookMarker)
	p("# Secrets of app %s\n\n", app)
	p("stsgen writes no Secret and no secret value, so that none is kept in Git. Each Secret\n")
	p("below must exist, with these keys, before the pods can start: a pod whose env refers to\n")
	p("a missing Secret or key sits in CreateContainerConfigError, and one whose volume does\n")
	p("sits in ContainerCreating. Create those with a kubectl line yourself; the External\n")
	p("Secrets Operator creates those that come from a store.\n")
	versioned := slices.ContainsFunc(docs, func(d build.SecretDoc) bool { return d.Version != "" })
	if versioned {
		p("\nTo rotate a Secret that has a version, change its values, then its `version` in the\n")
		p("app, and apply: the pod template carries a hash of the versions, so the pods roll.\n")
	}
	for _, d := range docs {
		p("\n## %s\n\n", d.Name)
		if d.Description != "" {
			p("%s\n\n", d.Description)
		}
		p("- Namespace: `%s`\n", d.Namespace)
		p("- Type: `%s`\n", d.Type)
		p("- Keys: %s\n", codeList(d.Keys))
		if d.Version != "" {
			p("- Version: `%s`\n", d.Version)
		}
		if len(d.UsedBy) == 0 {
			p("- Used by: nothing in the app refers to it\n")
		} else {
			p("- Used by: %s\n", strings.Join(d.UsedBy, "; "))
		}
		if x := d.External; x != nil {
			p("\nIt comes from the store: the External Secrets Operator creates it from %s `%s`,\n", x.Kind, x.Store)
			p("as `%s` says, and reads the store again every %s.\n\n", d.File, x.RefreshInterval)
			p("| Key | Remote key | Property |\n|---|---|---|\n")
			for _, k := range d.Keys {
				ref, _ := x.Ref(k)
				prop := "`" + ref.Property + "`"
				if ref.Property == "" {
					prop = "(the whole value)"
				}
				p("| `%s` | `%s` | %s |\n", k, ref.RemoteKey, prop)
			}
			if d.Version != "" {
				p("\nTo rotate it, change its values in the store, then its `version`: the operator\n")
				p("fetches it again as soon as the ExternalSecret's annotation changes, and the pods roll.\n")
			}
			continue
		}
		if d.Certificate != "" {
			p("\nIt is the certificate's: cert-manager writes it for Certificate `%s` (`certificate.yaml`),\n", d.Certificate)
			p("and writes it again at each renewal. Do not create it.\n")
			continue
		}
		p("\nCreate it, with the values in place of the placeholders:\n\n")
		p("    %s\n", createSecret(d))
		if d.Version != "" {
			p("\nTo rotate it, run the same line with `--dry-run=client -o yaml | kubectl apply -f -`\n")
			p("added, then change its `version`.\n")
		}
	}
	return []byte(b.String())
}

// createSecret is the kubectl line that creates the Secret, its values
// placeholders: kubectl's own form for a TLS or registry Secret of the
// keys kubectl writes, generic for the others.
func createSecret(d build.SecretDoc) string {
	kubectl := fmt.Sprintf("kubectl -n %s create secret", d.Namespace)
	switch {
	case d.Type == corev1.SecretTypeTLS && slices.Equal(d.Keys, []string{corev1.TLSCertKey, corev1.TLSPrivateKeyKey}):
		return fmt.Sprintf("%s tls %s --cert=path/to/tls.crt --key=path/to/tls.key", kubectl, d.Name)
	case d.Type == corev1.SecretTypeDockerConfigJson && slices.Equal(d.Keys, []string{corev1.DockerConfigJsonKey}):
		return fmt.Sprintf("%s docker-registry %s --docker-server='<registry>' --docker-username='<user>' --docker-password='<password>'", kubectl, d.Name)
	}
	line := fmt.Sprintf("%s generic %s", kubectl, d.Name)
	if d.Type != corev1.SecretTypeOpaque {
		line += " --type=" + string(d.Type)
	}
	for _, k := range d.Keys {
		switch d.Type {
		case corev1.SecretTypeTLS, corev1.SecretTypeDockerConfigJson, corev1.SecretTypeSSHAuth:
			line += fmt.Sprintf(" --from-file=%s=path/to/%s", k, k)
		default:
			line += fmt.Sprintf(" --from-literal=%s='<%s>'", k, k)
		}
	}
	return line
}

func codeList(ss []string) string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = "`" + s + "`"
	}
	return strings.Join(out, ", ")
}
