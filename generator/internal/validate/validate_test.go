package validate

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stsgen/stsgen/generator/internal/build"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/yaml"
)

var update = flag.Bool("update", false, "rewrite testdata/cases from the cases")

// A case changes one field of a valid base object; want is what the API
// server says of the result, error by error, as field.Error prints it.
// The cases are also written to testdata/cases, where the end-to-end
// suite creates each on a real API server (dry run) and requires the
// server to refuse it with the same errors (e2e/validate_test.go).
type testCase struct {
	name string
	base string // a file of testdata/base, without .yaml
	edit func(obj any)
	want []string
}

func sts(f func(s *appsv1.StatefulSet)) func(any) { return func(o any) { f(o.(*appsv1.StatefulSet)) } }
func pod(f func(p *corev1.PodSpec)) func(any) {
	return sts(func(s *appsv1.StatefulSet) { f(&s.Spec.Template.Spec) })
}
func main(f func(c *corev1.Container)) func(any) {
	return pod(func(p *corev1.PodSpec) { f(&p.Containers[0]) })
}
func svc(f func(s *corev1.Service)) func(any)     { return func(o any) { f(o.(*corev1.Service)) } }
func cert(f func(c *build.Certificate)) func(any) { return func(o any) { f(o.(*build.Certificate)) } }
func cm(f func(c *corev1.ConfigMap)) func(any)    { return func(o any) { f(o.(*corev1.ConfigMap)) } }
func pdb(f func(b *policyv1.PodDisruptionBudget)) func(any) {
	return func(o any) { f(o.(*policyv1.PodDisruptionBudget)) }
}
func netpol(f func(n *networkingv1.NetworkPolicy)) func(any) {
	return func(o any) { f(o.(*networkingv1.NetworkPolicy)) }
}
func sa(f func(a *corev1.ServiceAccount)) func(any) {
	return func(o any) { f(o.(*corev1.ServiceAccount)) }
}
func roleEdit(f func(r *rbacv1.Role)) func(any) { return func(o any) { f(o.(*rbacv1.Role)) } }
func binding(f func(b *rbacv1.RoleBinding)) func(any) {
	return func(o any) { f(o.(*rbacv1.RoleBinding)) }
}
func jobEdit(f func(j *batchv1.Job)) func(any) { return func(o any) { f(o.(*batchv1.Job)) } }

func smon(f func(m *build.ServiceMonitor)) func(any) {
	return func(o any) { f(o.(*build.ServiceMonitor)) }
}
func pmon(f func(m *build.PodMonitor)) func(any) { return func(o any) { f(o.(*build.PodMonitor)) } }

const c0 = "spec.template.spec.containers[0]"

const labelKeyError = `spec.template.labels: Invalid value: "a/b/c": a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`

var cases = []testCase{
	// The bases themselves.
	{name: "valid-statefulset", base: "statefulset", edit: func(any) {}},
	{name: "valid-service", base: "service", edit: func(any) {}},
	{name: "valid-configmap", base: "configmap", edit: func(any) {}},
	{name: "valid-pdb", base: "poddisruptionbudget", edit: func(any) {}},
	{name: "valid-networkpolicy", base: "networkpolicy", edit: func(any) {}},
	{name: "valid-serviceaccount", base: "serviceaccount", edit: func(any) {}},
	{name: "valid-role", base: "role", edit: func(any) {}},
	{name: "valid-rolebinding", base: "rolebinding", edit: func(any) {}},
	{name: "valid-job", base: "job", edit: func(any) {}},
	{name: "valid-certificate", base: "certificate", edit: func(any) {}},
	{name: "valid-servicemonitor", base: "servicemonitor", edit: func(any) {}},
	{name: "valid-podmonitor", base: "podmonitor", edit: func(any) {}},
	// The tlsConfig of https with tls: the CRDs require only ca.secret.key,
	// which is always written; strict field validation checks the names.
	{name: "valid-servicemonitor-tls", base: "servicemonitor", edit: smon(func(m *build.ServiceMonitor) {
		m.Spec.Endpoints[0].Scheme = "https"
		m.Spec.Endpoints[0].TLSConfig = &build.TLSConfig{CA: &build.SecretOrConfigMap{Secret: &build.SecretKeySelector{Name: "db-tls", Key: build.TLSCAKey}}, ServerName: "db-hs.default.svc.cluster.local"}
	})},
	{name: "valid-podmonitor-tls", base: "podmonitor", edit: pmon(func(m *build.PodMonitor) {
		m.Spec.PodMetricsEndpoints[0].Scheme = "https"
		m.Spec.PodMetricsEndpoints[0].TLSConfig = &build.TLSConfig{CA: &build.SecretOrConfigMap{Secret: &build.SecretKeySelector{Name: "db-tls", Key: build.TLSCAKey}}, ServerName: "db-hs.default.svc.cluster.local"}
	})},

	// Metadata.
	{name: "statefulset-name-with-dot", base: "statefulset", edit: sts(func(s *appsv1.StatefulSet) { s.Name = "db.prod" }),
		want: []string{`metadata.name: Invalid value: "db.prod": must not contain dots`}},
	{name: "label-value-too-long", base: "statefulset", edit: sts(func(s *appsv1.StatefulSet) { s.Labels["app.kubernetes.io/version"] = strings.Repeat("v", 64) }),
		want: []string{`metadata.labels: Invalid value: "` + strings.Repeat("v", 64) + `": must be no more than 63 bytes`}},
	{name: "template-label-key", base: "statefulset", edit: sts(func(s *appsv1.StatefulSet) { s.Spec.Template.Labels["a/b/c"] = "x" }),
		want: []string{labelKeyError, labelKeyError}},

	// The StatefulSet's spec.
	{name: "replicas-negative", base: "statefulset", edit: sts(func(s *appsv1.StatefulSet) { s.Spec.Replicas = new(int32(-1)) }),
		want: []string{`spec.replicas: Invalid value: -1: must be greater than or equal to 0`}},
	{name: "ordinals-start-negative", base: "statefulset", edit: sts(func(s *appsv1.StatefulSet) { s.Spec.Ordinals.Start = -2 }),
		want: []string{`spec.ordinals.start: Invalid value: -2: must be greater than or equal to 0`}},
	{name: "min-ready-negative", base: "statefulset", edit: sts(func(s *appsv1.StatefulSet) { s.Spec.MinReadySeconds = -1 }),
		want: []string{`spec.minReadySeconds: Invalid value: -1: must be greater than or equal to 0`}},
	{name: "pod-management-policy", base: "statefulset", edit: sts(func(s *appsv1.StatefulSet) { s.Spec.PodManagementPolicy = "Burst" }),
		want: []string{`spec.podManagementPolicy: Invalid value: "Burst": must be 'OrderedReady' or 'Parallel'`}},
	{name: "partition-negative", base: "statefulset", edit: sts(func(s *appsv1.StatefulSet) { s.Spec.UpdateStrategy.RollingUpdate.Partition = new(int32(-1)) }),
		want: []string{`spec.updateStrategy.rollingUpdate.partition: Invalid value: -1: must be greater than or equal to 0`}},
	{name: "rolling-update-with-on-delete", base: "statefulset", edit: sts(func(s *appsv1.StatefulSet) { s.Spec.UpdateStrategy.Type = appsv1.OnDeleteStatefulSetStrategyType }),
		want: []string{`spec.updateStrategy.rollingUpdate: Invalid value: {"partition":0}: only allowed for updateStrategy 'RollingUpdate'`}},
	{name: "retention-policy", base: "statefulset", edit: sts(func(s *appsv1.StatefulSet) { s.Spec.PersistentVolumeClaimRetentionPolicy.WhenScaled = "Keep" }),
		want: []string{`spec.persistentVolumeClaimRetentionPolicy.whenScaled: Unsupported value: "Keep": supported values: "Retain", "Delete"`}},
	{name: "service-name-upper-case", base: "statefulset", edit: sts(func(s *appsv1.StatefulSet) { s.Spec.ServiceName = "DB_HS" }),
		want: []string{`spec.serviceName: Invalid value: "DB_HS": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`}},
	{name: "selector-does-not-match", base: "statefulset", edit: sts(func(s *appsv1.StatefulSet) { s.Spec.Selector.MatchLabels["app.kubernetes.io/name"] = "other" }),
		want: []string{`spec.template.metadata.labels: Invalid value: {"app.kubernetes.io/name":"db"}: ` + "`selector` does not match template `labels`"}},
	{name: "selector-empty", base: "statefulset", edit: sts(func(s *appsv1.StatefulSet) { s.Spec.Selector = &metav1.LabelSelector{} }),
		want: []string{`spec.selector: Invalid value: {}: empty selector is invalid for statefulset`}},
	{name: "claim-without-access-mode", base: "statefulset", edit: sts(func(s *appsv1.StatefulSet) { s.Spec.VolumeClaimTemplates[0].Spec.AccessModes = nil }),
		want: []string{`spec.volumeClaimTemplates[0].spec.accessModes: Required value: at least 1 access mode is required`}},
	{name: "claim-access-mode", base: "statefulset", edit: sts(func(s *appsv1.StatefulSet) {
		s.Spec.VolumeClaimTemplates[0].Spec.AccessModes = []corev1.PersistentVolumeAccessMode{"ReadWriteAll"}
	}),
		want: []string{`spec.volumeClaimTemplates[0].spec.accessModes: Unsupported value: "ReadWriteAll": supported values: "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"`}},
	{name: "claim-once-pod-with-others", base: "statefulset", edit: sts(func(s *appsv1.StatefulSet) {
		s.Spec.VolumeClaimTemplates[0].Spec.AccessModes = []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce, corev1.ReadWriteOncePod}
	}),
		want: []string{`spec.volumeClaimTemplates[0].spec.accessModes: Forbidden: may not use ReadWriteOncePod with other access modes`}},
	{name: "claim-without-size", base: "statefulset", edit: sts(func(s *appsv1.StatefulSet) { s.Spec.VolumeClaimTemplates[0].Spec.Resources.Requests = nil }),
		want: []string{`spec.volumeClaimTemplates[0].spec.resources[storage]: Required value`}},
	{name: "claim-size-zero", base: "statefulset", edit: sts(func(s *appsv1.StatefulSet) {
		s.Spec.VolumeClaimTemplates[0].Spec.Resources.Requests[corev1.ResourceStorage] = resource.MustParse("0")
	}),
		want: []string{`spec.volumeClaimTemplates[0].spec.resources[storage]: Invalid value: "0": must be greater than zero`}},
	{name: "claim-storage-class", base: "statefulset", edit: sts(func(s *appsv1.StatefulSet) { s.Spec.VolumeClaimTemplates[0].Spec.StorageClassName = new("Fast_SSD") }),
		want: []string{`spec.volumeClaimTemplates[0].spec.storageClassName: Invalid value: "Fast_SSD": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`}},
	{name: "restart-policy-never", base: "statefulset", edit: pod(func(p *corev1.PodSpec) { p.RestartPolicy = corev1.RestartPolicyNever }),
		want: []string{`spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"`}},
	{name: "active-deadline", base: "statefulset", edit: pod(func(p *corev1.PodSpec) { p.ActiveDeadlineSeconds = new(int64(60)) }),
		want: []string{`spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in StatefulSet is not Supported`}},

	// The pod.
	{name: "dns-policy", base: "statefulset", edit: pod(func(p *corev1.PodSpec) { p.DNSPolicy = "ClusterLast" }),
		want: []string{`spec.template.spec.dnsPolicy: Unsupported value: "ClusterLast": supported values: "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"`}},
	{name: "node-selector-key", base: "statefulset", edit: pod(func(p *corev1.PodSpec) { p.NodeSelector["-pool"] = "db" }),
		want: []string{`spec.template.spec.nodeSelector: Invalid value: "-pool": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`}},
	{name: "priority-class-name", base: "statefulset", edit: pod(func(p *corev1.PodSpec) { p.PriorityClassName = "High" }),
		want: []string{`spec.template.spec.priorityClassName: Invalid value: "High": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`}},
	{name: "run-as-user-negative", base: "statefulset", edit: pod(func(p *corev1.PodSpec) { p.SecurityContext.RunAsUser = new(int64(-1)) }),
		want: []string{`spec.template.spec.securityContext.runAsUser: Invalid value: -1: must be between 0 and 2147483647, inclusive`}},
	{name: "fs-group-too-big", base: "statefulset", edit: pod(func(p *corev1.PodSpec) { p.SecurityContext.FSGroup = new(int64(1 << 32)) }),
		want: []string{`spec.template.spec.securityContext.fsGroup: Invalid value: 4294967296: must be between 0 and 2147483647, inclusive`}},
	{name: "sysctl-name", base: "statefulset", edit: pod(func(p *corev1.PodSpec) { p.SecurityContext.Sysctls[0].Name = "net..ipv4" }),
		want: []string{`spec.template.spec.securityContext.sysctls[0].name: Invalid value: "net..ipv4": must have at most 253 characters and match regex ^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$`}},
	{name: "seccomp-localhost-without-profile", base: "statefulset", edit: pod(func(p *corev1.PodSpec) { p.SecurityContext.SeccompProfile.Type = corev1.SeccompProfileTypeLocalhost }),
		want: []string{`spec.template.spec.securityContext.seccompProfile.localhostProfile: Required value: must be set when seccomp type is Localhost`}},
	{name: "toleration-operator", base: "statefulset", edit: pod(func(p *corev1.PodSpec) { p.Tolerations[0].Operator = "Equals" }),
		want: []string{`spec.template.spec.tolerations[0].operator: Unsupported value: "Equals": supported values: "Equal", "Exists"`}},
	{name: "toleration-effect", base: "statefulset", edit: pod(func(p *corev1.PodSpec) { p.Tolerations[0].Effect = "NoSchedul" }),
		want: []string{`spec.template.spec.tolerations[0].effect: Unsupported value: "NoSchedul": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"`}},
	{name: "toleration-seconds-without-no-execute", base: "statefulset", edit: pod(func(p *corev1.PodSpec) { p.Tolerations[0].TolerationSeconds = new(int64(60)) }),
		want: []string{`spec.template.spec.tolerations[0].effect: Invalid value: "NoSchedule": effect must be 'NoExecute' when ` + "`tolerationSeconds`" + ` is set`}},
	{name: "toleration-without-key", base: "statefulset", edit: pod(func(p *corev1.PodSpec) { p.Tolerations[0].Key = "" }),
		want: []string{`spec.template.spec.tolerations[0].operator: Invalid value: "Equal": operator must be Exists when ` + "`key`" + ` is empty, which means "match all values and all keys"`}},
	{name: "node-affinity-operator", base: "statefulset", edit: pod(func(p *corev1.PodSpec) {
		p.Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms[0].MatchExpressions[0].Operator = "Within"
	}),
		want: []string{`spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].operator: Invalid value: "Within": not a valid selector operator`}},
	{name: "node-affinity-no-terms", base: "statefulset", edit: pod(func(p *corev1.PodSpec) {
		p.Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms = nil
	}),
		want: []string{`spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms: Required value: must have at least one node selector term`}},
	{name: "anti-affinity-weight", base: "statefulset", edit: pod(func(p *corev1.PodSpec) {
		p.Affinity.PodAntiAffinity.PreferredDuringSchedulingIgnoredDuringExecution[0].Weight = 101
	}),
		want: []string{`spec.template.spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight: Invalid value: 101: must be in the range 1-100`}},
	{name: "anti-affinity-empty-topology-key", base: "statefulset", edit: pod(func(p *corev1.PodSpec) {
		p.Affinity.PodAntiAffinity.PreferredDuringSchedulingIgnoredDuringExecution[0].PodAffinityTerm.TopologyKey = ""
	}),
		want: []string{
			`spec.template.spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.topologyKey: Required value: can not be empty`,
			`spec.template.spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.topologyKey: Invalid value: "": name part must be non-empty`,
			`spec.template.spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.topologyKey: Invalid value: "": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
		}},
	{name: "spread-max-skew", base: "statefulset", edit: pod(func(p *corev1.PodSpec) { p.TopologySpreadConstraints[0].MaxSkew = 0 }),
		want: []string{`spec.template.spec.topologySpreadConstraints[0].maxSkew: Invalid value: 0: must be greater than zero`}},
	{name: "spread-when-unsatisfiable", base: "statefulset", edit: pod(func(p *corev1.PodSpec) { p.TopologySpreadConstraints[0].WhenUnsatisfiable = "Wait" }),
		want: []string{`spec.template.spec.topologySpreadConstraints[0].whenUnsatisfiable: Unsupported value: "Wait": supported values: "DoNotSchedule", "ScheduleAnyway"`}},
	{name: "spread-twice", base: "statefulset", edit: pod(func(p *corev1.PodSpec) {
		p.TopologySpreadConstraints = append(p.TopologySpreadConstraints, *p.TopologySpreadConstraints[0].DeepCopy())
	}),
		want: []string{`spec.template.spec.topologySpreadConstraints[0].{topologyKey, whenUnsatisfiable}: Duplicate value: "{topology.kubernetes.io/zone, ScheduleAnyway}"`}},
	{name: "spread-min-domains-anyway", base: "statefulset", edit: pod(func(p *corev1.PodSpec) { p.TopologySpreadConstraints[0].MinDomains = new(int32(2)) }),
		want: []string{`spec.template.spec.topologySpreadConstraints[0].minDomains: Invalid value: 2: can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ScheduleAnyway`}},
	{name: "dns-policy-none-without-config", base: "statefulset", edit: pod(func(p *corev1.PodSpec) { p.DNSPolicy = corev1.DNSNone }),
		want: []string{"spec.template.spec.dnsConfig: Required value: must provide `dnsConfig` when `dnsPolicy` is None"}},
	{name: "dns-config", base: "statefulset", edit: pod(func(p *corev1.PodSpec) {
		p.DNSConfig = &corev1.PodDNSConfig{Nameservers: []string{"10.0.0.1", "bogus"}, Searches: []string{"Bad_Search!"}, Options: []corev1.PodDNSConfigOption{{Value: new("2")}}}
	}),
		want: []string{
			`spec.template.spec.dnsConfig.nameservers[1]: Invalid value: "bogus": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)`,
			`spec.template.spec.dnsConfig.searches[0]: Invalid value: "Bad_Search!": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '_', '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '_?[a-z0-9]([-_a-z0-9]*[a-z0-9])?(\._?[a-z0-9]([-_a-z0-9]*[a-z0-9])?)*')`,
			`spec.template.spec.dnsConfig.options[0]: Required value: must not be empty`,
		}},
	{name: "host-alias", base: "statefulset", edit: pod(func(p *corev1.PodSpec) {
		p.HostAliases = []corev1.HostAlias{{IP: "not-an-ip", Hostnames: []string{"Bad_Host!"}}}
	}),
		want: []string{
			`spec.template.spec.hostAliases[0].ip: Invalid value: "not-an-ip": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)`,
			`spec.template.spec.hostAliases[0].hostnames[0]: Invalid value: "Bad_Host!": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
		}},
	{name: "readiness-gate", base: "statefulset", edit: pod(func(p *corev1.PodSpec) {
		p.ReadinessGates = []corev1.PodReadinessGate{{ConditionType: "bad type!"}}
	}),
		want: []string{`spec.template.spec.readinessGates[0].conditionType: Invalid value: "bad type!": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`}},
	{name: "scheduling-gate", base: "statefulset", edit: pod(func(p *corev1.PodSpec) {
		p.SchedulingGates = []corev1.PodSchedulingGate{{Name: "bad gate!"}}
	}),
		want: []string{`spec.template.spec.schedulingGates[0]: Invalid value: "bad gate!": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`}},
	{name: "os", base: "statefulset", edit: pod(func(p *corev1.PodSpec) { p.OS = &corev1.PodOS{Name: "plan9"} }),
		want: []string{`spec.template.spec.os: Unsupported value: "plan9": supported values: "linux", "windows"`}},
	{name: "image-pull-secret-extra", base: "statefulset", edit: pod(func(p *corev1.PodSpec) {
		p.ImagePullSecrets = []corev1.LocalObjectReference{{Name: "registry"}}
	})},

	// Containers.
	{name: "container-name-duplicate", base: "statefulset", edit: pod(func(p *corev1.PodSpec) { p.InitContainers[0].Name = "db" }),
		want: []string{`spec.template.spec.initContainers[0].name: Duplicate value: "db"`}},
	{name: "container-name-upper-case", base: "statefulset", edit: main(func(c *corev1.Container) { c.Name = "DB" }),
		want: []string{c0 + `.name: Invalid value: "DB": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`}},
	{name: "container-without-image", base: "statefulset", edit: main(func(c *corev1.Container) { c.Image = "" }),
		want: []string{c0 + `.image: Required value`}},
	{name: "pull-policy", base: "statefulset", edit: main(func(c *corev1.Container) { c.ImagePullPolicy = "Sometimes" }),
		want: []string{c0 + `.imagePullPolicy: Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never"`}},
	{name: "port-name-too-long", base: "statefulset", edit: main(func(c *corev1.Container) { c.Ports[0].Name = "client-port-1234" }),
		want: []string{c0 + `.ports[0].name: Invalid value: "client-port-1234": must be no more than 15 characters`}},
	{name: "port-zero", base: "statefulset", edit: main(func(c *corev1.Container) { c.Ports[0].ContainerPort = 0 }),
		want: []string{c0 + `.ports[0].containerPort: Required value`}},
	{name: "port-too-big", base: "statefulset", edit: main(func(c *corev1.Container) { c.Ports[0].ContainerPort = 70000 }),
		want: []string{c0 + `.ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive`}},
	{name: "port-protocol", base: "statefulset", edit: main(func(c *corev1.Container) { c.Ports[0].Protocol = "tcp" }),
		want: []string{c0 + `.ports[0].protocol: Unsupported value: "tcp": supported values: "SCTP", "TCP", "UDP"`}},
	{name: "port-name-duplicate", base: "statefulset", edit: main(func(c *corev1.Container) {
		c.Ports = append(c.Ports, corev1.ContainerPort{Name: "pg", ContainerPort: 5433, Protocol: corev1.ProtocolTCP})
	}),
		want: []string{c0 + `.ports[1].name: Duplicate value: "pg"`}},
	{name: "host-port-twice", base: "statefulset", edit: main(func(c *corev1.Container) {
		c.Ports[0].HostPort = 5432
		c.Ports = append(c.Ports, corev1.ContainerPort{Name: "pg2", ContainerPort: 5433, HostPort: 5432, Protocol: corev1.ProtocolTCP})
	}),
		want: []string{c0 + `.ports[1].hostPort: Duplicate value: "TCP//5432"`}},
	{name: "env-name-with-equals", base: "statefulset", edit: main(func(c *corev1.Container) { c.Env[0].Name = "A=B" }),
		want: []string{c0 + `.env[0].name: Invalid value: "A=B": a valid environment variable name must consist only of printable ASCII characters other than '='`}},
	{name: "env-value-from-nothing", base: "statefulset", edit: main(func(c *corev1.Container) { c.Env[1].ValueFrom = &corev1.EnvVarSource{} }),
		want: []string{c0 + ".env[1].valueFrom: Invalid value: \"\": must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef`, `secretKeyRef` or `fileKeyRef`"}},
	{name: "env-value-and-value-from", base: "statefulset", edit: main(func(c *corev1.Container) { c.Env[1].Value = "x" }),
		want: []string{c0 + ".env[1].valueFrom: Invalid value: \"\": may not be specified when `value` is not empty"}},
	{name: "env-two-sources", base: "statefulset", edit: main(func(c *corev1.Container) {
		c.Env[2].ValueFrom.ConfigMapKeyRef = &corev1.ConfigMapKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: "db"}, Key: "password"}
	}),
		want: []string{c0 + ".env[2].valueFrom: Invalid value: \"\": may not have more than one field specified at a time"}},
	{name: "env-field-path", base: "statefulset", edit: main(func(c *corev1.Container) { c.Env[1].ValueFrom.FieldRef.FieldPath = "metadata.nam" }),
		want: []string{c0 + `.env[1].valueFrom.fieldRef.fieldPath: Invalid value: "metadata.nam": error converting fieldPath: field label not supported: metadata.nam`}},
	{name: "env-field-path-not-for-env", base: "statefulset", edit: main(func(c *corev1.Container) { c.Env[1].ValueFrom.FieldRef.FieldPath = "status.phase" }),
		want: []string{c0 + `.env[1].valueFrom.fieldRef.fieldPath: Unsupported value: "status.phase": supported values: "metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.serviceAccountName", "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs"`}},
	{name: "env-secret-key", base: "statefulset", edit: main(func(c *corev1.Container) { c.Env[2].ValueFrom.SecretKeyRef.Key = "pass word" }),
		want: []string{c0 + `.env[2].valueFrom.secretKeyRef.key: Invalid value: "pass word": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`}},
	{name: "env-from-nothing", base: "statefulset", edit: main(func(c *corev1.Container) { c.EnvFrom[0].ConfigMapRef = nil }),
		want: []string{c0 + ".envFrom: Invalid value: \"\": must specify one of: `configMapRef` or `secretRef`"}},
	{name: "mount-of-no-volume", base: "statefulset", edit: main(func(c *corev1.Container) { c.VolumeMounts[0].Name = "datadir" }),
		want: []string{c0 + `.volumeMounts[0].name: Not found: "datadir"`}},
	{name: "mount-path-twice", base: "statefulset", edit: main(func(c *corev1.Container) { c.VolumeMounts[1].MountPath = "/data" }),
		want: []string{c0 + `.volumeMounts[1].mountPath: Invalid value: "/data": must be unique`}},
	{name: "mount-without-path", base: "statefulset", edit: main(func(c *corev1.Container) { c.VolumeMounts[1].MountPath = "" }),
		want: []string{c0 + `.volumeMounts[1].mountPath: Required value`}},
	{name: "mount-sub-path-up", base: "statefulset", edit: main(func(c *corev1.Container) { c.VolumeMounts[2].SubPath = "../etc" }),
		want: []string{c0 + `.volumeMounts.subPath: Invalid value: "../etc": must not contain '..'`}},
	{name: "requests-above-limits", base: "statefulset", edit: main(func(c *corev1.Container) { c.Resources.Requests[corev1.ResourceMemory] = resource.MustParse("1Gi") }),
		want: []string{c0 + `.resources.requests: Invalid value: "1Gi": must be less than or equal to memory limit of 512Mi`}},
	{name: "resource-unknown", base: "statefulset", edit: main(func(c *corev1.Container) { c.Resources.Limits["gpu"] = resource.MustParse("1") }),
		want: []string{
			c0 + `.resources.limits[gpu]: Invalid value: "gpu": must be a standard resource type or fully qualified`,
			c0 + `.resources.limits[gpu]: Invalid value: "gpu": must be a standard resource for containers`,
		}},
	{name: "resource-negative", base: "statefulset", edit: main(func(c *corev1.Container) { c.Resources.Requests[corev1.ResourceCPU] = resource.MustParse("-1") }),
		want: []string{c0 + `.resources.requests[cpu]: Invalid value: "-1": must be greater than or equal to 0`}},
	{name: "extended-resource-without-limit", base: "statefulset", edit: main(func(c *corev1.Container) { c.Resources.Requests["example.com/gpu"] = resource.MustParse("1") }),
		want: []string{c0 + `.resources.limits: Required value: Limit must be set for non overcommitable resources`}},
	{name: "privileged-without-escalation", base: "statefulset", edit: main(func(c *corev1.Container) { c.SecurityContext.Privileged = new(true) }),
		want: []string{c0 + ".securityContext: Invalid value: {\"capabilities\":{\"drop\":[\"ALL\"]},\"privileged\":true,\"readOnlyRootFilesystem\":true,\"allowPrivilegeEscalation\":false}: cannot set `allowPrivilegeEscalation` to false and `privileged` to true"}},
	{name: "container-run-as-group-negative", base: "statefulset", edit: main(func(c *corev1.Container) { c.SecurityContext.RunAsGroup = new(int64(-5)) }),
		want: []string{c0 + `.securityContext.runAsGroup: Invalid value: -5: must be between 0 and 2147483647, inclusive`}},
	{name: "probe-two-handlers", base: "statefulset", edit: main(func(c *corev1.Container) {
		c.ReadinessProbe.TCPSocket = &corev1.TCPSocketAction{Port: intstr.FromString("pg")}
	}),
		want: []string{c0 + `.readinessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type`}},
	{name: "probe-no-handler", base: "statefulset", edit: main(func(c *corev1.Container) { c.ReadinessProbe.Exec = nil }),
		want: []string{c0 + `.readinessProbe: Required value: must specify a handler type`}},
	{name: "probe-empty-command", base: "statefulset", edit: main(func(c *corev1.Container) { c.ReadinessProbe.Exec.Command = nil }),
		want: []string{c0 + `.readinessProbe.exec.command: Required value`}},
	{name: "probe-negative-period", base: "statefulset", edit: main(func(c *corev1.Container) { c.ReadinessProbe.PeriodSeconds = -5 }),
		want: []string{c0 + `.readinessProbe.periodSeconds: Invalid value: -5: must be greater than or equal to 0`}},
	{name: "liveness-success-threshold", base: "statefulset", edit: main(func(c *corev1.Container) { c.LivenessProbe.SuccessThreshold = 2 }),
		want: []string{c0 + `.livenessProbe.successThreshold: Invalid value: 2: must be 1`}},
	{name: "probe-port-name", base: "statefulset", edit: main(func(c *corev1.Container) { c.LivenessProbe.TCPSocket.Port = intstr.FromString("PG") }),
		want: []string{
			c0 + `.livenessProbe.tcpSocket.port: Invalid value: "PG": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)`,
			c0 + `.livenessProbe.tcpSocket.port: Invalid value: "PG": must contain at least one letter (a-z)`,
		}},
	{name: "probe-scheme", base: "statefulset", edit: main(func(c *corev1.Container) { c.StartupProbe.HTTPGet.Scheme = "FTP" }),
		want: []string{c0 + `.startupProbe.httpGet.scheme: Unsupported value: "FTP": supported values: "HTTP", "HTTPS"`}},
	{name: "hook-empty-command", base: "statefulset", edit: main(func(c *corev1.Container) { c.Lifecycle.PreStop.Exec.Command = []string{} }),
		want: []string{c0 + `.lifecycle.preStop.exec.command: Required value`}},
	{name: "hook-sleep-too-long", base: "statefulset", edit: main(func(c *corev1.Container) {
		c.Lifecycle.PreStop = &corev1.LifecycleHandler{Sleep: &corev1.SleepAction{Seconds: 60}}
	}),
		want: []string{c0 + `.lifecycle.preStop.sleep: Invalid value: 60: must be non-negative and less than terminationGracePeriodSeconds (30)`}},
	{name: "init-container-probe", base: "statefulset", edit: pod(func(p *corev1.PodSpec) {
		p.InitContainers[0].ReadinessProbe = &corev1.Probe{ProbeHandler: corev1.ProbeHandler{Exec: &corev1.ExecAction{Command: []string{"true"}}}}
	}),
		want: []string{`spec.template.spec.initContainers[0].readinessProbe: Forbidden: may not be set for init containers without restartPolicy=Always`}},
	{name: "container-restart-policy", base: "statefulset", edit: main(func(c *corev1.Container) { c.RestartPolicy = new(corev1.ContainerRestartPolicyAlways) })},
	{name: "container-restart-policy-unknown", base: "statefulset", edit: main(func(c *corev1.Container) { c.RestartPolicy = new(corev1.ContainerRestartPolicy("Sometimes")) }),
		want: []string{c0 + `.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "Never", "OnFailure"`}},

	// Volumes.
	{name: "volume-two-sources", base: "statefulset", edit: pod(func(p *corev1.PodSpec) { p.Volumes[1].HostPath = &corev1.HostPathVolumeSource{Path: "/tmp"} }),
		want: []string{`spec.template.spec.volumes[2].hostPath: Forbidden: may not specify more than 1 volume type`, c0 + `.volumeMounts[2].name: Not found: "work"`, `spec.template.spec.initContainers[0].volumeMounts[0].name: Not found: "work"`}},
	{name: "volume-name-duplicate", base: "statefulset", edit: pod(func(p *corev1.PodSpec) { p.Volumes[2].Name = "work" }),
		want: []string{`spec.template.spec.volumes[3].name: Duplicate value: "work"`}},
	{name: "volume-item-path-absolute", base: "statefulset", edit: pod(func(p *corev1.PodSpec) { p.Volumes[0].ConfigMap.Items[0].Path = "/etc/x" }),
		want: []string{`spec.template.spec.volumes[1].configMap.items[0].path: Invalid value: "/etc/x": must be a relative path`, c0 + `.volumeMounts[1].name: Not found: "config"`}},
	{name: "volume-default-mode", base: "statefulset", edit: pod(func(p *corev1.PodSpec) { p.Volumes[0].ConfigMap.DefaultMode = new(int32(0o1000)) }),
		want: []string{`spec.template.spec.volumes[1].configMap.defaultMode: Invalid value: 512: must be a number between 0 and 0777 (octal), both inclusive`, c0 + `.volumeMounts[1].name: Not found: "config"`}},

	// Services.
	{name: "service-name-leading-digit", base: "service", edit: svc(func(s *corev1.Service) { s.Name = "1db" })},
	{name: "service-port-without-name", base: "service", edit: svc(func(s *corev1.Service) { s.Spec.Ports[1].Name = "" }),
		want: []string{`spec.ports[1].name: Required value`}},
	{name: "service-port-name-upper-case", base: "service", edit: svc(func(s *corev1.Service) { s.Spec.Ports[0].Name = "Client" }),
		want: []string{`spec.ports[0].name: Invalid value: "Client": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`}},
	{name: "service-port-twice", base: "service", edit: svc(func(s *corev1.Service) { s.Spec.Ports[1].Port = 5432 }),
		want: []string{`spec.ports[1]: Duplicate value: {"protocol":"TCP","port":5432,"targetPort":0}`}},
	{name: "service-target-port-name", base: "service", edit: svc(func(s *corev1.Service) { s.Spec.Ports[0].TargetPort = intstr.FromString("postgres-client-port") }),
		want: []string{`spec.ports[0].targetPort: Invalid value: "postgres-client-port": must be no more than 15 characters`}},
	{name: "service-node-port-cluster-ip", base: "service", edit: svc(func(s *corev1.Service) { s.Spec.Ports[0].NodePort = 30432 }),
		want: []string{"spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"}},
	{name: "service-headless-node-port", base: "service", edit: svc(func(s *corev1.Service) {
		s.Spec.Type = corev1.ServiceTypeNodePort
		s.Spec.ClusterIP = corev1.ClusterIPNone
	}),
		want: []string{`spec.clusterIPs[0]: Invalid value: "None": may not be set to 'None' for NodePort services`}},
	{name: "service-without-ports", base: "service", edit: svc(func(s *corev1.Service) { s.Spec.Ports = nil }),
		want: []string{`spec.ports: Required value`}},
	{name: "service-headless-without-ports", base: "service", edit: svc(func(s *corev1.Service) {
		s.Spec.ClusterIP = corev1.ClusterIPNone
		s.Spec.Ports = nil
	})},
	{name: "service-selector-value", base: "service", edit: svc(func(s *corev1.Service) { s.Spec.Selector["app.kubernetes.io/name"] = "db prod" }),
		want: []string{`spec.selector: Invalid value: "db prod": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`}},
	{name: "service-load-balancer-class-cluster-ip", base: "service", edit: svc(func(s *corev1.Service) { s.Spec.LoadBalancerClass = new("example.com/lb") }),
		want: []string{"spec.loadBalancerClass: Forbidden: may only be used when `type` is 'LoadBalancer'"}},
	{name: "service-source-range", base: "service", edit: svc(func(s *corev1.Service) {
		s.Spec.Type = corev1.ServiceTypeLoadBalancer
		s.Spec.LoadBalancerSourceRanges = []string{"10.0.0.0"}
	}), want: []string{`spec.LoadBalancerSourceRanges[0]: Invalid value: "10.0.0.0": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)`}},
	// The CRD's schema requires the key, not a value: the API server
	// takes an empty name (cert-manager's webhook would not; STS420 does
	// not let it through).
	{name: "certificate-without-issuer", base: "certificate", edit: cert(func(c *build.Certificate) { c.Spec.IssuerRef.Name = "" })},
	{name: "certificate-usage", base: "certificate", edit: cert(func(c *build.Certificate) { c.Spec.Usages = []string{"serverAuth"} }),
		want: []string{`spec.usages[0]: Unsupported value: "serverAuth": supported values: "signing", "digital signature", "content commitment", "key encipherment", "key agreement", "data encipherment", "cert sign", "crl sign", "encipher only", "decipher only", "any", "server auth", "client auth", "code signing", "email protection", "s/mime", "ipsec end system", "ipsec tunnel", "ipsec user", "timestamping", "ocsp signing", "microsoft sgc", "netscape sgc"`}},
	{name: "service-app-protocol", base: "service", edit: svc(func(s *corev1.Service) { s.Spec.Ports[0].AppProtocol = new("postgres sql") }),
		want: []string{`spec.ports[0].appProtocol: Invalid value: "postgres sql": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`}},

	// ConfigMaps.
	{name: "configmap-key-with-space", base: "configmap", edit: cm(func(c *corev1.ConfigMap) { c.Data["zoo cfg"] = "x" }),
		want: []string{`data[zoo cfg]: Invalid value: "zoo cfg": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`}},
	{name: "configmap-key-dot-dot", base: "configmap", edit: cm(func(c *corev1.ConfigMap) { c.Data["..data"] = "x" }),
		want: []string{`data[..data]: Invalid value: "..data": must not start with '..'`}},
	{name: "configmap-too-big", base: "configmap", edit: cm(func(c *corev1.ConfigMap) { c.Data["big"] = strings.Repeat("x", 1<<20) }),
		want: []string{`[]: Too long: may not be more than 1048576 bytes`}},
	{name: "configmap-name", base: "configmap", edit: cm(func(c *corev1.ConfigMap) { c.Name = "DB" }),
		want: []string{`metadata.name: Invalid value: "DB": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`}},

	// PodDisruptionBudgets.
	{name: "pdb-both", base: "poddisruptionbudget", edit: pdb(func(b *policyv1.PodDisruptionBudget) { b.Spec.MinAvailable = new(intstr.FromInt32(2)) }),
		want: []string{`spec: Invalid value: {"minAvailable":2,"selector":{"matchLabels":{"app.kubernetes.io/name":"db"}},"maxUnavailable":1,"unhealthyPodEvictionPolicy":"AlwaysAllow"}: minAvailable and maxUnavailable cannot be both set`}},
	{name: "pdb-over-100-percent", base: "poddisruptionbudget", edit: pdb(func(b *policyv1.PodDisruptionBudget) { b.Spec.MaxUnavailable = new(intstr.FromString("150%")) }),
		want: []string{`spec.maxUnavailable: Invalid value: "150%": must not be greater than 100%`}},
	{name: "pdb-negative", base: "poddisruptionbudget", edit: pdb(func(b *policyv1.PodDisruptionBudget) { b.Spec.MaxUnavailable = new(intstr.FromInt32(-1)) }),
		want: []string{`spec.maxUnavailable: Invalid value: -1: must be greater than or equal to 0`}},
	{name: "pdb-eviction-policy", base: "poddisruptionbudget", edit: pdb(func(b *policyv1.PodDisruptionBudget) {
		b.Spec.UnhealthyPodEvictionPolicy = new(policyv1.UnhealthyPodEvictionPolicyType("Never"))
	}),
		want: []string{`spec.unhealthyPodEvictionPolicy: Unsupported value: "Never": supported values: "AlwaysAllow", "IfHealthyBudget"`}},
	{name: "pdb-selector-operator", base: "poddisruptionbudget", edit: pdb(func(b *policyv1.PodDisruptionBudget) {
		b.Spec.Selector.MatchExpressions = []metav1.LabelSelectorRequirement{{Key: "tier", Operator: "Is"}}
	}),
		want: []string{`spec.selector.matchExpressions[0].operator: Invalid value: "Is": not a valid selector operator`}},

	// NetworkPolicies.
	{name: "netpol-empty-label-key", base: "networkpolicy", edit: netpol(func(n *networkingv1.NetworkPolicy) { n.Spec.Ingress[0].From[0].PodSelector.MatchLabels[""] = "x" }),
		want: []string{
			`spec.ingress[0].from[0].podSelector.matchLabels: Invalid value: "": name part must be non-empty`,
			`spec.ingress[0].from[0].podSelector.matchLabels: Invalid value: "": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
		}},
	{name: "netpol-empty-peer", base: "networkpolicy", edit: netpol(func(n *networkingv1.NetworkPolicy) { n.Spec.Ingress[0].From[0].PodSelector = nil }),
		want: []string{`spec.ingress[0].from[0]: Required value: must specify a peer`}},
	{name: "netpol-ip-block-and-selector", base: "networkpolicy", edit: netpol(func(n *networkingv1.NetworkPolicy) {
		n.Spec.Ingress[0].From[1].PodSelector = &metav1.LabelSelector{}
	}),
		want: []string{`spec.ingress[0].from[1]: Forbidden: may not specify both ipBlock and another peer`}},
	{name: "netpol-cidr", base: "networkpolicy", edit: netpol(func(n *networkingv1.NetworkPolicy) { n.Spec.Ingress[0].From[1].IPBlock.CIDR = "10.0.0.0/33" }),
		want: []string{`spec.ingress[0].from[1].ipBlock.cidr: Invalid value: "10.0.0.0/33": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)`}},
	{name: "netpol-end-port-below-port", base: "networkpolicy", edit: netpol(func(n *networkingv1.NetworkPolicy) { n.Spec.Ingress[0].Ports[1].EndPort = new(int32(8000)) }),
		want: []string{"spec.ingress[0].ports[1].endPort: Invalid value: 9000: must be greater than or equal to `port`"}},
	{name: "servicemonitor-interval", base: "servicemonitor", edit: smon(func(m *build.ServiceMonitor) { m.Spec.Endpoints[0].Interval = "30 s" }),
		want: []string{`spec.endpoints[0].interval: Invalid value: "30 s": spec.endpoints[0].interval in body should match '^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$'`}},
	{name: "servicemonitor-name", base: "servicemonitor", edit: smon(func(m *build.ServiceMonitor) { m.Name = "DB" }),
		want: []string{`metadata.name: Invalid value: "DB": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`}},
	{name: "podmonitor-scheme", base: "podmonitor", edit: pmon(func(m *build.PodMonitor) { m.Spec.PodMetricsEndpoints[0].Scheme = "HTTPS" }),
		want: []string{`spec.podMetricsEndpoints[0].scheme: Unsupported value: "HTTPS": supported values: "http", "https"`}},
	{name: "netpol-policy-type", base: "networkpolicy", edit: netpol(func(n *networkingv1.NetworkPolicy) { n.Spec.PolicyTypes = []networkingv1.PolicyType{"Inbound"} }),
		want: []string{`spec.policyTypes[0]: Unsupported value: "Inbound": supported values: "Ingress", "Egress"`}},

	// The ServiceAccount, Role and RoleBinding.
	{name: "serviceaccount-name-upper-case", base: "serviceaccount", edit: sa(func(a *corev1.ServiceAccount) { a.Name = "DB" }),
		want: []string{`metadata.name: Invalid value: "DB": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`}},
	{name: "role-rule-without-verbs", base: "role", edit: roleEdit(func(r *rbacv1.Role) { r.Rules[0].Verbs = nil }),
		want: []string{`rules[0].verbs: Required value: verbs must contain at least one value`}},
	{name: "role-rule-without-api-groups", base: "role", edit: roleEdit(func(r *rbacv1.Role) { r.Rules[1].APIGroups = nil }),
		want: []string{`rules[1].apiGroups: Required value: resource rules must supply at least one api group`}},
	{name: "role-rule-without-resources", base: "role", edit: roleEdit(func(r *rbacv1.Role) { r.Rules[1].Resources = nil }),
		want: []string{`rules[1].resources: Required value: resource rules must supply at least one resource`}},
	{name: "role-name-with-slash", base: "role", edit: roleEdit(func(r *rbacv1.Role) { r.Name = "db/leader" }),
		want: []string{`metadata.name: Invalid value: "db/leader": may not contain '/'`}},
	{name: "rolebinding-role-ref-kind", base: "rolebinding", edit: binding(func(b *rbacv1.RoleBinding) { b.RoleRef.Kind = "Roles" }),
		want: []string{`roleRef.kind: Unsupported value: "Roles": supported values: "Role", "ClusterRole"`}},
	{name: "rolebinding-subject-api-group", base: "rolebinding", edit: binding(func(b *rbacv1.RoleBinding) { b.Subjects[0].APIGroup = rbacv1.GroupName }),
		want: []string{`subjects[0].apiGroup: Unsupported value: "rbac.authorization.k8s.io": supported values: ""`}},
	{name: "rolebinding-subject-without-name", base: "rolebinding", edit: binding(func(b *rbacv1.RoleBinding) { b.Subjects[0].Name = "" }),
		want: []string{`subjects[0].name: Required value`}},

	// The bootstrap Job.
	{name: "job-restart-policy-always", base: "job", edit: jobEdit(func(j *batchv1.Job) { j.Spec.Template.Spec.RestartPolicy = corev1.RestartPolicyAlways }),
		want: []string{`spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"`}},
	{name: "job-ttl-negative", base: "job", edit: jobEdit(func(j *batchv1.Job) { j.Spec.TTLSecondsAfterFinished = new(int32(-1)) }),
		want: []string{`spec.ttlSecondsAfterFinished: Invalid value: -1: must be greater than or equal to 0`}},
	{name: "job-backoff-limit-negative", base: "job", edit: jobEdit(func(j *batchv1.Job) { j.Spec.BackoffLimit = new(int32(-1)) }),
		want: []string{`spec.backoffLimit: Invalid value: -1: must be greater than or equal to 0`}},
	{name: "job-name-too-long-for-its-label", base: "job", edit: jobEdit(func(j *batchv1.Job) { j.Name = strings.Repeat("d", 54) + "-bootstrap" }),
		want: []string{
			`spec.template.labels: Invalid value: "` + strings.Repeat("d", 54) + `-bootstrap": must be no more than 63 bytes`,
			`spec.template.labels: Invalid value: "` + strings.Repeat("d", 54) + `-bootstrap": must be no more than 63 bytes`,
		}},
}

// TestCases: each case's object gets exactly its errors, and its file in
// testdata/cases is up to date.
func TestCases(t *testing.T) {
	names := map[string]bool{}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if names[c.name] {
				t.Fatalf("two cases named %s", c.name)
			}
			names[c.name] = true
			obj := readBase(t, c.base)
			c.edit(obj)
			var got []string
			for _, e := range Object(obj) {
				got = append(got, e.Error())
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("got\n\t%s\nwant\n\t%s", strings.Join(got, "\n\t"), strings.Join(c.want, "\n\t"))
			}
			data, err := yaml.Marshal(obj)
			if err != nil {
				t.Fatal(err)
			}
			var file bytes.Buffer
			fmt.Fprintf(&file, "# %s: written by go test ./generator/internal/validate -update\n", c.name)
			for _, w := range c.want {
				fmt.Fprintf(&file, "# want: %s\n", w)
			}
			file.Write(data)
			path := filepath.Join("testdata", "cases", c.name+".yaml")
			if *update {
				if err := os.WriteFile(path, file.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if old, err := os.ReadFile(path); err != nil || !bytes.Equal(old, file.Bytes()) {
				t.Errorf("%s is not up to date: run go test ./generator/internal/validate -update", path)
			}
		})
	}
	if *update {
		files, _ := filepath.Glob(filepath.Join("testdata", "cases", "*.yaml"))
		for _, f := range files {
			if !names[strings.TrimSuffix(filepath.Base(f), ".yaml")] {
				os.Remove(f)
			}
		}
	}
}

// readBase decodes a base object strictly.
func readBase(t *testing.T, name string) any {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "base", name+".yaml"))
	if err != nil {
		t.Fatal(err)
	}
	obj, _, err := Decode(data)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return obj
}

// TestApplyKeys: an entry of a list that server-side apply merges by key
// may not repeat an earlier one's key.
func TestApplyKeys(t *testing.T) {
	for _, c := range []struct {
		name string
		edit func(any)
		want []string
	}{
		{"valid", func(any) {}, nil},
		{"image pull secret twice", pod(func(p *corev1.PodSpec) {
			p.ImagePullSecrets = []corev1.LocalObjectReference{{Name: "r"}, {Name: "r"}}
		}), []string{`spec.template.spec.imagePullSecrets[1]: Duplicate value: "server-side apply merges these entries by key, and two have [name=\"r\"]"`}},
		{"host alias twice", pod(func(p *corev1.PodSpec) {
			p.HostAliases = []corev1.HostAlias{{IP: "10.0.0.1", Hostnames: []string{"a"}}, {IP: "10.0.0.1", Hostnames: []string{"b"}}}
		}), []string{`spec.template.spec.hostAliases[1]: Duplicate value: "server-side apply merges these entries by key, and two have [ip=\"10.0.0.1\"]"`}},
		{"env var twice", main(func(c *corev1.Container) { c.Env = append(c.Env, c.Env[0]) }),
			[]string{c0 + `.env[3]: Duplicate value: "server-side apply merges these entries by key, and two have [name=\"PGDATA\"]"`}},
		{"container port twice", main(func(c *corev1.Container) {
			c.Ports = append(c.Ports, corev1.ContainerPort{Name: "other", ContainerPort: 5432})
		}), []string{c0 + `.ports[1]: Duplicate value: "server-side apply merges these entries by key, and two have [containerPort=5432,protocol=\"TCP\"]"`}},
	} {
		t.Run(c.name, func(t *testing.T) {
			obj := readBase(t, "statefulset")
			c.edit(obj)
			var got []string
			for _, e := range ApplyKeys(obj) {
				got = append(got, e.Error())
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("got\n\t%s\nwant\n\t%s", strings.Join(got, "\n\t"), strings.Join(c.want, "\n\t"))
			}
		})
	}
}

// TestUnknownKind: a kind the package does not know is an error, never a
// silent pass.
func TestUnknownKind(t *testing.T) {
	if errs := Object(&corev1.Pod{}); len(errs) != 1 {
		t.Errorf("Object(Pod) = %v; want one internal error", errs)
	}
}
