package rules

import (
	"testing"

	"github.com/stsgen/stsgen/generator/diag"
	"github.com/stsgen/stsgen/generator/internal/build"

	corev1 "k8s.io/api/core/v1"
)

// pgSecret is pgApp with its password from the Secret pg, declared with
// decl; extra is added inside the app.
func pgSecret(decl, extra string) string {
	return pgApp(`	env: POSTGRES_PASSWORD: valueFrom: secretKeyRef: {name: "pg", key: "password"}
	secrets: pg: ` + decl + `
` + extra)
}

// secretCases are the cases of secretRules.
var secretCases = []ruleCase{
	// STS410: declarations.
	{rule: diag.RuleSecretDecls, name: "a Secret name with upper case", fires: true, src: pgSecret(`keys: ["password"]`, `	secrets: PG: keys: ["password"]
	volumes: pgs: {secret: secretName: "PG", mountPath: "/pg"}
`)},
	{rule: diag.RuleSecretDecls, name: "a valid declaration", src: pgSecret(`keys: ["password"]`, ``)},
	{rule: diag.RuleSecretDecls, name: "no keys", fires: true, src: pgSecret(`keys: []`, ``)},
	{rule: diag.RuleSecretDecls, name: "a key with a slash", fires: true, src: pgSecret(`keys: ["password", "a/b"]`, ``)},
	{rule: diag.RuleSecretDecls, name: "a key twice", fires: true, src: pgSecret(`keys: ["password", "password"]`, ``)},
	{rule: diag.RuleSecretDecls, name: "a TLS Secret without tls.key", fires: true, src: pgSecret(`keys: ["password"]`, `	secrets: tls: {type: "kubernetes.io/tls", keys: ["tls.crt"]}
	volumes: tls: {secret: secretName: "tls", mountPath: "/tls"}
`)},
	{rule: diag.RuleSecretDecls, name: "a TLS Secret with its default keys", src: pgSecret(`keys: ["password"]`, `	secrets: tls: type: "kubernetes.io/tls"
	volumes: tls: {secret: secretName: "tls", mountPath: "/tls"}
`)},
	{rule: diag.RuleSecretDecls, name: "basic-auth without username or password", fires: true, src: pgSecret(`{type: "kubernetes.io/basic-auth", keys: ["password"]}`, `	secrets: basic: {type: "kubernetes.io/basic-auth", keys: ["user"]}
	envFrom: [{secretRef: name: "basic"}]
`)},

	// STS411: references.
	{rule: diag.RuleSecretRefs, name: "a misspelt key", fires: true, src: pgSecret(`keys: ["passwd"]`, ``)},
	{rule: diag.RuleSecretRefs, name: "the declared key", src: pgSecret(`keys: ["password"]`, ``)},
	{rule: diag.RuleSecretRefs, name: "undeclared references without declarations", src: pgApp(`	env: POSTGRES_PASSWORD: valueFrom: secretKeyRef: {name: "pg", key: "password"}
`)},
	{rule: diag.RuleSecretRefs, name: "a misspelt Secret in a sidecar", fires: true, src: pgSecret(`keys: ["password"]`, `	sidecars: [{name: "exporter", image: "exporter:1.0", env: [{name: "PW", valueFrom: secretKeyRef: {name: "pgg", key: "password"}}]}]
`)},
	{rule: diag.RuleSecretRefs, name: "an undeclared Secret in envFrom of an init container", fires: true, src: pgSecret(`keys: ["password"]`, `	initContainers: [{name: "init", command: ["true"], envFrom: [{secretRef: name: "other"}]}]
`)},
	{rule: diag.RuleSecretRefs, name: "an undeclared Secret volume", fires: true, src: pgSecret(`keys: ["password"]`, `	volumes: certs: {secret: secretName: "certs", mountPath: "/certs"}
`)},
	{rule: diag.RuleSecretRefs, name: "a volume item of a key not declared", fires: true, src: pgSecret(`keys: ["password"]`, `	volumes: pw: {secret: {secretName: "pg", items: [{key: "pasword", path: "pw"}]}, mountPath: "/pw"}
`)},
	{rule: diag.RuleSecretRefs, name: "a projected source of an undeclared Secret", fires: true, src: pgSecret(`keys: ["password"]`, `	volumes: all: {projected: sources: [{secret: name: "ca"}], mountPath: "/all"}
`)},
	{rule: diag.RuleSecretRefs, name: "a secret file of a key not declared", fires: true, src: pgSecret(`keys: ["password"]`, `	secretFiles: "/etc/pg/key": {secret: "pg", key: "key"}
`)},
	{rule: diag.RuleSecretRefs, name: "an undeclared imagePullSecret", fires: true, src: pgSecret(`keys: ["password"]`, `	imagePullSecrets: [{name: "registry"}]
`)},
	{rule: diag.RuleSecretRefs, name: "an optional reference to an undeclared Secret", src: pgSecret(`keys: ["password"]`, `	envFrom: [{secretRef: {name: "extra", optional: true}}]
`)},
	{rule: diag.RuleSecretRefs, name: "an optional reference one letter from a declared Secret", fires: true, src: pgSecret(`keys: ["password"]`, `	envFrom: [{secretRef: {name: "pgs", optional: true}}]
`)},
	{rule: diag.RuleSecretRefs, name: "a pod template that refers to an undeclared Secret", fires: true, src: pgSecret(`keys: ["password"]`, ``), mutate: func(b *build.Bundle) {
		c := &b.StatefulSet.Spec.Template.Spec.Containers[0]
		c.EnvFrom = append(c.EnvFrom, corev1.EnvFromSource{SecretRef: &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "other"}}})
	}},

	// STS412: unused declarations.
	{rule: diag.RuleSecretUnused, name: "a Secret nothing refers to", fires: true, src: pgSecret(`keys: ["password"]`, `	secrets: spare: keys: ["x"]
`)},
	{rule: diag.RuleSecretUnused, name: "every Secret referred to", src: pgSecret(`keys: ["password"]`, ``)},
	{rule: diag.RuleSecretUnused, name: "the tls Secret, declared, referred to by the certificate's volume", src: pgSecret(`keys: ["password"]`, `	secrets: "db-tls": {type: "kubernetes.io/tls", keys: ["tls.crt", "tls.key", "ca.crt"]}
	tls: issuer: name: "ca"
`)},
	{rule: diag.RuleSecretUnused, name: "a TLS Secret that tls does not write", fires: true, src: pgSecret(`keys: ["password"]`, `	secrets: "db-tls": {type: "kubernetes.io/tls", keys: ["tls.crt", "tls.key", "ca.crt"]}
	tls: {issuer: name: "ca", secretName: "pg-certs"}
`)},

	// STS413: registry credentials.
	{rule: diag.RuleSecretPullType, name: "an Opaque imagePullSecret", fires: true, src: pgSecret(`keys: ["password"]`, `	imagePullSecrets: [{name: "registry"}]
	secrets: registry: keys: ["token"]
`)},
	{rule: diag.RuleSecretPullType, name: "a dockerconfigjson imagePullSecret", src: pgSecret(`keys: ["password"]`, `	imagePullSecrets: [{name: "registry"}]
	secrets: registry: type: "kubernetes.io/dockerconfigjson"
`)},

	// STS414: Secrets from a store.
	{rule: diag.RuleSecretExternal, name: "a key without a remote reference", fires: true, src: pgSecret(`{keys: ["password"], external: store: "vault"}`, ``)},
	{rule: diag.RuleSecretExternal, name: "every key under remoteKey", src: pgSecret(`{keys: ["password"], external: {store: "vault", remoteKey: "prod/pg"}}`, ``)},
	{rule: diag.RuleSecretExternal, name: "the tls Secret fetched from a store too", fires: true, src: pgSecret(`keys: ["password"]`, `	secrets: "db-tls": {type: "kubernetes.io/tls", keys: ["tls.crt", "tls.key"], external: {store: "vault", remoteKey: "db-tls"}}
	tls: issuer: name: "ca"
`)},
	{rule: diag.RuleSecretExternal, name: "a TLS Secret from a store beside tls", src: pgSecret(`keys: ["password"]`, `	secrets: "pg-client": {type: "kubernetes.io/tls", keys: ["tls.crt", "tls.key"], external: {store: "vault", remoteKey: "pg-client"}}
	volumes: client: {secret: secretName: "pg-client", mountPath: "/client"}
	tls: issuer: name: "ca"
`)},
	{rule: diag.RuleSecretExternal, name: "a key with its own remote key", src: pgSecret(`{keys: ["password"], external: {store: "vault", keys: password: remoteKey: "prod/pg-password"}}`, ``)},
	{rule: diag.RuleSecretExternal, name: "external.keys names a key not declared", fires: true, src: pgSecret(`{keys: ["password"], external: {store: "vault", remoteKey: "prod/pg", keys: pasword: property: "pw"}}`, ``)},
	{rule: diag.RuleSecretExternal, name: "a refresh interval that is not a duration", fires: true, src: pgSecret(`{keys: ["password"], external: {store: "vault", remoteKey: "prod/pg", refreshInterval: "hourly"}}`, ``)},
	{rule: diag.RuleSecretExternal, name: "a store name with upper case", fires: true, src: pgSecret(`{keys: ["password"], external: {store: "Vault", remoteKey: "prod/pg"}}`, ``)},
}

func TestKeysAre(t *testing.T) {
	for _, c := range []struct {
		keys []string
		want string
	}{
		{nil, "it declares no key: list the keys in its keys"},
		{[]string{"a", "b"}, "its keys are a, b"},
	} {
		if got := keysAre(c.keys); got != c.want {
			t.Errorf("keysAre(%q) = %q, want %q", c.keys, got, c.want)
		}
	}
}
