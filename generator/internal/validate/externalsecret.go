package validate

import (
	"regexp"

	"github.com/stsgen/stsgen/generator/internal/build"

	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// secretKeyPattern is the CRD's pattern for a Secret key.
var secretKeyPattern = regexp.MustCompile(`^[-._a-zA-Z0-9]+$`)

// externalSecret checks an ExternalSecret against the openAPI schema of
// the External Secrets Operator's CRD (external-secrets.io/v1, v0.16):
// the names are DNS subdomains of at most 253 characters, the kinds and
// policies are of its enums, every data item has a secretKey of its
// pattern and a remote key.
func externalSecret(e *build.ExternalSecret) field.ErrorList {
	errs := objectMeta(&e.ObjectMeta, apivalidation.NameIsDNSSubdomain)
	spec := field.NewPath("spec")
	ref := spec.Child("secretStoreRef")
	errs = append(errs, dnsSubdomain(e.Spec.SecretStoreRef.Name, ref.Child("name"))...)
	errs = append(errs, oneOf(e.Spec.SecretStoreRef.Kind, ref.Child("kind"), "SecretStore", "ClusterSecretStore")...)
	t := spec.Child("target")
	errs = append(errs, dnsSubdomain(e.Spec.Target.Name, t.Child("name"))...)
	errs = append(errs, oneOf(e.Spec.Target.CreationPolicy, t.Child("creationPolicy"), "Owner", "Orphan", "Merge", "None")...)
	errs = append(errs, oneOf(e.Spec.Target.DeletionPolicy, t.Child("deletionPolicy"), "Delete", "Merge", "Retain")...)
	for i, d := range e.Spec.Data {
		p := spec.Child("data").Index(i)
		if !secretKeyPattern.MatchString(d.SecretKey) || len(d.SecretKey) > 253 {
			errs = append(errs, field.Invalid(p.Child("secretKey"), d.SecretKey, "must match "+secretKeyPattern.String()+" and have at most 253 characters"))
		}
		if d.RemoteRef.Key == "" {
			errs = append(errs, field.Required(p.Child("remoteRef", "key"), ""))
		}
	}
	return errs
}
