package build

import (
	"github.com/stsgen/stsgen/generator/internal/spec"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// serviceAccount is the pods' own account, when the app has stsgen make
// it.
func serviceAccount(s *spec.Spec) *corev1.ServiceAccount {
	if !s.ServiceAccount.Create {
		return nil
	}
	return &corev1.ServiceAccount{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ServiceAccount"},
		ObjectMeta: objectMeta(s, s.ServiceAccount.Name, s.ServiceAccount.Annotations),
	}
}

// RoleName is the name of the app's Role and RoleBinding: the app's.
func RoleName(s *spec.Spec) string { return s.Name }

// role grants the pods' account the app's rules, and what following the
// leader needs, in the app's namespace.
func role(s *spec.Spec) *rbacv1.Role {
	if !s.EmitsRole() {
		return nil
	}
	return &rbacv1.Role{
		TypeMeta:   metav1.TypeMeta{APIVersion: rbacv1.SchemeGroupVersion.String(), Kind: "Role"},
		ObjectMeta: objectMeta(s, RoleName(s), nil),
		Rules:      s.RoleRules(),
	}
}

// roleBinding binds the Role to the pods' account. Its roleRef, which
// Kubernetes never lets change, is always the app's Role.
func roleBinding(s *spec.Spec) *rbacv1.RoleBinding {
	if !s.EmitsRole() {
		return nil
	}
	return &rbacv1.RoleBinding{
		TypeMeta:   metav1.TypeMeta{APIVersion: rbacv1.SchemeGroupVersion.String(), Kind: "RoleBinding"},
		ObjectMeta: objectMeta(s, RoleName(s), nil),
		Subjects:   []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Name: s.ServiceAccount.Name, Namespace: s.Namespace}},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: RoleName(s)},
	}
}
