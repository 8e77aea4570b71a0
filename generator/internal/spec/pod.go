package spec

import (
	"fmt"
	"reflect"
	"strings"

	"cuelang.org/go/cue"
)

// PodFields are the fields of Kubernetes' PodSpec that an app sets at its
// top level under the same names and in the same shapes: placement
// (nodeSelector, tolerations, affinity, topologySpreadConstraints), the
// platform (priorityClassName, imagePullSecrets, runtimeClassName,
// schedulerName, DNS) and process sharing. Decode reads them strictly
// into Spec.Pod; the builder writes them to the pod template as they are,
// with what spread derives merged into affinity and
// topologySpreadConstraints. The schema declares each (a test holds the
// three lists to PodSpec's fields).
var PodFields = []string{
	"nodeSelector", "tolerations", "affinity", "topologySpreadConstraints",
	"priorityClassName", "preemptionPolicy", "imagePullSecrets",
	"runtimeClassName", "schedulerName", "dnsPolicy", "dnsConfig", "hostAliases",
	"enableServiceLinks", "shareProcessNamespace", "setHostnameAsFQDN",
	"readinessGates", "schedulingGates", "os", "hostUsers",
}

// PodFieldsStsgen are the PodSpec fields an app sets through fields of
// stsgen's, by the field it writes.
var PodFieldsStsgen = map[string]string{
	"securityContext":    "podSecurityContext",
	"serviceAccountName": "serviceAccountName",
	// PodSpec's serviceAccount is a deprecated alias of
	// serviceAccountName; an app's serviceAccount makes the account.
	"serviceAccount":                "serviceAccountName, or serviceAccount for an account stsgen makes",
	"automountServiceAccountToken":  "automountServiceAccountToken",
	"terminationGracePeriodSeconds": "terminationGracePeriodSeconds",
	"initContainers":                "initContainers",
	"volumes":                       "volumes",
	"containers":                    "image, command, args and the app's other fields for the main container, and sidecars for the others",
	// An app's resources are its main container's; stsgen writes no
	// pod-level resources.
	"resources": "resources, per container",
}

// PodFieldsOwned are the PodSpec fields an app cannot set, and why: what
// the StatefulSet controller or an admission plugin sets, what the API
// server refuses in a StatefulSet, and what would undo a member's stable
// identity or its isolation.
var PodFieldsOwned = map[string]string{
	"ephemeralContainers":   "ephemeral containers are added to a running pod (kubectl debug), never to a pod template",
	"restartPolicy":         "a StatefulSet's pods always restart: Always is the only policy the API server accepts for them",
	"activeDeadlineSeconds": "the API server refuses a deadline in a StatefulSet's pods, which must run until replaced",
	"hostname":              "the StatefulSet controller names each pod's host after the pod (<app>-<ordinal>), which every peer list relies on",
	"hostnameOverride":      "the StatefulSet controller names each pod's host after the pod (<app>-<ordinal>), which every peer list relies on",
	"subdomain":             "the StatefulSet controller sets it to serviceName, the headless Service (services.headless.name)",
	"nodeName":              "it would bind every member to one node; choose nodes with nodeSelector or affinity",
	"hostNetwork":           "a member in the host's network namespace loses its pod IP, and with it its stable DNS name, and two members on one node clash on their ports",
	"hostPID":               "a member that sees the host's processes can signal and inspect everything on its node",
	"hostIPC":               "a member that shares the host's IPC namespace can read other workloads' shared memory",
	"priority":              "the Priority admission plugin sets it from priorityClassName; write priorityClassName",
	"overhead":              "the RuntimeClass admission plugin sets it from runtimeClassName; write runtimeClassName",
	"resourceClaims":        "dynamic resource allocation claims would have to be named in each container's resources.claims, which stsgen does not write",
	"schedulingGroup":       "an alpha field of gang scheduling, which a StatefulSet's ordered start does not need",
	"evictionResponders":    "an alpha field that stsgen does not write",
}

// PodFieldMessage says why an app has no top-level field name that
// PodSpec has, or where it is set; ok is false for any other name.
func PodFieldMessage(name string) (msg string, ok bool) {
	if why, ok := PodFieldsOwned[name]; ok {
		return fmt.Sprintf("a pod's %s is not set by an app: %s", name, why), true
	}
	if name == "containers" {
		return "a pod's containers are set by " + PodFieldsStsgen[name], true
	}
	return "", false
}

// decodePod reads the PodFields an app sets into s.Pod.
func (d *decoder) decodePod(s *Spec) {
	pod := reflect.ValueOf(&s.Pod).Elem()
	index := podFieldIndex()
	for _, name := range PodFields {
		v := evaluated(d.lookup(name))
		if !v.Exists() || empty(v) {
			continue // the schema's default: none
		}
		d.strict(v, pod.Field(index[name]).Addr().Interface())
	}
}

// empty reports an empty list or struct.
func empty(v cue.Value) bool {
	switch v.IncompleteKind() {
	case cue.ListKind:
		return len(listItems(v)) == 0
	case cue.StructKind:
		return len(fields(v)) == 0
	}
	return false
}

// podFieldIndex maps PodSpec's JSON names to its fields' indices.
func podFieldIndex() map[string]int {
	t := reflect.TypeOf(Spec{}.Pod)
	m := map[string]int{}
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		m[name] = i
	}
	return m
}
