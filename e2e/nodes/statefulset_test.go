//go:build linux

package nodes

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/wait"
	"sigs.k8s.io/yaml"

	"github.com/stsgen/stsgen/e2e/internal/cluster"
)

// probeApp is what stsgen writes for an app, by hand: a headless Service,
// a ClusterIP Service, a budget of one pod and a StatefulSet of three
// probes, one per node (required anti-affinity on the host name), each
// with a claim, and the examples' restricted security context.
func probeApp(ns, name string) []byte {
	labels := map[string]string{"app": name}
	objs := []any{
		&corev1.Service{
			TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Service"},
			ObjectMeta: metav1.ObjectMeta{Name: name + "-hs", Namespace: ns},
			Spec: corev1.ServiceSpec{
				ClusterIP: corev1.ClusterIPNone, Selector: labels, PublishNotReadyAddresses: true,
				Ports: []corev1.ServicePort{{Name: "http", Port: 8080}},
			},
		},
		&corev1.Service{
			TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Service"},
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
			Spec: corev1.ServiceSpec{
				Selector: labels,
				Ports:    []corev1.ServicePort{{Name: "http", Port: 80, TargetPort: intstr.FromString("http")}},
			},
		},
		&policyv1.PodDisruptionBudget{
			TypeMeta:   metav1.TypeMeta{APIVersion: "policy/v1", Kind: "PodDisruptionBudget"},
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
			Spec: policyv1.PodDisruptionBudgetSpec{
				MaxUnavailable: new(intstr.FromInt32(1)),
				Selector:       &metav1.LabelSelector{MatchLabels: labels},
			},
		},
		&appsv1.StatefulSet{
			TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "StatefulSet"},
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
			Spec: appsv1.StatefulSetSpec{
				Replicas:            new(int32(3)),
				ServiceName:         name + "-hs",
				PodManagementPolicy: appsv1.ParallelPodManagement,
				Selector:            &metav1.LabelSelector{MatchLabels: labels},
				Template: corev1.PodTemplateSpec{
					ObjectMeta: metav1.ObjectMeta{Labels: labels},
					Spec: corev1.PodSpec{
						Affinity: &corev1.Affinity{PodAntiAffinity: &corev1.PodAntiAffinity{
							RequiredDuringSchedulingIgnoredDuringExecution: []corev1.PodAffinityTerm{{
								LabelSelector: &metav1.LabelSelector{MatchLabels: labels},
								TopologyKey:   corev1.LabelHostname,
							}},
						}},
						TerminationGracePeriodSeconds: new(int64(5)),
						// As stsgen's examples run: not root, the
						// runtime's seccomp profile, no capabilities,
						// a read-only root; the claim must still be
						// writable.
						SecurityContext: &corev1.PodSecurityContext{
							RunAsUser: new(int64(999)), RunAsGroup: new(int64(999)), FSGroup: new(int64(999)),
							RunAsNonRoot:   new(true),
							SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
						},
						Containers: []corev1.Container{func() corev1.Container {
							ct := probeContainer(probeImage)
							ct.VolumeMounts = []corev1.VolumeMount{{Name: "data", MountPath: "/data"}}
							ct.SecurityContext = &corev1.SecurityContext{
								AllowPrivilegeEscalation: new(false),
								Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
								ReadOnlyRootFilesystem:   new(true),
							}
							return ct
						}()},
					},
				},
				VolumeClaimTemplates: []corev1.PersistentVolumeClaim{{
					ObjectMeta: metav1.ObjectMeta{Name: "data"},
					Spec: corev1.PersistentVolumeClaimSpec{
						AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
						Resources:   corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("64Mi")}},
					},
				}},
			},
		},
	}
	var docs []string
	for _, o := range objs {
		data, err := yaml.Marshal(o)
		if err != nil {
			panic(err)
		}
		docs = append(docs, string(data))
	}
	return []byte(strings.Join(docs, "---\n"))
}

// startProbeApp applies probeApp and waits until its three pods are Ready.
func startProbeApp(t *testing.T, ns, name string) []*corev1.Pod {
	t.Helper()
	ctx := testContext(t, 3*time.Minute)
	if err := c.Apply(ctx, ns, probeApp(ns, name)); err != nil {
		t.Fatal(err)
	}
	if err := c.WaitStatefulSetReady(ctx, ns, name, 2*time.Minute); err != nil {
		t.Fatal(err)
	}
	var pods []*corev1.Pod
	for i := range 3 {
		pod, err := c.Client.CoreV1().Pods(ns).Get(ctx, fmt.Sprintf("%s-%d", name, i), metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		pods = append(pods, pod)
	}
	return pods
}

// TestStatefulSet applies a StatefulSet of three with required
// anti-affinity and finds one pod on each node, in each zone; from one pod
// it resolves the others' stable names and the Service's name, reaches a
// pod on another node by its stable name and every pod through the
// ClusterIP Service (kube-proxy); and its claims bind, and keep their data
// when a pod is deleted and comes back.
func TestStatefulSet(t *testing.T) {
	ns := namespace(t, "sts")
	pods := startProbeApp(t, ns, "probe")
	ctx := testContext(t, 3*time.Minute)

	t.Run("OnePodPerNode", func(t *testing.T) {
		var nodes, zones []string
		for _, p := range pods {
			node, err := c.Client.CoreV1().Nodes().Get(ctx, p.Spec.NodeName, metav1.GetOptions{})
			if err != nil {
				t.Fatal(err)
			}
			nodes = append(nodes, node.Name)
			zones = append(zones, node.Labels[corev1.LabelTopologyZone])
		}
		slices.Sort(nodes)
		slices.Sort(zones)
		if want := []string{"node-1", "node-2", "node-3"}; !slices.Equal(nodes, want) {
			t.Errorf("the pods run on %v, want %v", nodes, want)
		}
		if want := []string{"zone-a", "zone-b", "zone-c"}; !slices.Equal(zones, want) {
			t.Errorf("the pods run in zones %v, want %v", zones, want)
		}
	})

	t.Run("DNS", func(t *testing.T) {
		for _, p := range pods[1:] {
			name := fmt.Sprintf("%s.probe-hs.%s.svc.cluster.local", p.Name, ns)
			out, _, err := c.Exec(ctx, ns, pods[0].Name, "", "/probe", "lookup", name)
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.TrimSpace(out); got != p.Status.PodIP {
				t.Errorf("%s resolves to %q, want %s", name, got, p.Status.PodIP)
			}
		}
		svc, err := c.Client.CoreV1().Services(ns).Get(ctx, "probe", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		// The search path of the pod's namespace completes the short name.
		out, _, err := c.Exec(ctx, ns, pods[0].Name, "", "/probe", "lookup", "probe")
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.TrimSpace(out); got != svc.Spec.ClusterIP {
			t.Errorf("probe resolves to %q, want the Service's ClusterIP %s", got, svc.Spec.ClusterIP)
		}
	})

	t.Run("PodToPodAcrossNodes", func(t *testing.T) {
		for _, p := range pods[1:] {
			if p.Spec.NodeName == pods[0].Spec.NodeName {
				t.Fatalf("%s and %s share node %s", pods[0].Name, p.Name, p.Spec.NodeName)
			}
			url := fmt.Sprintf("http://%s.probe-hs.%s.svc.cluster.local:8080/", p.Name, ns)
			out, _, err := c.Exec(ctx, ns, pods[0].Name, "", "/probe", "get", url)
			if err != nil {
				t.Fatal(err)
			}
			if out != p.Name {
				t.Errorf("%s answers %q, want %s", url, out, p.Name)
			}
		}
	})

	t.Run("ClusterIPService", func(t *testing.T) {
		// kube-proxy writes the Service's rules a moment after its
		// endpoints appear; until then it refuses connections.
		var first string
		err := wait.PollUntilContextTimeout(ctx, 500*time.Millisecond, time.Minute, true, func(ctx context.Context) (bool, error) {
			out, _, err := c.Exec(ctx, ns, pods[0].Name, "", "/probe", "get", "http://probe/")
			first = out
			return err == nil, nil
		})
		if err != nil {
			t.Fatalf("the Service never answered: %v", err)
		}
		// Each request is a new connection, which kube-proxy sends to a
		// pod at random: 60 requests miss one of three pods with a
		// chance of 3·(2/3)^60, about 10^-10.
		seen := map[string]int{first: 1}
		for range 60 {
			out, _, err := c.Exec(ctx, ns, pods[0].Name, "", "/probe", "get", "http://probe/")
			if err != nil {
				t.Fatal(err)
			}
			seen[out]++
			if len(seen) == 3 {
				break
			}
		}
		for _, p := range pods {
			if seen[p.Name] == 0 {
				t.Errorf("no request to the Service reached %s; answers: %v", p.Name, seen)
			}
		}
	})

	t.Run("ClaimKeepsData", func(t *testing.T) {
		pod := pods[1]
		pvc, err := c.Client.CoreV1().PersistentVolumeClaims(ns).Get(ctx, "data-"+pod.Name, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if pvc.Status.Phase != corev1.ClaimBound {
			t.Fatalf("claim %s is %s, want Bound", pvc.Name, pvc.Status.Phase)
		}
		marker := "written by " + string(pod.UID)
		if _, _, err := c.Exec(ctx, ns, pod.Name, "", "/probe", "write", "/data/marker", marker); err != nil {
			t.Fatal(err)
		}
		if err := c.Client.CoreV1().Pods(ns).Delete(ctx, pod.Name, metav1.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
		var again *corev1.Pod
		err = wait.PollUntilContextTimeout(ctx, 500*time.Millisecond, 2*time.Minute, true, func(ctx context.Context) (bool, error) {
			p, err := c.Client.CoreV1().Pods(ns).Get(ctx, pod.Name, metav1.GetOptions{})
			if apierrors.IsNotFound(err) {
				return false, nil
			} else if err != nil {
				return false, err
			}
			again = p
			return p.UID != pod.UID && podReadyNow(p), nil
		})
		if err != nil {
			t.Fatalf("%s did not come back Ready: %v", pod.Name, err)
		}
		out, _, err := c.Exec(ctx, ns, again.Name, "", "/probe", "read", "/data/marker")
		if err != nil {
			t.Fatal(err)
		}
		if out != marker {
			t.Errorf("the new %s reads %q from its claim, want %q", again.Name, out, marker)
		}
	})
}

// TestDrainHonoursBudget drains the node of one pod of three, whose budget
// allows one disruption: the eviction passes. The evicted pod cannot come
// back (its node is cordoned and anti-affinity keeps it off the others), so
// draining a second node is refused by the budget.
func TestDrainHonoursBudget(t *testing.T) {
	ns := namespace(t, "drain")
	pods := startProbeApp(t, ns, "web")
	ctx := testContext(t, 3*time.Minute)
	err := wait.PollUntilContextTimeout(ctx, 500*time.Millisecond, time.Minute, true, func(ctx context.Context) (bool, error) {
		pdb, err := c.Client.PolicyV1().PodDisruptionBudgets(ns).Get(ctx, "web", metav1.GetOptions{})
		return err == nil && pdb.Status.ObservedGeneration == pdb.Generation && pdb.Status.DisruptionsAllowed == 1, nil
	})
	if err != nil {
		t.Fatalf("the budget never allowed one disruption: %v", err)
	}
	first, second := pods[0].Spec.NodeName, pods[1].Spec.NodeName
	t.Cleanup(func() {
		for _, n := range []string{first, second} {
			if err := c.Cordon(context.Background(), n, false); err != nil {
				t.Error(err)
			}
		}
	})
	evicted, err := c.Drain(ctx, first)
	if err != nil {
		t.Fatalf("draining %s: %v", first, err)
	}
	if want := []string{ns + "/" + pods[0].Name}; !slices.Equal(evicted, want) {
		t.Errorf("draining %s evicted %v, want %v", first, evicted, want)
	}
	_, err = c.Drain(ctx, second)
	if !apierrors.IsTooManyRequests(err) {
		t.Fatalf("draining %s while %s is away: %v, want the budget's refusal (429)", second, pods[0].Name, err)
	}
	if _, err := c.Client.CoreV1().Pods(ns).Get(ctx, pods[1].Name, metav1.GetOptions{}); err != nil {
		t.Errorf("%s is gone after a refused eviction: %v", pods[1].Name, err)
	}

	// Uncordoned, the first node takes its pod back.
	for _, n := range []string{first, second} {
		if err := c.Cordon(ctx, n, false); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.WaitStatefulSetReady(ctx, ns, "web", 2*time.Minute); err != nil {
		t.Fatal(err)
	}
}

func podReadyNow(p *corev1.Pod) bool {
	return p.DeletionTimestamp == nil && p.Status.Phase == corev1.PodRunning && cluster.PodReady(p)
}
