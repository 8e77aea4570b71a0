package validate

import (
	"regexp"

	"github.com/stsgen/stsgen/generator/internal/build"

	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// promDuration is the pattern of the CRDs' interval and scrapeTimeout
// (prometheus-operator v0.85.0's Duration), which the API server applies.
var promDuration = regexp.MustCompile(`^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$`)

// serviceMonitor is what the API server checks of a ServiceMonitor: the
// generic metadata, and the CRD's openAPI schema on the fields stsgen
// writes (selector and endpoints required; the endpoints' enums and
// patterns).
func serviceMonitor(m *build.ServiceMonitor) field.ErrorList {
	errs := objectMeta(&m.ObjectMeta, apivalidation.NameIsDNSSubdomain)
	spec := field.NewPath("spec")
	errs = append(errs, selector(&m.Spec.Selector, spec.Child("selector"))...)
	if m.Spec.Endpoints == nil {
		errs = append(errs, field.Required(spec.Child("endpoints"), ""))
	}
	for i, e := range m.Spec.Endpoints {
		errs = append(errs, endpoint(e, spec.Child("endpoints").Index(i))...)
	}
	return errs
}

// podMonitor is what the API server checks of a PodMonitor, as
// serviceMonitor does.
func podMonitor(m *build.PodMonitor) field.ErrorList {
	errs := objectMeta(&m.ObjectMeta, apivalidation.NameIsDNSSubdomain)
	spec := field.NewPath("spec")
	errs = append(errs, selector(&m.Spec.Selector, spec.Child("selector"))...)
	for i, e := range m.Spec.PodMetricsEndpoints {
		errs = append(errs, endpoint(e, spec.Child("podMetricsEndpoints").Index(i))...)
	}
	return errs
}

// endpoint checks an endpoint's enum and patterns. Its tlsConfig has
// none: the CRDs require only ca.secret.key, which build.SecretKeySelector
// always writes, and strict field validation, which e2e applies, checks
// the field names.
func endpoint(e build.Endpoint, p *field.Path) field.ErrorList {
	errs := oneOf(e.Scheme, p.Child("scheme"), "http", "https")
	for _, d := range []struct{ name, v string }{{"interval", e.Interval}, {"scrapeTimeout", e.ScrapeTimeout}} {
		if !promDuration.MatchString(d.v) {
			// As the API server words a CRD's pattern.
			errs = append(errs, field.Invalid(p.Child(d.name), d.v, p.Child(d.name).String()+" in body should match '"+promDuration.String()+"'"))
		}
	}
	return errs
}
