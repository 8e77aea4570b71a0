package validate

import (
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// ApplyKeys returns what server-side apply refuses of obj that the
// server's validation does not: two entries of a list that Kubernetes
// merges by a key (its x-kubernetes-list-map-keys) with the same key,
// "duplicate entries for key [name=...]". kubectl apply --server-side, the
// GitOps controllers and Helm 4 apply that way.
func ApplyKeys(obj any) field.ErrorList {
	sts, ok := obj.(*appsv1.StatefulSet)
	if !ok {
		return nil
	}
	p := field.NewPath("spec", "template", "spec")
	s := &sts.Spec.Template.Spec
	var errs field.ErrorList
	errs = append(errs, unique(p.Child("imagePullSecrets"), s.ImagePullSecrets, func(r corev1.LocalObjectReference) string { return "name=" + fmt.Sprintf("%q", r.Name) })...)
	errs = append(errs, unique(p.Child("hostAliases"), s.HostAliases, func(a corev1.HostAlias) string { return "ip=" + fmt.Sprintf("%q", a.IP) })...)
	errs = append(errs, unique(p.Child("resourceClaims"), s.ResourceClaims, func(c corev1.PodResourceClaim) string { return "name=" + fmt.Sprintf("%q", c.Name) })...)
	for _, list := range []struct {
		field string
		cs    []corev1.Container
	}{{"initContainers", s.InitContainers}, {"containers", s.Containers}} {
		for i, c := range list.cs {
			cp := p.Child(list.field).Index(i)
			errs = append(errs, unique(cp.Child("env"), c.Env, func(e corev1.EnvVar) string { return "name=" + fmt.Sprintf("%q", e.Name) })...)
			errs = append(errs, unique(cp.Child("ports"), c.Ports, func(port corev1.ContainerPort) string {
				proto := port.Protocol
				if proto == "" {
					proto = corev1.ProtocolTCP
				}
				return fmt.Sprintf("containerPort=%d,protocol=%q", port.ContainerPort, proto)
			})...)
			errs = append(errs, unique(cp.Child("volumeMounts"), c.VolumeMounts, func(m corev1.VolumeMount) string { return "mountPath=" + fmt.Sprintf("%q", m.MountPath) })...)
		}
	}
	return errs
}

// unique reports the entries of a list whose key an earlier one has.
func unique[T any](p *field.Path, list []T, key func(T) string) field.ErrorList {
	var errs field.ErrorList
	seen := map[string]bool{}
	for i, e := range list {
		k := key(e)
		if seen[k] {
			errs = append(errs, field.Duplicate(p.Index(i), "server-side apply merges these entries by key, and two have ["+k+"]"))
		}
		seen[k] = true
	}
	return errs
}
