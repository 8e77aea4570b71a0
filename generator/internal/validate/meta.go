package validate

import (
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/util/intstr"

	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	metavalidation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// objectMeta validates an object's metadata as the server's generic
// validation does, its name by the kind's rule.
func objectMeta(m *metav1.ObjectMeta, name apivalidation.ValidateNameFunc) field.ErrorList {
	// A namespaced object may leave its namespace out: it is created in
	// the one the client names.
	return apivalidation.ValidateObjectMeta(m, m.Namespace != "", name, field.NewPath("metadata"))
}

// templateMeta validates a pod template's labels and annotations; p is
// the template's path (the server names them spec.template.labels).
func templateMeta(m *metav1.ObjectMeta, p *field.Path) field.ErrorList {
	errs := metavalidation.ValidateLabels(m.Labels, p.Child("labels"))
	return append(errs, apivalidation.ValidateAnnotations(m.Annotations, p.Child("annotations"))...)
}

// selector validates a label selector.
func selector(s *metav1.LabelSelector, p *field.Path) field.ErrorList {
	return metavalidation.ValidateLabelSelector(s, metavalidation.LabelSelectorValidationOptions{}, p)
}

func dnsLabel(v string, p *field.Path) field.ErrorList {
	return messages(validation.IsDNS1123Label(v), p, v)
}

func dnsSubdomain(v string, p *field.Path) field.ErrorList {
	return messages(validation.IsDNS1123Subdomain(v), p, v)
}

func qualifiedName(v string, p *field.Path) field.ErrorList {
	return messages(validation.IsQualifiedName(v), p, v)
}

// messages turns the messages of one of the Is* checks into errors.
func messages(msgs []string, p *field.Path, v any) field.ErrorList {
	var errs field.ErrorList
	for _, m := range msgs {
		errs = append(errs, field.Invalid(p, v, m))
	}
	return errs
}

// nonNegative reports a negative value.
func nonNegative(v int64, p *field.Path) field.ErrorList {
	return apivalidation.ValidateNonnegativeField(v, p)
}

// localPath validates a path that must be relative and stay below where it
// is put (a volume item's path, a subPath).
func localPath(v string, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if strings.HasPrefix(v, "/") {
		errs = append(errs, field.Invalid(p, v, "must be a relative path"))
	}
	for _, part := range strings.Split(v, "/") {
		if part == ".." {
			errs = append(errs, field.Invalid(p, v, "must not contain '..'"))
			break
		}
	}
	return errs
}

// oneOf reports a value outside the supported ones; an empty value is
// what the server defaults and passes.
func oneOf[T ~string](v T, p *field.Path, supported ...T) field.ErrorList {
	if v == "" {
		return nil
	}
	for _, s := range supported {
		if v == s {
			return nil
		}
	}
	return field.ErrorList{field.NotSupported(p, v, supported)}
}

// nonReservedPath is localPath for a volume item's path, which may not
// start with ".." either (the kubelet's own files are named so).
func nonReservedPath(v string, p *field.Path) field.ErrorList {
	errs := localPath(v, p)
	if strings.HasPrefix(v, "..") && !strings.HasPrefix(v, "../") {
		errs = append(errs, field.Invalid(p, v, "must not start with '..'"))
	}
	return errs
}

// isPercent says why v is not a percentage.
func isPercent(v string) []string { return validation.IsValidPercent(v) }

// getIntOrPercent is v's number: the count, or the percentage's.
func getIntOrPercent(v intstr.IntOrString) int {
	if v.Type == intstr.Int {
		return v.IntValue()
	}
	n, _ := strconv.Atoi(strings.TrimSuffix(v.StrVal, "%"))
	return n
}
