package validate

import (
	"github.com/stsgen/stsgen/generator/internal/build"

	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// certificate checks a cert-manager Certificate against its CRD's openAPI
// schema (cert-manager v1.21): the required fields and the enums, which
// the API server enforces for a custom resource, and the object's
// metadata. cert-manager's own webhook checks the rest (durations, key
// sizes), which the rules check at the app's fields (STS421).
func certificate(c *build.Certificate) field.ErrorList {
	errs := objectMeta(&c.ObjectMeta, apivalidation.NameIsDNSSubdomain)
	spec := field.NewPath("spec")
	if c.Spec.SecretName == "" {
		errs = append(errs, field.Required(spec.Child("secretName"), ""))
	}
	if k := c.Spec.PrivateKey; k != nil {
		p := spec.Child("privateKey")
		if k.Algorithm != "" {
			errs = append(errs, oneOf(k.Algorithm, p.Child("algorithm"), "RSA", "ECDSA", "Ed25519")...)
		}
		if k.Encoding != "" {
			errs = append(errs, oneOf(k.Encoding, p.Child("encoding"), "PKCS1", "PKCS8")...)
		}
		if k.RotationPolicy != "" {
			errs = append(errs, oneOf(k.RotationPolicy, p.Child("rotationPolicy"), "Never", "Always")...)
		}
	}
	for i, u := range c.Spec.Usages {
		errs = append(errs, oneOf(u, spec.Child("usages").Index(i), keyUsages...)...)
	}
	return errs
}

// keyUsages are the usages the Certificate CRD's enum has.
var keyUsages = []string{
	"signing", "digital signature", "content commitment", "key encipherment", "key agreement",
	"data encipherment", "cert sign", "crl sign", "encipher only", "decipher only", "any",
	"server auth", "client auth", "code signing", "email protection", "s/mime",
	"ipsec end system", "ipsec tunnel", "ipsec user", "timestamping", "ocsp signing",
	"microsoft sgc", "netscape sgc",
}
