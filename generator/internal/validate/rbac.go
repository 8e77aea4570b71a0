package validate

import (
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/validate/content"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// rbacName is ValidateRBACName: a Role's or RoleBinding's name is a path
// segment (not "." or "..", without '/' or '%').
func rbacName(name string, _ bool) []string { return content.IsPathSegmentName(name) }

// serviceAccount is ValidateServiceAccount.
func serviceAccount(a *corev1.ServiceAccount) field.ErrorList {
	return objectMeta(&a.ObjectMeta, apivalidation.NameIsDNSSubdomain)
}

// role is ValidateRole: a namespaced Role's rules.
func role(r *rbacv1.Role) field.ErrorList {
	errs := objectMeta(&r.ObjectMeta, rbacName)
	for i, rule := range r.Rules {
		errs = append(errs, rbacRule(rule, field.NewPath("rules").Index(i))...)
	}
	return errs
}

// rbacRule is ValidatePolicyRule for a namespaced rule.
func rbacRule(rule rbacv1.PolicyRule, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if len(rule.Verbs) == 0 {
		errs = append(errs, field.Required(p.Child("verbs"), "verbs must contain at least one value"))
	}
	if len(rule.NonResourceURLs) > 0 {
		errs = append(errs, field.Invalid(p.Child("nonResourceURLs"), rule.NonResourceURLs, "namespaced rules cannot apply to non-resource URLs"))
		if len(rule.APIGroups) > 0 || len(rule.Resources) > 0 || len(rule.ResourceNames) > 0 {
			errs = append(errs, field.Invalid(p.Child("nonResourceURLs"), rule.NonResourceURLs, "rules cannot apply to both regular resources and non-resource URLs"))
		}
		return errs
	}
	if len(rule.APIGroups) == 0 {
		errs = append(errs, field.Required(p.Child("apiGroups"), "resource rules must supply at least one api group"))
	}
	if len(rule.Resources) == 0 {
		errs = append(errs, field.Required(p.Child("resources"), "resource rules must supply at least one resource"))
	}
	return errs
}

// roleBinding is ValidateRoleBinding.
func roleBinding(b *rbacv1.RoleBinding) field.ErrorList {
	errs := objectMeta(&b.ObjectMeta, rbacName)
	ref := field.NewPath("roleRef")
	if b.RoleRef.APIGroup != rbacv1.GroupName {
		errs = append(errs, field.NotSupported(ref.Child("apiGroup"), b.RoleRef.APIGroup, []string{rbacv1.GroupName}))
	}
	switch b.RoleRef.Kind {
	case "Role", "ClusterRole":
	default:
		errs = append(errs, field.NotSupported(ref.Child("kind"), b.RoleRef.Kind, []string{"Role", "ClusterRole"}))
	}
	if b.RoleRef.Name == "" {
		errs = append(errs, field.Required(ref.Child("name"), ""))
	} else {
		errs = append(errs, messages(rbacName(b.RoleRef.Name, false), ref.Child("name"), b.RoleRef.Name)...)
	}
	for i, s := range b.Subjects {
		errs = append(errs, subject(s, field.NewPath("subjects").Index(i))...)
	}
	return errs
}

// subject is ValidateRoleBindingSubject in a namespaced binding.
func subject(s rbacv1.Subject, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if s.Name == "" {
		errs = append(errs, field.Required(p.Child("name"), ""))
	}
	switch s.Kind {
	case rbacv1.ServiceAccountKind:
		if s.Name != "" {
			errs = append(errs, messages(apivalidation.NameIsDNSSubdomain(s.Name, false), p.Child("name"), s.Name)...)
		}
		if s.APIGroup != "" {
			errs = append(errs, field.NotSupported(p.Child("apiGroup"), s.APIGroup, []string{""}))
		}
	case rbacv1.UserKind, rbacv1.GroupKind:
		if s.APIGroup != rbacv1.GroupName {
			errs = append(errs, field.NotSupported(p.Child("apiGroup"), s.APIGroup, []string{rbacv1.GroupName}))
		}
	default:
		errs = append(errs, field.NotSupported(p.Child("kind"), s.Kind, []string{rbacv1.ServiceAccountKind, rbacv1.UserKind, rbacv1.GroupKind}))
	}
	return errs
}
