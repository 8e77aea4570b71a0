package validate

import (
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// statefulSet is ValidateStatefulSet: the name is a DNS label, the spec
// valid, the pod template a valid pod.
func statefulSet(s *appsv1.StatefulSet) field.ErrorList {
	errs := objectMeta(&s.ObjectMeta, apivalidation.NameIsDNSLabel)
	spec := field.NewPath("spec")
	sp := &s.Spec
	switch sp.PodManagementPolicy {
	case appsv1.OrderedReadyPodManagement, appsv1.ParallelPodManagement, "":
	default:
		errs = append(errs, field.Invalid(spec.Child("podManagementPolicy"), sp.PodManagementPolicy, "must be 'OrderedReady' or 'Parallel'"))
	}
	errs = append(errs, updateStrategy(&sp.UpdateStrategy, spec.Child("updateStrategy"))...)
	if p := sp.PersistentVolumeClaimRetentionPolicy; p != nil {
		rp := spec.Child("persistentVolumeClaimRetentionPolicy")
		errs = append(errs, oneOf(p.WhenDeleted, rp.Child("whenDeleted"), appsv1.RetainPersistentVolumeClaimRetentionPolicyType, appsv1.DeletePersistentVolumeClaimRetentionPolicyType)...)
		errs = append(errs, oneOf(p.WhenScaled, rp.Child("whenScaled"), appsv1.RetainPersistentVolumeClaimRetentionPolicyType, appsv1.DeletePersistentVolumeClaimRetentionPolicyType)...)
	}
	claims := spec.Child("volumeClaimTemplates")
	for i := range sp.VolumeClaimTemplates {
		errs = append(errs, claimSpec(&sp.VolumeClaimTemplates[i].Spec, claims.Index(i).Child("spec"))...)
	}
	if sp.Replicas != nil {
		errs = append(errs, nonNegative(int64(*sp.Replicas), spec.Child("replicas"))...)
	}
	if sp.Ordinals != nil {
		errs = append(errs, nonNegative(int64(sp.Ordinals.Start), spec.Child("ordinals", "start"))...)
	}
	errs = append(errs, nonNegative(int64(sp.MinReadySeconds), spec.Child("minReadySeconds"))...)
	if sp.ServiceName != "" {
		errs = append(errs, dnsLabel(sp.ServiceName, spec.Child("serviceName"))...)
	}

	switch {
	case sp.Selector == nil:
		errs = append(errs, field.Required(spec.Child("selector"), ""))
	default:
		errs = append(errs, selector(sp.Selector, spec.Child("selector"))...)
		if len(sp.Selector.MatchLabels)+len(sp.Selector.MatchExpressions) == 0 {
			errs = append(errs, field.Invalid(spec.Child("selector"), sp.Selector, "empty selector is invalid for statefulset"))
		}
	}
	if sel, err := metav1.LabelSelectorAsSelector(sp.Selector); err == nil && sp.Selector != nil && !sel.Empty() && !sel.Matches(labels.Set(sp.Template.Labels)) {
		errs = append(errs, field.Invalid(spec.Child("template", "metadata", "labels"), sp.Template.Labels, "`selector` does not match template `labels`"))
	}

	tmpl := spec.Child("template")
	// The server validates the template's labels twice, both times under
	// spec.template.labels (as a pod template, then as a StatefulSet's).
	labels := templateMeta(&sp.Template.ObjectMeta, tmpl)
	errs = append(errs, labels...)
	// The controller sets each pod's hostname and subdomain, and makes a
	// claim per template, which the pod mounts as a volume: the server
	// validates the pod with a volume per claim template before its own.
	pod := sp.Template.Spec.DeepCopy()
	pod.Hostname, pod.Subdomain = "", ""
	var claimVolumes []corev1.Volume
	for _, c := range sp.VolumeClaimTemplates {
		claimVolumes = append(claimVolumes, corev1.Volume{Name: c.Name, VolumeSource: corev1.VolumeSource{PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: c.Name}}})
	}
	pod.Volumes = append(claimVolumes, pod.Volumes...)
	errs = append(errs, podSpec(pod, tmpl.Child("spec"))...)
	errs = append(errs, labels...)
	if p := sp.Template.Spec.RestartPolicy; p != "" && p != corev1.RestartPolicyAlways {
		errs = append(errs, field.NotSupported(tmpl.Child("spec", "restartPolicy"), p, []corev1.RestartPolicy{corev1.RestartPolicyAlways}))
	}
	if sp.Template.Spec.ActiveDeadlineSeconds != nil {
		errs = append(errs, field.Forbidden(tmpl.Child("spec", "activeDeadlineSeconds"), "activeDeadlineSeconds in StatefulSet is not Supported"))
	}
	return errs
}

func updateStrategy(u *appsv1.StatefulSetUpdateStrategy, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	switch u.Type {
	case appsv1.OnDeleteStatefulSetStrategyType:
		if u.RollingUpdate != nil {
			errs = append(errs, field.Invalid(p.Child("rollingUpdate"), u.RollingUpdate, "only allowed for updateStrategy 'RollingUpdate'"))
		}
	case appsv1.RollingUpdateStatefulSetStrategyType, "":
		r := u.RollingUpdate
		if r == nil {
			break
		}
		rp := p.Child("rollingUpdate")
		if r.Partition != nil {
			errs = append(errs, nonNegative(int64(*r.Partition), rp.Child("partition"))...)
		}
		if r.MaxUnavailable != nil {
			errs = append(errs, maxUnavailable(*r.MaxUnavailable, rp.Child("maxUnavailable"))...)
		}
	default:
		errs = append(errs, field.Invalid(p, u, "must be 'RollingUpdate' or 'OnDelete'"))
	}
	return errs
}

// maxUnavailable is a rolling update's: a count or a percentage, not 0,
// at most 100%.
func maxUnavailable(v intstr.IntOrString, p *field.Path) field.ErrorList {
	errs := intOrPercent(v, p)
	if len(errs) > 0 {
		return errs
	}
	if getIntOrPercent(v) == 0 {
		return field.ErrorList{field.Invalid(p, v, "cannot be 0")}
	}
	return nil
}

// intOrPercent validates a non-negative count, or a percentage of at
// most 100%.
func intOrPercent(v intstr.IntOrString, p *field.Path) field.ErrorList {
	switch v.Type {
	case intstr.String:
		for _, m := range isPercent(v.StrVal) {
			return field.ErrorList{field.Invalid(p, v, m)}
		}
		if getIntOrPercent(v) > 100 {
			return field.ErrorList{field.Invalid(p, v, "must not be greater than 100%")}
		}
	default:
		return nonNegative(int64(v.IntValue()), p)
	}
	return nil
}

func claimSpec(s *corev1.PersistentVolumeClaimSpec, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if len(s.AccessModes) == 0 {
		errs = append(errs, field.Required(p.Child("accessModes"), "at least 1 access mode is required"))
	}
	if s.Selector != nil {
		errs = append(errs, selector(s.Selector, p.Child("selector"))...)
	}
	supported := []corev1.PersistentVolumeAccessMode{corev1.ReadOnlyMany, corev1.ReadWriteMany, corev1.ReadWriteOnce, corev1.ReadWriteOncePod}
	oncePod, other := false, false
	for _, m := range s.AccessModes {
		if len(oneOf(m, p, supported...)) > 0 || m == "" {
			errs = append(errs, field.NotSupported(p.Child("accessModes"), m, supported))
			continue
		}
		if m == corev1.ReadWriteOncePod {
			oncePod = true
		} else {
			other = true
		}
	}
	if oncePod && other {
		errs = append(errs, field.Forbidden(p.Child("accessModes"), "may not use ReadWriteOncePod with other access modes"))
	}
	storage := p.Child("resources").Key(string(corev1.ResourceStorage))
	if q, ok := s.Resources.Requests[corev1.ResourceStorage]; !ok {
		errs = append(errs, field.Required(storage, ""))
	} else if q.Cmp(resource.Quantity{}) <= 0 {
		errs = append(errs, field.Invalid(storage, q.String(), "must be greater than zero"))
	}
	if s.StorageClassName != nil && *s.StorageClassName != "" {
		errs = append(errs, dnsSubdomain(*s.StorageClassName, p.Child("storageClassName"))...)
	}
	if s.VolumeMode != nil {
		modes := []corev1.PersistentVolumeMode{corev1.PersistentVolumeBlock, corev1.PersistentVolumeFilesystem}
		if *s.VolumeMode == "" {
			errs = append(errs, field.NotSupported(p.Child("volumeMode"), *s.VolumeMode, modes))
		} else {
			errs = append(errs, oneOf(*s.VolumeMode, p.Child("volumeMode"), modes...)...)
		}
	}
	return errs
}
