//go:build linux

package nodes

import (
	"fmt"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

var intstrHTTP = intstr.FromString("http")

// TestPodsOnEveryNode starts a probe on each node, pulled with
// imagePullPolicy Always through the registry mirror under its short
// Docker Hub name, and finds each Ready where it was sent, answering from
// an address of its node's subnet.
func TestPodsOnEveryNode(t *testing.T) {
	ctx := testContext(t, 3*time.Minute)
	ns := namespace(t, "every-node")
	for _, n := range c.Nodes {
		pod := &corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{Name: "probe-" + n.Name, Namespace: ns},
			Spec: corev1.PodSpec{
				NodeSelector: map[string]string{corev1.LabelHostname: n.Name},
				Containers:   []corev1.Container{probeContainer(probeShort)},
			},
		}
		if _, err := c.Client.CoreV1().Pods(ns).Create(ctx, pod, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	for _, n := range c.Nodes {
		pod, err := c.WaitPodReady(ctx, ns, "probe-"+n.Name, 2*time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if pod.Spec.NodeName != n.Name {
			t.Errorf("%s runs on %s, want %s", pod.Name, pod.Spec.NodeName, n.Name)
		}
		prefix := strings.TrimSuffix(n.Subnet, "0/24")
		if !strings.HasPrefix(pod.Status.PodIP, prefix) || pod.Status.HostIP != n.IP {
			t.Errorf("%s has pod IP %s and host IP %s, want one of %s and %s", pod.Name, pod.Status.PodIP, pod.Status.HostIP, n.Subnet, n.IP)
		}
		if got := pod.Status.ContainerStatuses[0].Image; got != "docker.io/library/"+probeShort {
			t.Errorf("%s's image is %s, want docker.io/library/%s", pod.Name, got, probeShort)
		}
		// The kubelet's log and exec endpoints, through the API server.
		log, err := c.Logs(ctx, ns, pod.Name, "")
		if err != nil {
			t.Fatal(err)
		}
		if want := "probe " + pod.Name + " serving on [::]:8080\n"; log != want {
			t.Errorf("%s logs %q, want %q", pod.Name, log, want)
		}
		out, _, err := c.Exec(ctx, ns, pod.Name, "", "/probe", "get", fmt.Sprintf("http://%s:8080/", pod.Status.PodIP))
		if err != nil {
			t.Fatal(err)
		}
		if out != pod.Name {
			t.Errorf("%s answers %q, want its host name", pod.Name, out)
		}
	}
}
