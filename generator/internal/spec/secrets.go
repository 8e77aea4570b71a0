package spec

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// A SecretRef is one place where the app refers to a Secret: the checks
// hold it to the declared Secrets, and SECRETS.md lists it.
type SecretRef struct {
	Secret string
	// Key is the key referred to; "" for the whole Secret (envFrom, a
	// volume without items, imagePullSecrets).
	Key string
	// At names the field that holds the Secret's name, KeyAt the key's;
	// relative to the app.
	At, KeyAt []string
	// Optional says the pod starts without the Secret or key.
	Optional bool
	// Kind is how the pod uses it: "env", "envFrom", "volume",
	// "secretFile" or "imagePull".
	Kind string
	// What says where, for a message or SECRETS.md: "env REDIS_PASSWORD of
	// the main container".
	What string
}

// The kinds of SecretRef.
const (
	SecretRefEnv       = "env"
	SecretRefEnvFrom   = "envFrom"
	SecretRefVolume    = "volume"
	SecretRefFile      = "secretFile"
	SecretRefImagePull = "imagePull"
)

// SecretRefs are the app's references to Secrets, in the order of its
// fields: the main container's env and envFrom, the init containers' and
// sidecars', the volumes, secretFiles and imagePullSecrets, then the
// bootstrap Job's env and envFrom, and last the certificate's volume.
func (s *Spec) SecretRefs() []SecretRef {
	var refs []SecretRef
	opt := func(b *bool) bool { return b != nil && *b }
	for _, e := range s.Env {
		if e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil {
			r := e.ValueFrom.SecretKeyRef
			at := []string{"env", e.Name, "valueFrom", "secretKeyRef"}
			refs = append(refs, SecretRef{Secret: r.Name, Key: r.Key, At: append(slices.Clone(at), "name"), KeyAt: append(at, "key"),
				Optional: opt(r.Optional), Kind: SecretRefEnv, What: "env " + e.Name + " of the main container"})
		}
	}
	for i, e := range s.EnvFrom {
		if e.SecretRef != nil {
			refs = append(refs, SecretRef{Secret: e.SecretRef.Name, At: []string{"envFrom", strconv.Itoa(i), "secretRef", "name"},
				Optional: opt(e.SecretRef.Optional), Kind: SecretRefEnvFrom, What: "envFrom of the main container"})
		}
	}
	for _, list := range s.ContainerLists() {
		for i, c := range list.Cs {
			where := " of container " + c.Name
			for j, e := range c.Env {
				if e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil {
					r := e.ValueFrom.SecretKeyRef
					at := []string{list.Field, strconv.Itoa(i), "env", strconv.Itoa(j), "valueFrom", "secretKeyRef"}
					refs = append(refs, SecretRef{Secret: r.Name, Key: r.Key, At: append(slices.Clone(at), "name"), KeyAt: append(at, "key"),
						Optional: opt(r.Optional), Kind: SecretRefEnv, What: "env " + e.Name + where})
				}
			}
			for j, e := range c.EnvFrom {
				if e.SecretRef != nil {
					refs = append(refs, SecretRef{Secret: e.SecretRef.Name, At: []string{list.Field, strconv.Itoa(i), "envFrom", strconv.Itoa(j), "secretRef", "name"},
						Optional: opt(e.SecretRef.Optional), Kind: SecretRefEnvFrom, What: "envFrom" + where})
				}
			}
		}
	}
	for _, v := range s.Volumes {
		what := "volume " + v.Name
		if sec := v.Source.Secret; sec != nil {
			at := []string{"volumes", v.Name, "secret"}
			refs = append(refs, secretItems(sec.SecretName, append(slices.Clone(at), "secretName"), at, len(sec.Items), func(k int) string { return sec.Items[k].Key }, opt(sec.Optional), what)...)
		}
		if p := v.Source.Projected; p != nil {
			for k, src := range p.Sources {
				if sec := src.Secret; sec != nil {
					at := []string{"volumes", v.Name, "projected", "sources", strconv.Itoa(k), "secret"}
					refs = append(refs, secretItems(sec.Name, append(slices.Clone(at), "name"), at, len(sec.Items), func(k int) string { return sec.Items[k].Key }, opt(sec.Optional), what)...)
				}
			}
		}
	}
	for _, f := range s.SecretFiles {
		refs = append(refs, SecretRef{Secret: f.Secret, Key: f.Key, At: []string{"secretFiles", f.Path, "secret"}, KeyAt: []string{"secretFiles", f.Path, "key"},
			Kind: SecretRefFile, What: "secret file " + f.Path})
	}
	for i, p := range s.Pod.ImagePullSecrets {
		refs = append(refs, SecretRef{Secret: p.Name, At: []string{"imagePullSecrets", strconv.Itoa(i), "name"}, Kind: SecretRefImagePull, What: "imagePullSecrets"})
	}
	if b := s.Bootstrap; b != nil {
		for _, e := range b.Env {
			if e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil {
				r := e.ValueFrom.SecretKeyRef
				at := []string{"bootstrap", "env", e.Name, "valueFrom", "secretKeyRef"}
				refs = append(refs, SecretRef{Secret: r.Name, Key: r.Key, At: append(slices.Clone(at), "name"), KeyAt: append(at, "key"),
					Optional: opt(r.Optional), Kind: SecretRefEnv, What: "env " + e.Name + " of the bootstrap Job"})
			}
		}
		for i, e := range b.EnvFrom {
			if e.SecretRef != nil {
				refs = append(refs, SecretRef{Secret: e.SecretRef.Name, At: []string{"bootstrap", "envFrom", strconv.Itoa(i), "secretRef", "name"},
					Optional: opt(e.SecretRef.Optional), Kind: SecretRefEnvFrom, What: "envFrom of the bootstrap Job"})
			}
		}
	}
	if s.TLS != nil {
		refs = append(refs, SecretRef{Secret: s.TLS.SecretName, At: []string{"tls", "secretName"}, Kind: SecretRefVolume, What: "volume " + TLSVolume + " (the certificate, at " + s.TLS.MountPath + ")"})
	}
	return refs
}

// WrittenByTLS reports whether the Secret of the name is the one
// cert-manager writes for the app's tls.
func (s *Spec) WrittenByTLS(name string) bool {
	return s.TLS != nil && s.TLS.SecretName == name
}

// secretItems are the references of a secret volume source: the whole
// Secret, or each of its items' keys.
func secretItems(name string, nameAt, at []string, n int, key func(int) string, optional bool, what string) []SecretRef {
	if n == 0 {
		return []SecretRef{{Secret: name, At: nameAt, Optional: optional, Kind: SecretRefVolume, What: what}}
	}
	var refs []SecretRef
	for k := range n {
		refs = append(refs, SecretRef{Secret: name, Key: key(k), At: nameAt, KeyAt: append(slices.Clone(at), "items", strconv.Itoa(k), "key"),
			Optional: optional, Kind: SecretRefVolume, What: what})
	}
	return refs
}

// LookupSecret returns the declared Secret of the name, or the one
// cert-manager fills for tls.
func (s *Spec) LookupSecret(name string) (*Secret, bool) {
	i := slices.IndexFunc(s.Secrets, func(sec Secret) bool { return sec.Name == name })
	if i < 0 {
		if s.WrittenByTLS(name) {
			// cert-manager writes it, with the keys of its certificate.
			return &Secret{Name: name, Type: corev1.SecretTypeTLS, Keys: TLSSecretKeys, Description: "the certificate cert-manager issues for tls"}, true
		}
		return nil, false
	}
	return &s.Secrets[i], true
}

// SecretsHash is the hex SHA-256 of the declared Secrets' names and
// versions, in name order, each followed by a NUL byte; only the Secrets
// with a version count, and "" when none has one. The pod template
// carries it, so that a changed version rolls the pods.
func (s *Spec) SecretsHash() string {
	var versioned []Secret
	for _, sec := range s.Secrets {
		if sec.Version != "" {
			versioned = append(versioned, sec)
		}
	}
	if len(versioned) == 0 {
		return ""
	}
	slices.SortFunc(versioned, func(a, b Secret) int { return strings.Compare(a.Name, b.Name) })
	h := sha256.New()
	for _, sec := range versioned {
		h.Write([]byte(sec.Name))
		h.Write([]byte{0})
		h.Write([]byte(sec.Version))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}
