package validate

import (
	"reflect"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

const fileModeMsg = "must be a number between 0 and 0777 (octal), both inclusive"

// volumes validates the pod's volumes and returns the valid ones by name,
// which the mounts must name.
func volumes(vs []corev1.Volume, p *field.Path) (map[string]corev1.VolumeSource, field.ErrorList) {
	var errs field.ErrorList
	valid := map[string]corev1.VolumeSource{}
	seen := map[string]bool{}
	for i, v := range vs {
		ip := p.Index(i)
		el := volumeSource(&v.VolumeSource, ip)
		if v.Name == "" {
			el = append(el, field.Required(ip.Child("name"), ""))
		} else {
			el = append(el, dnsLabel(v.Name, ip.Child("name"))...)
		}
		if seen[v.Name] {
			el = append(el, field.Duplicate(ip.Child("name"), v.Name))
		}
		if len(el) == 0 {
			seen[v.Name] = true
			valid[v.Name] = v.VolumeSource
		}
		errs = append(errs, el...)
	}
	return valid, errs
}

// volumeSource checks that a volume has exactly one source, and the
// sources stsgen's apps use in full.
func volumeSource(s *corev1.VolumeSource, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	// The server looks at emptyDir first, then at the others in the
	// order of the type's fields.
	n := 0
	if s.EmptyDir != nil {
		n++
	}
	sv := reflect.ValueOf(s).Elem()
	for i := range sv.NumField() {
		if sv.Field(i).IsNil() || sv.Type().Field(i).Name == "EmptyDir" {
			continue
		}
		if n++; n > 1 {
			errs = append(errs, field.Forbidden(p.Child(jsonName(sv.Type().Field(i))), "may not specify more than 1 volume type"))
		}
	}
	if n == 0 {
		return append(errs, field.Required(p, "must specify a volume type"))
	}
	if n > 1 {
		return errs
	}
	switch {
	case s.EmptyDir != nil:
		if l := s.EmptyDir.SizeLimit; l != nil && l.Cmp(resource.Quantity{}) < 0 {
			errs = append(errs, field.Forbidden(p.Child("emptyDir", "sizeLimit"), "SizeLimit field must be a valid resource quantity"))
		}
		errs = append(errs, oneOf(s.EmptyDir.Medium, p.Child("emptyDir", "medium"), corev1.StorageMediumMemory, corev1.StorageMediumHugePages)...)
	case s.HostPath != nil:
		if s.HostPath.Path == "" {
			errs = append(errs, field.Required(p.Child("hostPath", "path"), ""))
		}
	case s.Secret != nil:
		sp := p.Child("secret")
		if s.Secret.SecretName == "" {
			errs = append(errs, field.Required(sp.Child("secretName"), ""))
		}
		errs = append(errs, fileMode(s.Secret.DefaultMode, sp.Child("defaultMode"))...)
		errs = append(errs, keyToPaths(s.Secret.Items, sp.Child("items"))...)
	case s.ConfigMap != nil:
		cp := p.Child("configMap")
		if s.ConfigMap.Name == "" {
			errs = append(errs, field.Required(cp.Child("name"), ""))
		}
		errs = append(errs, fileMode(s.ConfigMap.DefaultMode, cp.Child("defaultMode"))...)
		errs = append(errs, keyToPaths(s.ConfigMap.Items, cp.Child("items"))...)
	case s.PersistentVolumeClaim != nil:
		if s.PersistentVolumeClaim.ClaimName == "" {
			errs = append(errs, field.Required(p.Child("persistentVolumeClaim", "claimName"), ""))
		}
	case s.DownwardAPI != nil:
		dp := p.Child("downwardAPI")
		errs = append(errs, fileMode(s.DownwardAPI.DefaultMode, dp.Child("defaultMode"))...)
		for i, f := range s.DownwardAPI.Items {
			ip := dp.Child("items").Index(i)
			if f.Path == "" {
				errs = append(errs, field.Required(ip.Child("path"), ""))
			}
			errs = append(errs, nonReservedPath(f.Path, ip.Child("path"))...)
			errs = append(errs, fileMode(f.Mode, ip.Child("mode"))...)
		}
	case s.Projected != nil:
		pp := p.Child("projected")
		errs = append(errs, fileMode(s.Projected.DefaultMode, pp.Child("defaultMode"))...)
		for i, src := range s.Projected.Sources {
			sp := pp.Child("sources").Index(i)
			switch {
			case src.Secret != nil:
				errs = append(errs, keyToPaths(src.Secret.Items, sp.Child("secret", "items"))...)
			case src.ConfigMap != nil:
				errs = append(errs, keyToPaths(src.ConfigMap.Items, sp.Child("configMap", "items"))...)
			case src.ServiceAccountToken != nil:
				t := src.ServiceAccountToken
				if t.ExpirationSeconds != nil && (*t.ExpirationSeconds < 600 || *t.ExpirationSeconds > 1<<32) {
					errs = append(errs, field.Invalid(sp.Child("serviceAccountToken", "expirationSeconds"), *t.ExpirationSeconds, "may not specify a duration less than 10 minutes"))
				}
				if t.Path == "" {
					errs = append(errs, field.Required(sp.Child("serviceAccountToken", "path"), ""))
				}
			}
		}
	}
	return errs
}

func keyToPaths(items []corev1.KeyToPath, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	for i, kp := range items {
		ip := p.Index(i)
		if kp.Key == "" {
			errs = append(errs, field.Required(ip.Child("key"), ""))
		}
		if kp.Path == "" {
			errs = append(errs, field.Required(ip.Child("path"), ""))
		}
		errs = append(errs, nonReservedPath(kp.Path, ip.Child("path"))...)
		errs = append(errs, fileMode(kp.Mode, ip.Child("mode"))...)
	}
	return errs
}

func fileMode(m *int32, p *field.Path) field.ErrorList {
	if m != nil && (*m > 0o777 || *m < 0) {
		return field.ErrorList{field.Invalid(p, *m, fileModeMsg)}
	}
	return nil
}

// jsonName is a struct field's name in JSON.
func jsonName(f reflect.StructField) string {
	tag := f.Tag.Get("json")
	for i := range len(tag) {
		if tag[i] == ',' {
			return tag[:i]
		}
	}
	return tag
}
