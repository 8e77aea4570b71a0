package validate

import (
	"fmt"
	"maps"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// legacyJobNameLabel is the unprefixed job-name label the server still
// adds beside batch.kubernetes.io/job-name.
const legacyJobNameLabel = "job-name"

// job is ValidateJob on a Job as it is created, which the server first
// gives a selector and its pod template the labels that selector matches,
// the Job's name among them: so the name must also be a label value.
// stsgen writes no selector of its own (manualSelector), so the rules of
// one are not here.
func job(j *batchv1.Job) field.ErrorList {
	errs := objectMeta(&j.ObjectMeta, apivalidation.NameIsDNSSubdomain)
	spec := field.NewPath("spec")
	sp := &j.Spec
	for _, f := range []struct {
		name string
		v    any
	}{
		{"parallelism", sp.Parallelism}, {"completions", sp.Completions}, {"activeDeadlineSeconds", sp.ActiveDeadlineSeconds},
		{"backoffLimit", sp.BackoffLimit}, {"ttlSecondsAfterFinished", sp.TTLSecondsAfterFinished},
	} {
		switch v := f.v.(type) {
		case *int32:
			if v != nil {
				errs = append(errs, nonNegative(int64(*v), spec.Child(f.name))...)
			}
		case *int64:
			if v != nil {
				errs = append(errs, nonNegative(*v, spec.Child(f.name))...)
			}
		}
	}
	tmpl := spec.Child("template")
	labels := maps.Clone(j.Spec.Template.Labels)
	if labels == nil {
		labels = map[string]string{}
	}
	labels[batchv1.JobNameLabel] = j.Name
	labels[legacyJobNameLabel] = j.Name
	meta := j.Spec.Template.ObjectMeta
	meta.Labels = labels
	errs = append(errs, templateMeta(&meta, tmpl)...)
	errs = append(errs, podSpec(&j.Spec.Template.Spec, tmpl.Child("spec"))...)
	switch p := j.Spec.Template.Spec.RestartPolicy; p {
	case corev1.RestartPolicyOnFailure, corev1.RestartPolicyNever:
	case corev1.RestartPolicyAlways, "":
		errs = append(errs, field.Required(tmpl.Child("spec", "restartPolicy"), fmt.Sprintf("valid values: %q, %q", corev1.RestartPolicyOnFailure, corev1.RestartPolicyNever)))
	default:
		errs = append(errs, field.NotSupported(tmpl.Child("spec", "restartPolicy"), p, []corev1.RestartPolicy{corev1.RestartPolicyOnFailure, corev1.RestartPolicyNever}))
	}
	return errs
}
