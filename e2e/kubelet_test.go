//go:build linux

package e2e

import (
	"context"
	"fmt"
	"slices"
	"sync"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	corelisters "k8s.io/client-go/listers/core/v1"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/util/workqueue"
)

// nodeName is the one node the fake kubelet runs.
const nodeName = "e2e-node"

// A fakeKubelet stands in for the scheduler and the kubelet of one node.
// It binds every new pod to its node and reports it Running with a pod IP,
// but Ready only once the test names it in Release. It completes graceful
// deletions at once, as a kubelet does once the containers have stopped.
// It keeps a history of the pods created and deleted in each namespace.
type fakeKubelet struct {
	client kubernetes.Interface
	pods   corelisters.PodLister
	queue  workqueue.TypedRateLimitingInterface[string]

	mu      sync.Mutex
	release map[string]bool // namespace/name of pods allowed to be Ready
	// ready holds the Ready pods of each namespace, as the event handlers
	// have seen them so far: the informer's store may be ahead of them.
	ready   map[string]map[string]bool
	ips     map[types.UID]string
	nextIP  int
	history map[string][]podEvent // by namespace
}

// A podEvent is a pod's creation or deletion as the kubelet saw it.
type podEvent struct {
	Deleted  bool
	Pod      string
	Ordinal  string // the apps.kubernetes.io/pod-index label
	Revision string // the controller-revision-hash label
	// Ready holds the pods of the namespace that were Ready at the time.
	Ready []string
}

func (e podEvent) String() string {
	verb := "created"
	if e.Deleted {
		verb = "deleted"
	}
	return fmt.Sprintf("%s %s (revision %s) while Ready: %v", verb, e.Pod, e.Revision, e.Ready)
}

// startKubelet registers the node and starts the kubelet; it runs until ctx
// is done.
func startKubelet(ctx context.Context, client kubernetes.Interface) (*fakeKubelet, error) {
	if err := registerNode(ctx, client); err != nil {
		return nil, err
	}
	factory := informers.NewSharedInformerFactory(client, 0)
	informer := factory.Core().V1().Pods()
	k := &fakeKubelet{
		client:  client,
		pods:    informer.Lister(),
		queue:   workqueue.NewTypedRateLimitingQueue(workqueue.DefaultTypedControllerRateLimiter[string]()),
		release: map[string]bool{},
		ready:   map[string]map[string]bool{},
		ips:     map[types.UID]string{},
		history: map[string][]podEvent{},
	}
	_, err := informer.Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc: func(obj any) {
			k.record(obj.(*corev1.Pod), false)
			k.enqueue(obj)
		},
		UpdateFunc: func(_, obj any) {
			k.observe(obj.(*corev1.Pod))
			k.enqueue(obj)
		},
		DeleteFunc: func(obj any) {
			if tomb, ok := obj.(cache.DeletedFinalStateUnknown); ok {
				obj = tomb.Obj
			}
			if pod, ok := obj.(*corev1.Pod); ok {
				k.record(pod, true)
			}
		},
	})
	if err != nil {
		return nil, err
	}
	factory.Start(ctx.Done())
	if !cache.WaitForCacheSync(ctx.Done(), informer.Informer().HasSynced) {
		return nil, fmt.Errorf("the kubelet's pod cache did not sync")
	}
	for range 4 {
		go k.work(ctx)
	}
	go func() {
		<-ctx.Done()
		k.queue.ShutDown()
	}()
	return k, nil
}

// registerNode creates the node with a Ready status, so that the
// EndpointSlice controller accepts the pods bound to it.
func registerNode(ctx context.Context, client kubernetes.Interface) error {
	node := &corev1.Node{ObjectMeta: metav1.ObjectMeta{
		Name:   nodeName,
		Labels: map[string]string{"kubernetes.io/hostname": nodeName, "kubernetes.io/os": "linux"},
	}}
	node, err := client.CoreV1().Nodes().Create(ctx, node, metav1.CreateOptions{})
	if err != nil {
		return err
	}
	capacity := corev1.ResourceList{
		corev1.ResourceCPU:              resource.MustParse("64"),
		corev1.ResourceMemory:           resource.MustParse("256Gi"),
		corev1.ResourceEphemeralStorage: resource.MustParse("1Ti"),
		corev1.ResourcePods:             resource.MustParse("1000"),
	}
	now := metav1.Now()
	node.Status = corev1.NodeStatus{
		Capacity:    capacity,
		Allocatable: capacity,
		Conditions: []corev1.NodeCondition{{
			Type: corev1.NodeReady, Status: corev1.ConditionTrue, Reason: "KubeletReady",
			LastHeartbeatTime: now, LastTransitionTime: now,
		}},
		Addresses: []corev1.NodeAddress{{Type: corev1.NodeInternalIP, Address: "127.0.0.1"}, {Type: corev1.NodeHostName, Address: nodeName}},
	}
	_, err = client.CoreV1().Nodes().UpdateStatus(ctx, node, metav1.UpdateOptions{})
	return err
}

// Release lets the named pod become Ready, now or whenever it runs.
func (k *fakeKubelet) Release(namespace, pod string) {
	k.mu.Lock()
	k.release[namespace+"/"+pod] = true
	k.mu.Unlock()
	k.queue.Add(namespace + "/" + pod)
}

// History returns the namespace's pod events, oldest first.
func (k *fakeKubelet) History(namespace string) []podEvent {
	k.mu.Lock()
	defer k.mu.Unlock()
	return slices.Clone(k.history[namespace])
}

// StatefulSetPods returns the pods the StatefulSet owns, as the kubelet's
// cache has them.
func (k *fakeKubelet) StatefulSetPods(sts *appsv1.StatefulSet) []*corev1.Pod {
	pods, _ := k.pods.Pods(sts.Namespace).List(labels.Everything())
	var owned []*corev1.Pod
	for _, p := range pods {
		if ref := metav1.GetControllerOf(p); ref != nil && ref.Kind == "StatefulSet" && ref.Name == sts.Name {
			owned = append(owned, p)
		}
	}
	return owned
}

// record adds a pod's creation or deletion to the history. A deleted pod
// is no longer allowed to be Ready: the pod that replaces it waits for the
// test's Release like any other.
func (k *fakeKubelet) record(pod *corev1.Pod, deleted bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if deleted {
		delete(k.ips, pod.UID)
		delete(k.release, pod.Namespace+"/"+pod.Name)
	}
	k.observeLocked(pod, deleted)
	var ready []string
	for name := range k.ready[pod.Namespace] {
		ready = append(ready, name)
	}
	slices.Sort(ready)
	k.history[pod.Namespace] = append(k.history[pod.Namespace], podEvent{
		Deleted:  deleted,
		Pod:      pod.Name,
		Ordinal:  pod.Labels[appsv1.PodIndexLabel],
		Revision: pod.Labels[appsv1.ControllerRevisionHashLabelKey],
		Ready:    ready,
	})
}

// observe notes whether a pod is Ready, in event order.
func (k *fakeKubelet) observe(pod *corev1.Pod) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.observeLocked(pod, false)
}

func (k *fakeKubelet) observeLocked(pod *corev1.Pod, deleted bool) {
	ns := k.ready[pod.Namespace]
	if ns == nil {
		ns = map[string]bool{}
		k.ready[pod.Namespace] = ns
	}
	if !deleted && podReady(pod) && pod.DeletionTimestamp == nil {
		ns[pod.Name] = true
	} else {
		delete(ns, pod.Name)
	}
}

func (k *fakeKubelet) enqueue(obj any) {
	if key, err := cache.MetaNamespaceKeyFunc(obj); err == nil {
		k.queue.Add(key)
	}
}

func (k *fakeKubelet) work(ctx context.Context) {
	for {
		key, quit := k.queue.Get()
		if quit {
			return
		}
		if err := k.sync(ctx, key); err != nil && ctx.Err() == nil {
			k.queue.AddRateLimited(key)
		} else {
			k.queue.Forget(key)
		}
		k.queue.Done(key)
	}
}

// sync brings one pod one step closer to what the kubelet wants for it.
func (k *fakeKubelet) sync(ctx context.Context, key string) error {
	namespace, name, err := cache.SplitMetaNamespaceKey(key)
	if err != nil {
		return nil
	}
	pod, err := k.pods.Pods(namespace).Get(name)
	if apierrors.IsNotFound(err) {
		return nil
	} else if err != nil {
		return err
	}
	pods := k.client.CoreV1().Pods(namespace)
	switch {
	case pod.DeletionTimestamp != nil:
		err := pods.Delete(ctx, name, metav1.DeleteOptions{
			GracePeriodSeconds: new(int64),
			Preconditions:      &metav1.Preconditions{UID: &pod.UID},
		})
		if apierrors.IsNotFound(err) || apierrors.IsConflict(err) {
			return nil
		}
		return err
	case pod.Spec.NodeName == "":
		err := pods.Bind(ctx, &corev1.Binding{
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: namespace, UID: pod.UID},
			Target:     corev1.ObjectReference{Kind: "Node", Name: nodeName},
		}, metav1.CreateOptions{})
		if apierrors.IsNotFound(err) || apierrors.IsConflict(err) {
			return nil
		}
		return err
	}
	ready := k.mayBeReady(pod)
	if pod.Status.Phase == corev1.PodRunning && podReady(pod) == ready {
		return nil
	}
	updated := pod.DeepCopy()
	updated.Status = k.runningStatus(pod, ready)
	_, err = pods.UpdateStatus(ctx, updated, metav1.UpdateOptions{})
	if apierrors.IsNotFound(err) {
		return nil
	}
	return err
}

func (k *fakeKubelet) mayBeReady(pod *corev1.Pod) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.release[pod.Namespace+"/"+pod.Name]
}

// runningStatus is the status a kubelet reports for a pod whose init
// containers have completed and whose containers run.
func (k *fakeKubelet) runningStatus(pod *corev1.Pod, ready bool) corev1.PodStatus {
	k.mu.Lock()
	ip, ok := k.ips[pod.UID]
	if !ok {
		k.nextIP++
		ip = fmt.Sprintf("10.244.%d.%d", k.nextIP/250, k.nextIP%250+1)
		k.ips[pod.UID] = ip
	}
	k.mu.Unlock()

	now := metav1.Now()
	started := now
	if pod.Status.StartTime != nil {
		started = *pod.Status.StartTime
	}
	readyStatus := corev1.ConditionFalse
	if ready {
		readyStatus = corev1.ConditionTrue
	}
	condition := func(t corev1.PodConditionType, s corev1.ConditionStatus) corev1.PodCondition {
		for _, c := range pod.Status.Conditions {
			if c.Type == t && c.Status == s {
				return c
			}
		}
		return corev1.PodCondition{Type: t, Status: s, LastTransitionTime: now}
	}
	status := corev1.PodStatus{
		Phase: corev1.PodRunning,
		Conditions: []corev1.PodCondition{
			condition(corev1.PodScheduled, corev1.ConditionTrue),
			condition(corev1.PodReadyToStartContainers, corev1.ConditionTrue),
			condition(corev1.PodInitialized, corev1.ConditionTrue),
			condition(corev1.ContainersReady, readyStatus),
			condition(corev1.PodReady, readyStatus),
		},
		HostIP:    "127.0.0.1",
		HostIPs:   []corev1.HostIP{{IP: "127.0.0.1"}},
		PodIP:     ip,
		PodIPs:    []corev1.PodIP{{IP: ip}},
		StartTime: &started,
		QOSClass:  pod.Status.QOSClass,
	}
	running := func(c corev1.Container) corev1.ContainerStatus {
		return corev1.ContainerStatus{
			Name: c.Name, Image: c.Image, ImageID: c.Image, Ready: ready, Started: new(true),
			State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: started}},
		}
	}
	for _, c := range pod.Spec.InitContainers {
		if c.RestartPolicy != nil && *c.RestartPolicy == corev1.ContainerRestartPolicyAlways {
			status.InitContainerStatuses = append(status.InitContainerStatuses, running(c))
			continue
		}
		status.InitContainerStatuses = append(status.InitContainerStatuses, corev1.ContainerStatus{
			Name: c.Name, Image: c.Image, ImageID: c.Image, Ready: true, Started: new(false),
			State: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{
				ExitCode: 0, Reason: "Completed", StartedAt: started, FinishedAt: started,
			}},
		})
	}
	for _, c := range pod.Spec.Containers {
		status.ContainerStatuses = append(status.ContainerStatuses, running(c))
	}
	return status
}

// podReady reports the pod's Ready condition.
func podReady(pod *corev1.Pod) bool {
	for _, c := range pod.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

// since returns the events after the first n.
func since(events []podEvent, n int) []podEvent {
	if n > len(events) {
		return nil
	}
	return events[n:]
}
