package rules

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/stsgen/stsgen/generator/diag"
	"github.com/stsgen/stsgen/generator/internal/build"
	"github.com/stsgen/stsgen/generator/internal/spec"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation"
)

// secretRules check the Secrets an app declares and every reference to
// a Secret: they apply once the app declares one.
var secretRules = []*Rule{ruleSecretDecls, ruleSecretRefs, ruleSecretUnused, ruleSecretPullType, ruleSecretExternal}

var ruleSecretDecls = &Rule{
	ID: diag.RuleSecretDecls, Title: "declared Secrets have valid names and the keys of their type",
	Severity: diag.Error, Fixed: true, Source: "the API server's Secret validation",
	check: checkSecretDecls,
	Explain: `A Secret's name is a DNS subdomain, and its keys are what the API server
takes for a Secret's data: letters, digits, '-', '_' and '.', not "." or "..",
at most 253 characters. A Secret needs at least one key for a reference to name,
each once. The built-in types require their keys: kubernetes.io/tls tls.crt and
tls.key, kubernetes.io/dockerconfigjson .dockerconfigjson, kubernetes.io/dockercfg
.dockercfg, kubernetes.io/ssh-auth ssh-privatekey, kubernetes.io/basic-auth
username or password; the server refuses such a Secret without them. A
kubernetes.io/service-account-token Secret is filled by the token controller,
not declared by an app.`,
}

// requiredKeys are the keys the API server requires of a Secret's type:
// all of them, or for basic-auth one of them.
var requiredKeys = map[corev1.SecretType][]string{
	corev1.SecretTypeTLS:              {corev1.TLSCertKey, corev1.TLSPrivateKeyKey},
	corev1.SecretTypeDockerConfigJson: {corev1.DockerConfigJsonKey},
	corev1.SecretTypeDockercfg:        {corev1.DockerConfigKey},
	corev1.SecretTypeSSHAuth:          {corev1.SSHAuthPrivateKey},
}

// checkSecretDecls: every declared Secret has a DNS subdomain for a name
// and at least one key, each a valid Secret key and written once, with
// the keys its type requires.
func checkSecretDecls(c *checker) {
	for _, sec := range c.s.Secrets {
		base := at("secrets", sec.Name)
		if errs := validation.IsDNS1123Subdomain(sec.Name); len(errs) > 0 {
			fix := ""
			if f := suggestSubdomain(sec.Name); f != "" {
				fix = fmt.Sprintf("; write %q", f)
			}
			c.reportName(base, "%q is not a valid Secret name: it must be a DNS subdomain (lower-case letters, digits, '-' and '.')%s", sec.Name, fix)
		}
		if len(sec.Keys) == 0 {
			c.report(append(slices.Clone(base), "keys"), "Secret %s declares no key; list the keys the app's references name: keys: [\"password\"]", sec.Name)
		}
		seen := map[string]bool{}
		for i, k := range sec.Keys {
			kat := append(slices.Clone(base), "keys", strconv.Itoa(i))
			if errs := validation.IsConfigMapKey(k); len(errs) > 0 {
				c.report(kat, "%q is not a valid Secret key: %s", k, strings.Join(errs, "; "))
			}
			if seen[k] {
				c.report(kat, "key %q is listed twice; remove one", k)
			}
			seen[k] = true
		}
		switch sec.Type {
		case corev1.SecretTypeServiceAccountToken:
			c.report(append(slices.Clone(base), "type"), "a %s Secret is filled by the token controller; mount a projected serviceAccountToken volume instead", sec.Type)
		case corev1.SecretTypeBasicAuth:
			if !seen[corev1.BasicAuthUsernameKey] && !seen[corev1.BasicAuthPasswordKey] {
				c.report(append(slices.Clone(base), "keys"), "a %s Secret needs the key username or password; the API server refuses it without them", sec.Type)
			}
		default:
			var missing []string
			for _, k := range requiredKeys[sec.Type] {
				if !seen[k] {
					missing = append(missing, k)
				}
			}
			if len(missing) > 0 {
				c.report(append(slices.Clone(base), "keys"), "a %s Secret needs the keys %s; the API server refuses it without them; add %s to keys", sec.Type, strings.Join(requiredKeys[sec.Type], ", "), strings.Join(missing, ", "))
			}
		}
	}
}

var ruleSecretRefs = &Rule{
	ID: diag.RuleSecretRefs, Title: "references to Secrets name declared Secrets and keys",
	Severity: diag.Error, Source: "stsgen, after the kubelet's CreateContainerConfigError",
	check: checkSecretRefs, verify: verifySecretRefs,
	Explain: `Once an app declares a Secret (secrets), every reference to a Secret must
name a declared one, and a key it names must be one of its keys: an env
valueFrom.secretKeyRef and an envFrom secretRef of any container, a secret
volume and its items, a projected volume's secret sources, secretFiles and
imagePullSecrets. Kubernetes accepts the pod either way; the kubelet then holds
a container whose env names a missing Secret or key in
CreateContainerConfigError, and a pod whose volume does in ContainerCreating,
until someone creates it. A reference marked optional: true may name a Secret
the app does not declare (the pod starts without it), unless the name is one
letter or two from a declared Secret's; a key it names in a declared Secret
must still be one of its keys. The output check holds every Secret the pod
template refers to to the declarations.`,
}

// checkSecretRefs: once the app declares a Secret, every reference names
// a declared Secret (an optional one may name another that is not near a
// declared name), and every key a reference names is a declared key.
func checkSecretRefs(c *checker) {
	s := c.s
	if len(s.Secrets) == 0 {
		return
	}
	var names []string
	for _, sec := range s.Secrets {
		names = append(names, sec.Name)
	}
	for _, r := range s.SecretRefs() {
		if r.Secret == "" {
			continue // the API server's validation (STS021) says so
		}
		sec, ok := s.LookupSecret(r.Secret)
		if !ok {
			near, isNear := closest(r.Secret, names)
			if r.Optional && !isNear {
				continue
			}
			fix := fmt.Sprintf("declare it (secrets: %q: keys: [...]) or name one of %s", r.Secret, strings.Join(names, ", "))
			if isNear {
				fix = fmt.Sprintf("did you mean %s?", near)
			}
			c.report(r.At, "Secret %q is not declared in secrets: %s; %s", r.Secret, consequence(r), fix)
			continue
		}
		if r.Key == "" || slices.Contains(sec.Keys, r.Key) {
			continue
		}
		fix := keysAre(sec.Keys)
		if near, ok := closest(r.Key, sec.Keys); ok {
			fix = fmt.Sprintf("did you mean %s? %s", near, fix)
		}
		c.report(r.KeyAt, "Secret %s declares no key %q: %s; %s", sec.Name, r.Key, consequence(r), fix)
	}
}

// keysAre lists a Secret's keys for a message, or says it has none.
func keysAre(keys []string) string {
	if len(keys) == 0 {
		return "it declares no key: list the keys in its keys"
	}
	return "its keys are " + strings.Join(keys, ", ")
}

// consequence says what the kubelet does with the pod while a reference
// finds nothing.
func consequence(r spec.SecretRef) string {
	switch {
	case r.Optional:
		return "the optional reference would never find it"
	case r.Kind == spec.SecretRefEnv || r.Kind == spec.SecretRefEnvFrom:
		return "the pod would sit in CreateContainerConfigError until it exists"
	case r.Kind == spec.SecretRefImagePull:
		return "the kubelet would pull without it, and a private registry refuses the pull (ImagePullBackOff)"
	}
	return "the pod would sit in ContainerCreating, its volume failing to mount, until it exists"
}

// closest returns the name of names nearest to s, when it is a typo
// away (ignoring case): one edit for a name of 3 to 5 letters, two for a
// longer one, none for a shorter one, where every name is near.
func closest(s string, names []string) (string, bool) {
	best, dist := "", 1
	switch {
	case len(s) >= 6:
		dist = 3
	case len(s) >= 3:
		dist = 2
	}
	for _, n := range names {
		if d := spec.EditDistance(strings.ToLower(s), strings.ToLower(n)); d < dist && n != s {
			best, dist = n, d
		}
	}
	return best, best != ""
}

// verifySecretRefs: every Secret the pod template refers to without
// optional is declared, once the app declares one, or is one the check
// saw. It guards SecretRefs, which the check reads: a reference it missed
// would go unchecked.
func verifySecretRefs(c *checker, b *build.Bundle) {
	if len(c.s.Secrets) == 0 {
		return
	}
	seen := map[string]bool{}
	for _, r := range c.s.SecretRefs() {
		seen[r.Secret] = true
	}
	pod := &b.StatefulSet.Spec.Template.Spec
	refer := func(name string, optional *bool, what string) {
		if _, ok := c.s.LookupSecret(name); !ok && !seen[name] && name != "" && (optional == nil || !*optional) {
			c.reportObject("statefulset.yaml: %s refers to Secret %q, which is not declared in secrets", what, name)
		}
	}
	for _, cs := range [][]corev1.Container{pod.InitContainers, pod.Containers} {
		for _, ct := range cs {
			for _, e := range ct.Env {
				if e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil {
					refer(e.ValueFrom.SecretKeyRef.Name, e.ValueFrom.SecretKeyRef.Optional, "env "+e.Name+" of container "+ct.Name)
				}
			}
			for _, e := range ct.EnvFrom {
				if e.SecretRef != nil {
					refer(e.SecretRef.Name, e.SecretRef.Optional, "envFrom of container "+ct.Name)
				}
			}
		}
	}
	for _, v := range pod.Volumes {
		if v.Secret != nil {
			refer(v.Secret.SecretName, v.Secret.Optional, "volume "+v.Name)
		}
		if v.Projected != nil {
			for _, src := range v.Projected.Sources {
				if src.Secret != nil {
					refer(src.Secret.Name, src.Secret.Optional, "volume "+v.Name)
				}
			}
		}
	}
	for _, p := range pod.ImagePullSecrets {
		refer(p.Name, nil, "imagePullSecrets")
	}
}

var ruleSecretUnused = &Rule{
	ID: diag.RuleSecretUnused, Title: "every declared Secret is referred to",
	Severity: diag.Warning, Source: "stsgen",
	check: checkSecretUnused,
	Explain: `A declared Secret that nothing in the app refers to is documented in
SECRETS.md, and fetched by its ExternalSecret, for nothing: someone creates it,
and no pod reads it. Refer to it (env valueFrom.secretKeyRef, envFrom, a secret
volume, secretFiles, imagePullSecrets) or remove it.`,
}

// checkSecretUnused: every declared Secret is referred to.
func checkSecretUnused(c *checker) {
	refs := c.s.SecretRefs()
	for _, sec := range c.s.Secrets {
		if !slices.ContainsFunc(refs, func(r spec.SecretRef) bool { return r.Secret == sec.Name }) {
			c.reportName(at("secrets", sec.Name), "nothing in the app refers to Secret %s; refer to it (env valueFrom.secretKeyRef, envFrom, a secret volume, secretFiles) or remove it", sec.Name)
		}
	}
}

var ruleSecretPullType = &Rule{
	ID: diag.RuleSecretPullType, Title: "imagePullSecrets name registry credentials",
	Severity: diag.Warning, Source: "the kubelet's image pull",
	check: checkSecretPullType,
	Explain: `The kubelet reads the registry credentials of an imagePullSecrets Secret
from its .dockerconfigjson key (type kubernetes.io/dockerconfigjson) or its
.dockercfg key (type kubernetes.io/dockercfg); from a Secret of any other type
it reads nothing, and pulls without credentials. kubectl create secret
docker-registry writes such a Secret.`,
}

// checkSecretPullType: an imagePullSecrets Secret that is declared is of
// a registry credentials type.
func checkSecretPullType(c *checker) {
	for _, r := range c.s.SecretRefs() {
		if r.Kind != spec.SecretRefImagePull {
			continue
		}
		sec, ok := c.s.LookupSecret(r.Secret)
		if !ok || sec.Type == corev1.SecretTypeDockerConfigJson || sec.Type == corev1.SecretTypeDockercfg {
			continue
		}
		c.report(r.At, "Secret %s is of type %s; the kubelet reads registry credentials only from a %s Secret, and pulls without them; declare it with type: %q", sec.Name, sec.Type, corev1.SecretTypeDockerConfigJson, corev1.SecretTypeDockerConfigJson)
	}
}

var ruleSecretExternal = &Rule{
	ID: diag.RuleSecretExternal, Title: "a Secret from a store says where the store keeps each key",
	Severity: diag.Error, Fixed: true, Source: "the External Secrets Operator's ExternalSecret CRD",
	check: checkSecretExternal,
	Explain: `A Secret with external is written as an ExternalSecret, which the External
Secrets Operator turns into the Secret. Its store is the name of a SecretStore or
ClusterSecretStore, a DNS subdomain; refreshInterval is a Go duration ("1h",
"30m", "0" to fetch once), or the operator cannot read the ExternalSecret. Each
key needs a remote reference: its own in external.keys, or remoteKey, whose
property of the key's name it then is; external.keys may name only declared
keys, since the operator would write any other into the Secret too. The
Secret that tls.secretName names is cert-manager's to write: fetched from a
store as well, the operator and cert-manager would overwrite each other's
keys for ever.`,
}

// checkSecretExternal: a Secret from a store names a valid store, a Go
// duration, and a remote reference for each key, and external.keys names
// declared keys.
func checkSecretExternal(c *checker) {
	for _, sec := range c.s.Secrets {
		x := sec.External
		if x == nil {
			continue
		}
		base := at("secrets", sec.Name, "external")
		if c.s.WrittenByTLS(sec.Name) {
			// The Certificate comes after the ExternalSecret in the output.
			n := len(c.ds)
			c.report(at("tls", "secretName"), "cert-manager writes Secret %s for the certificate, and its declaration in secrets has external, so the External Secrets Operator writes it too: each would overwrite the other's keys; remove external (cert-manager fills the Secret), or give tls.secretName a name of its own", sec.Name)
			if len(c.ds) > n {
				c.ds[n].Pos = append(c.ds[n].Pos, c.s.Source.Positions(base...)...)
			}
		}
		if errs := validation.IsDNS1123Subdomain(x.Store); len(errs) > 0 {
			c.report(append(slices.Clone(base), "store"), "%q is not a valid SecretStore name: it must be a DNS subdomain (lower-case letters, digits, '-' and '.')", x.Store)
		}
		if d, err := time.ParseDuration(x.RefreshInterval); err != nil || d < 0 {
			c.report(append(slices.Clone(base), "refreshInterval"), "%q is not a Go duration the operator reads; write e.g. \"1h\", \"30m\", or \"0\" to fetch once", x.RefreshInterval)
		}
		if c.wrote(append(slices.Clone(base), "remoteKey")) && x.RemoteKey == "" {
			c.report(append(slices.Clone(base), "remoteKey"), "is empty; write the store's name of the secret that holds the keys, or leave it out")
		}
		for _, r := range x.Keys {
			if !slices.Contains(sec.Keys, r.Key) {
				fix := keysAre(sec.Keys)
				if near, ok := closest(r.Key, sec.Keys); ok {
					fix = fmt.Sprintf("did you mean %s? %s", near, fix)
				}
				c.reportName(append(slices.Clone(base), "keys", r.Key), "Secret %s declares no key %q; %s", sec.Name, r.Key, fix)
			}
		}
		for i, k := range sec.Keys {
			if _, ok := x.Ref(k); ok {
				continue
			}
			where := append(slices.Clone(base), "keys", k)
			if !c.wrote(where) {
				where = at("secrets", sec.Name, "keys", strconv.Itoa(i))
			}
			c.report(where, "the store has no reference for key %s; set external.remoteKey (the store's secret that holds it as property %s), or external.keys: %q: remoteKey: \"...\"", k, k, k)
		}
	}
}
