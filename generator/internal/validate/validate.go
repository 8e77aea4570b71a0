// Package validate is stsgen's port of the API server's validation of the
// kinds stsgen writes: the rules of Kubernetes' hand-written validation
// (pkg/apis/{apps,batch,core,policy,networking,rbac}/validation, v1.36) that apply
// to an object as it is created, with their field paths and messages, so
// that "the API server would refuse this" is found at build time.
//
// The server defaults an object before it validates it; a field the server
// defaults (a probe's timeoutSeconds, a port's protocol, the pod's
// restartPolicy) is not required here when it is left out. Feature gates
// are those on by default in v1.36. The rules that depend on the cluster
// (admission, quotas, the node's allow-lists) are not the server's
// validation and are not here.
//
// The custom resources stsgen writes (the External Secrets Operator's
// ExternalSecret) are checked against their CRD's openAPI schema instead.
package validate

import (
	"fmt"

	"github.com/stsgen/stsgen/generator/internal/build"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/yaml"
)

// Object returns what the API server's validation refuses of obj, in the
// order the server reports it. obj is a pointer to one of the kinds stsgen
// writes; any other is an internal error.
func Object(obj any) field.ErrorList {
	switch o := obj.(type) {
	case *appsv1.StatefulSet:
		return statefulSet(o)
	case *corev1.Service:
		return service(o)
	case *corev1.ConfigMap:
		return configMap(o)
	case *policyv1.PodDisruptionBudget:
		return podDisruptionBudget(o)
	case *networkingv1.NetworkPolicy:
		return networkPolicy(o)
	case *corev1.ServiceAccount:
		return serviceAccount(o)
	case *rbacv1.Role:
		return role(o)
	case *rbacv1.RoleBinding:
		return roleBinding(o)
	case *batchv1.Job:
		return job(o)
	case *build.Certificate:
		return certificate(o)
	case *build.ExternalSecret:
		return externalSecret(o)
	case *build.ServiceMonitor:
		return serviceMonitor(o)
	case *build.PodMonitor:
		return podMonitor(o)
	}
	return field.ErrorList{field.InternalError(nil, fmt.Errorf("stsgen does not validate a %T", obj))}
}

// Decode decodes one object of a kind stsgen writes from YAML or JSON,
// strictly (an unknown or duplicate field is an error), into its typed
// value, for Object; kind is the object's kind.
func Decode(data []byte) (obj any, kind string, err error) {
	var meta struct{ Kind string }
	if err := yaml.Unmarshal(data, &meta); err != nil {
		return nil, "", err
	}
	switch meta.Kind {
	case "StatefulSet":
		obj = &appsv1.StatefulSet{}
	case "Service":
		obj = &corev1.Service{}
	case "ConfigMap":
		obj = &corev1.ConfigMap{}
	case "PodDisruptionBudget":
		obj = &policyv1.PodDisruptionBudget{}
	case "NetworkPolicy":
		obj = &networkingv1.NetworkPolicy{}
	case "ServiceAccount":
		obj = &corev1.ServiceAccount{}
	case "Role":
		obj = &rbacv1.Role{}
	case "RoleBinding":
		obj = &rbacv1.RoleBinding{}
	case "Job":
		obj = &batchv1.Job{}
	case "Certificate":
		obj = &build.Certificate{}
	case "ExternalSecret":
		obj = &build.ExternalSecret{}
	case "ServiceMonitor":
		obj = &build.ServiceMonitor{}
	case "PodMonitor":
		obj = &build.PodMonitor{}
	default:
		return nil, meta.Kind, fmt.Errorf("stsgen writes no object of kind %q", meta.Kind)
	}
	if err := yaml.UnmarshalStrict(data, obj); err != nil {
		return nil, meta.Kind, fmt.Errorf("strict decoding: %w", err)
	}
	return obj, meta.Kind, nil
}
