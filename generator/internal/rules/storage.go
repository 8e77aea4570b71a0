package rules

import (
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/stsgen/stsgen/generator/diag"

	"k8s.io/apimachinery/pkg/util/validation"
)

// storageRules check the storage claims, the pod volumes and where the
// containers mount them.
var storageRules = []*Rule{ruleVolumeMounts, ruleClaimTemplates}

var ruleVolumeMounts = &Rule{
	ID: diag.RuleVolumeMounts, Title: "mounts are absolute, unique and refer to volumes that exist",
	Severity: diag.Error, Fixed: true, Source: "API server",
	check: checkVolumeMounts,
	Explain: `Every mount path must be absolute and used once per container, and every
volumeMounts[].name must name a pod volume or a storage claim: the API
server (since 1.34) or the kubelet rejects anything else. Volume names are
RFC 1123 labels and may not repeat a claim's name. stsgen mounts the
config files at config.mountPath and the identity files at
identity.mountPath, so those paths take part too.`,
}

// checkVolumeMounts: every mount path of the main container is absolute and
// used once, including the config and identity directories stsgen mounts;
// volume names are unique DNS labels; and the init containers' and sidecars'
// mounts name volumes that exist.
func checkVolumeMounts(c *checker) {
	s := c.s
	type mount struct {
		sels []string
		path string
	}
	var mounts []mount
	for _, cl := range s.Storage {
		if cl.MountPath != "" {
			mounts = append(mounts, mount{at("storage", cl.Name, "mountPath"), cl.MountPath})
		}
	}
	for _, v := range s.Volumes {
		if v.MountPath != "" {
			mounts = append(mounts, mount{at("volumes", v.Name, "mountPath"), v.MountPath})
		}
	}
	if _, into := s.ConfigWritable(); s.HasConfigFiles() && !into {
		// Config files installed into a writable copy share its mount.
		mounts = append(mounts, mount{at("config", "mountPath"), s.Config.MountPath})
	}
	if s.RunsInit() {
		mounts = append(mounts, mount{at("identity", "mountPath"), s.Identity.MountPath})
	}
	for i, dir := range s.Writable {
		mounts = append(mounts, mount{at("writable", strconv.Itoa(i)), dir})
		if clean := path.Clean(dir); clean == "/" || clean == "/stsgen" || strings.HasPrefix(clean, "/stsgen/") {
			c.report(at("writable", strconv.Itoa(i)), "%q cannot be copied: name a directory of the image, such as \"/etc/cassandra\" (not / or stsgen's own /stsgen)", dir)
		}
	}
	for _, f := range s.SecretFiles {
		mounts = append(mounts, mount{at("secretFiles", f.Path), f.Path})
		if msgs := validation.IsDNS1123Subdomain(f.Secret); len(msgs) > 0 {
			c.report(at("secretFiles", f.Path, "secret"), "%q is not a Secret's name: %s", f.Secret, strings.Join(msgs, "; "))
		}
		if msgs := validation.IsConfigMapKey(f.Key); len(msgs) > 0 {
			c.report(at("secretFiles", f.Path, "key"), "%q is not a Secret's key: %s", f.Key, strings.Join(msgs, "; "))
		}
		switch m := f.Mode; {
		case m == 0:
			c.report(at("secretFiles", f.Path, "mode"), "0 leaves the file unreadable, even by its owner; write 0o400")
		case f.ModeDecimal && !strings.ContainsAny(strconv.Itoa(int(m)), "89"):
			// 400 and 600 are modes as chmod writes them, in octal.
			c.report(at("secretFiles", f.Path, "mode"), "%d is decimal, the mode 0o%o; write 0o%d for the mode chmod calls %d", m, m, m, m)
		}
	}
	if s.TLS != nil {
		mounts = append(mounts, mount{at("tls", "mountPath"), s.TLS.MountPath})
	}
	for _, cl := range s.Storage {
		c.subPath(at("storage", cl.Name, "subPath"), cl.SubPath)
	}
	for _, v := range s.Volumes {
		c.subPath(at("volumes", v.Name, "subPath"), v.SubPath)
	}
	seen := map[string][]string{}
	for _, m := range mounts {
		if !path.IsAbs(m.path) {
			c.report(m.sels, "mount path %q is not absolute; write /%s", m.path, strings.TrimPrefix(m.path, "./"))
			continue
		}
		clean := path.Clean(m.path)
		if prev, ok := seen[clean]; ok {
			// Point at the path the user wrote; stsgen's own mounts
			// (config, identity) may be defaults.
			here, there := m.sels, prev
			if !c.wrote(here) && c.wrote(there) {
				here, there = there, here
			}
			c.report(here, "mount path %q is also used by %s%s; each mount needs its own path", m.path, strings.Join(there, "."), mountOwner(there))
			continue
		}
		seen[clean] = m.sels
	}

	claims := map[string]bool{}
	for _, cl := range s.Storage {
		claims[cl.Name] = true
	}
	for _, v := range s.Volumes {
		c.dnsLabel(at("volumes", v.Name), v.Name, "volume name", validation.DNS1123LabelMaxLength)
		if claims[v.Name] {
			c.report(at("volumes", v.Name), "%q is also a storage claim; a pod volume and a claim template may not share a name", v.Name)
		}
	}
	known := s.MountableVolumes()
	for _, list := range s.ContainerLists() {
		for i, ct := range list.Cs {
			paths := map[string]bool{}
			for j, m := range ct.VolumeMounts {
				sels := at(list.Field, strconv.Itoa(i), "volumeMounts", strconv.Itoa(j))
				if !slices.Contains(known, m.Name) {
					c.report(append(sels, "name"), "no volume named %q; volumes are %s", m.Name, strings.Join(known, ", "))
				}
				if !path.IsAbs(m.MountPath) {
					c.report(append(sels, "mountPath"), "mount path %q is not absolute; write /%s", m.MountPath, strings.TrimPrefix(m.MountPath, "./"))
				} else if paths[path.Clean(m.MountPath)] {
					c.report(append(sels, "mountPath"), "mount path %q is used twice in container %q", m.MountPath, ct.Name)
				}
				paths[path.Clean(m.MountPath)] = true
				c.subPath(append(sels, "subPath"), m.SubPath)
				if m.SubPath != "" && m.SubPathExpr != "" {
					c.report(append(sels, "subPathExpr"), "subPath and subPathExpr may not both be set; keep one")
				}
			}
		}
	}
}

// mountOwner says what stsgen mounts at its own mount paths.
func mountOwner(sels []string) string {
	switch strings.Join(sels, ".") {
	case "identity.mountPath":
		return ", where stsgen mounts the identity files (move it with identity.mountPath)"
	case "config.mountPath":
		return ", where stsgen mounts the config files (move it with config.mountPath)"
	case "tls.mountPath":
		return ", where stsgen mounts the certificate (move it with tls.mountPath)"
	}
	return ""
}

// subPath reports a sub-path that is absolute or climbs out with "..".
func (c *checker) subPath(sels []string, p string) {
	if p != "" && (path.IsAbs(p) || slices.Contains(strings.Split(p, "/"), "..")) {
		c.report(sels, "subPath %q must be a relative path without '..', such as %q", p, strings.TrimLeft(path.Clean("/"+p), "/"))
	}
}

var ruleClaimTemplates = &Rule{
	ID: diag.RuleClaimTemplates, Title: "storage claims have a valid name, a positive size and an access mode",
	Severity: diag.Error, Fixed: true, Source: "API server",
	check: checkClaimTemplates,
	Explain: `Each entry under storage becomes a volumeClaimTemplate and one
PersistentVolumeClaim per pod, named <claim>-<app>-<ordinal>. The claim
name must be an RFC 1123 label, the size a positive Kubernetes quantity
("10Gi"), and accessModes non-empty. Claim templates are immutable once
the StatefulSet exists, so get them right before the first apply.`,
}

// checkClaimTemplates: claim names are DNS labels, and every claim has an
// access mode and a positive size.
func checkClaimTemplates(c *checker) {
	for _, cl := range c.s.Storage {
		c.dnsLabel(at("storage", cl.Name), cl.Name, "claim name", validation.DNS1123LabelMaxLength)
		if len(cl.AccessModes) == 0 {
			c.report(at("storage", cl.Name, "accessModes"), "a claim needs at least one access mode; write [\"ReadWriteOnce\"]")
		}
		if cl.Size.Sign() <= 0 {
			c.report(at("storage", cl.Name, "size"), "a claim needs a positive size, such as \"10Gi\"")
		}
		if cl.Class != nil && *cl.Class != "" && len(validation.IsDNS1123Subdomain(*cl.Class)) > 0 {
			c.report(at("storage", cl.Name, "class"), "%q is not a valid storage class name: lower-case letters, digits, '-' and '.'; write %q", *cl.Class, suggestSubdomain(*cl.Class))
		}
	}
}
