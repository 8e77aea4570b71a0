//go:build linux

package cluster

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/httpstream"
	"k8s.io/apimachinery/pkg/util/wait"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/restmapper"
	"k8s.io/client-go/tools/remotecommand"
	"sigs.k8s.io/yaml"
)

// Apply applies every object of a multi-document YAML file, such as
// stsgen's manifests.yaml, with server-side apply and strict field
// validation, as the stsgen field manager. Objects without a namespace go
// to namespace, if it is set.
func (c *ControlPlane) Apply(ctx context.Context, namespace string, manifests []byte) error {
	mapper := restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(c.Client.Discovery()))
	dec := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(manifests), 4096)
	for {
		var obj unstructured.Unstructured
		if err := dec.Decode(&obj.Object); errors.Is(err, io.EOF) {
			return nil
		} else if err != nil {
			return err
		}
		if len(obj.Object) == 0 {
			continue
		}
		gvk := obj.GroupVersionKind()
		m, err := mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
		if err != nil {
			return fmt.Errorf("%s %s: %w", gvk.Kind, obj.GetName(), err)
		}
		body, err := obj.MarshalJSON()
		if err != nil {
			return err
		}
		res := c.Dynamic.Resource(m.Resource)
		opts := metav1.PatchOptions{FieldManager: "stsgen", FieldValidation: "Strict", Force: new(true)}
		if m.Scope.Name() == "namespace" {
			ns := obj.GetNamespace()
			if ns == "" {
				ns = namespace
			}
			_, err = res.Namespace(ns).Patch(ctx, obj.GetName(), types.ApplyPatchType, body, opts)
		} else {
			_, err = res.Patch(ctx, obj.GetName(), types.ApplyPatchType, body, opts)
		}
		if err != nil {
			return fmt.Errorf("applying %s %s: %w", gvk.Kind, obj.GetName(), err)
		}
	}
}

// WaitStatefulSetReady waits until the StatefulSet's controller has seen
// its latest spec and all its replicas are Ready and current.
func (c *ControlPlane) WaitStatefulSetReady(ctx context.Context, namespace, name string, timeout time.Duration) error {
	var last string
	err := wait.PollUntilContextTimeout(ctx, 500*time.Millisecond, timeout, true, func(ctx context.Context) (bool, error) {
		if err := c.Exited(); err != nil {
			return false, err
		}
		sts, err := c.Client.AppsV1().StatefulSets(namespace).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			last = err.Error()
			return false, nil
		}
		want := int32(1)
		if sts.Spec.Replicas != nil {
			want = *sts.Spec.Replicas
		}
		st := sts.Status
		last = fmt.Sprintf("observed generation %d of %d, %d ready, %d updated of %d", st.ObservedGeneration, sts.Generation, st.ReadyReplicas, st.UpdatedReplicas, want)
		return st.ObservedGeneration == sts.Generation && st.ReadyReplicas == want && st.UpdatedReplicas == want && st.Replicas == want, nil
	})
	if err != nil {
		return fmt.Errorf("StatefulSet %s/%s not ready (%s): %w", namespace, name, last, err)
	}
	return nil
}

// WaitPodReady waits until the pod exists and is Ready.
func (c *ControlPlane) WaitPodReady(ctx context.Context, namespace, name string, timeout time.Duration) (*corev1.Pod, error) {
	var pod *corev1.Pod
	err := wait.PollUntilContextTimeout(ctx, 500*time.Millisecond, timeout, true, func(ctx context.Context) (bool, error) {
		if err := c.Exited(); err != nil {
			return false, err
		}
		p, err := c.Client.CoreV1().Pods(namespace).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return false, nil
		}
		pod = p
		return PodReady(p) && p.DeletionTimestamp == nil, nil
	})
	if err != nil {
		phase := "absent"
		if pod != nil {
			phase = string(pod.Status.Phase)
		}
		return nil, fmt.Errorf("pod %s/%s not Ready (%s): %w", namespace, name, phase, err)
	}
	return pod, nil
}

// PodReady reports the pod's Ready condition.
func PodReady(pod *corev1.Pod) bool {
	for _, c := range pod.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

// Exec runs cmd in the pod's container (its first, if container is empty)
// through the API server and the kubelet, as kubectl exec does, and
// returns its standard output and error. A command that exits non-zero is
// an error.
func (c *ControlPlane) Exec(ctx context.Context, namespace, pod, container string, cmd ...string) (stdout, stderr string, err error) {
	opts := &corev1.PodExecOptions{Container: container, Command: cmd, Stdout: true, Stderr: true}
	req := c.Client.CoreV1().RESTClient().Post().Resource("pods").Namespace(namespace).Name(pod).
		SubResource("exec").VersionedParams(opts, scheme.ParameterCodec)
	ws, err := remotecommand.NewWebSocketExecutor(c.Config, "GET", req.URL().String())
	if err != nil {
		return "", "", err
	}
	spdy, err := remotecommand.NewSPDYExecutor(c.Config, "POST", req.URL())
	if err != nil {
		return "", "", err
	}
	exec, err := remotecommand.NewFallbackExecutor(ws, spdy, func(err error) bool {
		return httpstream.IsUpgradeFailure(err) || httpstream.IsHTTPSProxyError(err)
	})
	if err != nil {
		return "", "", err
	}
	var out, errOut bytes.Buffer
	err = exec.StreamWithContext(ctx, remotecommand.StreamOptions{Stdout: &out, Stderr: &errOut})
	if err != nil {
		err = fmt.Errorf("exec %s in %s/%s: %w (stderr: %s)", strings.Join(cmd, " "), namespace, pod, err, strings.TrimSpace(errOut.String()))
	}
	return out.String(), errOut.String(), err
}

// Logs returns the container's log (its first, if container is empty).
func (c *ControlPlane) Logs(ctx context.Context, namespace, pod, container string) (string, error) {
	data, err := c.Client.CoreV1().Pods(namespace).GetLogs(pod, &corev1.PodLogOptions{Container: container}).DoRaw(ctx)
	return string(data), err
}

// Cordon marks the node unschedulable, or schedulable again.
func (c *ControlPlane) Cordon(ctx context.Context, node string, unschedulable bool) error {
	patch := fmt.Sprintf(`{"spec":{"unschedulable":%v}}`, unschedulable)
	_, err := c.Client.CoreV1().Nodes().Patch(ctx, node, types.MergePatchType, []byte(patch), metav1.PatchOptions{})
	return err
}

// Drain cordons the node and evicts its pods through the Eviction API, as
// kubectl drain does, but without retrying: the first eviction a
// PodDisruptionBudget refuses is returned, an error for which
// apierrors.IsTooManyRequests holds. It returns the pods it evicted.
func (c *ControlPlane) Drain(ctx context.Context, node string) ([]string, error) {
	if err := c.Cordon(ctx, node, true); err != nil {
		return nil, err
	}
	pods, err := c.Client.CoreV1().Pods("").List(ctx, metav1.ListOptions{FieldSelector: "spec.nodeName=" + node})
	if err != nil {
		return nil, err
	}
	var evicted []string
	for _, p := range pods.Items {
		if p.DeletionTimestamp != nil {
			continue
		}
		err := c.Client.PolicyV1().Evictions(p.Namespace).Evict(ctx, &policyv1.Eviction{
			ObjectMeta: metav1.ObjectMeta{Name: p.Name, Namespace: p.Namespace},
		})
		if err != nil {
			return evicted, fmt.Errorf("evicting %s/%s from %s: %w", p.Namespace, p.Name, node, err)
		}
		evicted = append(evicted, p.Namespace+"/"+p.Name)
	}
	return evicted, nil
}

// Dump describes the cluster for a failing test: the nodes' conditions,
// the pods of namespace (all, if empty) with their containers' states and
// the ends of their logs, the namespace's events and the ends of the
// components' logs.
func (c *ControlPlane) Dump(ctx context.Context, namespace string) string {
	var b strings.Builder
	b.WriteString("=== nodes\n")
	if nodes, err := c.Client.CoreV1().Nodes().List(ctx, metav1.ListOptions{}); err == nil {
		for _, n := range nodes.Items {
			var conds []string
			for _, cond := range n.Status.Conditions {
				conds = append(conds, fmt.Sprintf("%s=%s", cond.Type, cond.Status))
			}
			fmt.Fprintf(&b, "%s unschedulable=%v %s\n", n.Name, n.Spec.Unschedulable, strings.Join(conds, " "))
		}
	} else {
		fmt.Fprintf(&b, "%v\n", err)
	}
	fmt.Fprintf(&b, "=== pods in %q\n", namespace)
	if pods, err := c.Client.CoreV1().Pods(namespace).List(ctx, metav1.ListOptions{}); err == nil {
		for _, p := range pods.Items {
			fmt.Fprintf(&b, "--- %s/%s node=%s phase=%s ready=%v ip=%s deleting=%v\n", p.Namespace, p.Name, p.Spec.NodeName,
				p.Status.Phase, PodReady(&p), p.Status.PodIP, p.DeletionTimestamp != nil)
			for _, cond := range p.Status.Conditions {
				if cond.Status != corev1.ConditionTrue {
					fmt.Fprintf(&b, "  %s=%s %s %s\n", cond.Type, cond.Status, cond.Reason, cond.Message)
				}
			}
			for _, s := range slices.Concat(p.Status.InitContainerStatuses, p.Status.ContainerStatuses) {
				st, _ := yaml.Marshal(s.State)
				fmt.Fprintf(&b, "  container %s restarts=%d state: %s", s.Name, s.RestartCount, strings.ReplaceAll(string(st), "\n", " "))
				b.WriteString("\n")
				if log, err := c.Client.CoreV1().Pods(p.Namespace).GetLogs(p.Name, &corev1.PodLogOptions{Container: s.Name, TailLines: new(int64(15))}).DoRaw(ctx); err == nil && len(log) > 0 {
					fmt.Fprintf(&b, "  log:\n%s\n", indent(string(log)))
				}
			}
		}
	} else {
		fmt.Fprintf(&b, "%v\n", err)
	}
	fmt.Fprintf(&b, "=== events in %q\n", namespace)
	if events, err := c.Client.CoreV1().Events(namespace).List(ctx, metav1.ListOptions{}); err == nil {
		for _, e := range events.Items {
			fmt.Fprintf(&b, "%s %s %s/%s: %s\n", e.Type, e.Reason, e.InvolvedObject.Kind, e.InvolvedObject.Name, e.Message)
		}
	}
	b.WriteString(c.LogTails(20))
	return b.String()
}

func indent(s string) string {
	return "    " + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n    ")
}
