package rules

import (
	"strconv"
	"strings"

	"github.com/stsgen/stsgen/generator/diag"
	"github.com/stsgen/stsgen/generator/internal/build"
	"github.com/stsgen/stsgen/generator/internal/spec"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation"
)

// containerRules check the pod's containers: the main one, the sidecars
// and the init containers, their names, images and restart policies.
var containerRules = []*Rule{ruleContainerNames, ruleRestartPolicy, ruleInitContainers, ruleImageTag}

var ruleContainerNames = &Rule{
	ID: diag.RuleContainerNames, Title: "the app has an image and container names are unique DNS labels",
	Severity: diag.Error, Fixed: true, Source: "API server",
	check: checkContainerNames,
	Explain: `Every container needs an image; the main container runs the app's
image. Container names, init containers included, must be RFC 1123 labels and
unique within the pod, or the API server rejects the StatefulSet (since
1.34; older servers accept it and every pod creation fails). The main
container is named after the app and stsgen's init container is
stsgen-init, so sidecars and initContainers need other names.`,
}

// checkContainerNames: the app has an image, and every container name is a
// unique DNS label.
func checkContainerNames(c *checker) {
	s := c.s
	if strings.TrimSpace(s.Image) == "" {
		c.report(at("image"), "image is empty; write a pinned image such as \"postgres:17.2\"")
	}
	seen := map[string]bool{s.Name: true, spec.InitContainerName: true}
	check := func(field string, i int, name string) {
		sels := at(field, strconv.Itoa(i), "name")
		c.dnsLabel(sels, name, "container name", validation.DNS1123LabelMaxLength)
		switch {
		case strings.HasPrefix(name, spec.ReservedPrefix):
			// STS301 reports it.
		case name == s.Name:
			c.report(sels, "container name %q is the main container's, which is named after the app; choose another name", name)
		case seen[name]:
			c.report(sels, "container name %q is already used by another container in this pod; choose another name", name)
		}
		seen[name] = true
	}
	for i, ic := range s.InitContainers {
		check("initContainers", i, ic.Name)
	}
	for i, sc := range s.Sidecars {
		check("sidecars", i, sc.Name)
	}
}

var ruleRestartPolicy = &Rule{
	ID: diag.RuleRestartPolicy, Title: "containers leave restartPolicy to the pod",
	Severity: diag.Error, Fixed: true, Source: "API server",
	check: checkRestartPolicy, verify: verifyRestartPolicy,
	Explain: `A StatefulSet's pods must have restartPolicy: Always and no
activeDeadlineSeconds. A regular container may not set restartPolicy at
all; only an init container may, to become a native sidecar that runs
beside the main container. Put such a container under initContainers with
restartPolicy: "Always", or under sidecars without restartPolicy.`,
}

// checkRestartPolicy: sidecars, which run as regular containers, do not set
// restartPolicy.
func checkRestartPolicy(c *checker) {
	for i, sc := range c.s.Sidecars {
		if sc.RestartPolicy != nil {
			c.report(at("sidecars", strconv.Itoa(i), "restartPolicy"), "a regular container may not set restartPolicy; remove it, or move the container to initContainers to make it a native sidecar")
		}
	}
}

// verifyRestartPolicy: the pods restart always and have no deadline.
func verifyRestartPolicy(c *checker, b *build.Bundle) {
	spec := b.StatefulSet.Spec.Template.Spec
	if spec.RestartPolicy != "" && spec.RestartPolicy != corev1.RestartPolicyAlways {
		c.reportObject("StatefulSet %s: restartPolicy is %q; a StatefulSet's pods must restart Always", b.StatefulSet.Name, spec.RestartPolicy)
	}
	if spec.ActiveDeadlineSeconds != nil {
		c.reportObject("StatefulSet %s: activeDeadlineSeconds is set; a StatefulSet's pods may not have one", b.StatefulSet.Name)
	}
}

var ruleInitContainers = &Rule{
	ID: diag.RuleInitContainers, Title: "init containers have no probes or lifecycle unless they are native sidecars",
	Severity: diag.Error, Fixed: true, Source: "API server",
	check: checkInitContainers,
	Explain: `An init container runs to completion before the next one starts, so the
API server rejects liveness, readiness and startup probes and lifecycle
hooks on it. Only a native sidecar (an init container with
restartPolicy: "Always") may have them. Add restartPolicy: "Always" or
remove the probes.`,
}

// checkInitContainers: init containers that are not native sidecars have
// no probes and no lifecycle hooks.
func checkInitContainers(c *checker) {
	for i, ic := range c.s.InitContainers {
		if ic.RestartPolicy != nil && *ic.RestartPolicy == corev1.ContainerRestartPolicyAlways {
			continue
		}
		for _, f := range []struct {
			name string
			set  bool
		}{
			{"livenessProbe", ic.LivenessProbe != nil},
			{"readinessProbe", ic.ReadinessProbe != nil},
			{"startupProbe", ic.StartupProbe != nil},
			{"lifecycle", ic.Lifecycle != nil},
		} {
			if f.set {
				c.report(at("initContainers", strconv.Itoa(i), f.name), "an init container runs to completion and may not have %s; add restartPolicy: \"Always\" to make it a native sidecar, or remove %s", f.name, f.name)
			}
		}
	}
}

var ruleImageTag = &Rule{
	ID: diag.RuleImageTag, Title: "images are pinned to a tag or digest other than latest",
	Severity: diag.Warning, Source: "kube-score container-image-tag, kube-linter latest-tag",
	check: checkImageTag,
	Explain: `An image without a tag, or tagged latest, changes under you: two pods of
one StatefulSet can run different versions, and a restart upgrades a
database without anyone deciding to. Pin a version ("postgres:17.2") or
a digest.`,
}

// checkImageTag: images are pinned.
func checkImageTag(c *checker) {
	check := func(sels []string, image string) {
		if image == "" || strings.Contains(image, "@") {
			return
		}
		switch tag := spec.ImageTag(image); tag {
		case "":
			c.report(sels, "image %q has no tag, so it runs whatever latest is at each pull; pin a version such as %q", image, image+":<version>")
		case "latest":
			c.report(sels, "image %q changes under you; pin a version", image)
		}
	}
	check(at("image"), c.s.Image)
	if c.s.Identity.Image != c.s.Image {
		check(at("identity", "image"), c.s.Identity.Image)
	}
	for i, ct := range c.s.InitContainers {
		check(at("initContainers", strconv.Itoa(i), "image"), ct.Image)
	}
	for i, ct := range c.s.Sidecars {
		check(at("sidecars", strconv.Itoa(i), "image"), ct.Image)
	}
}
