// Command floor is the floor of the benchmark: the least a Go program must
// do to print the bench's ZooKeeper bundle, N times over. It fills the five
// typed objects (ConfigMap with the server list, headless and client
// Services, PodDisruptionBudget, StatefulSet with a claim template, probes,
// an init container and anti-affinity) and marshals each with
// sigs.k8s.io/yaml. No input is read and nothing is checked.
//
//	floor N
package main

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/yaml"
)

func main() {
	n := 1
	if len(os.Args) > 1 {
		var err error
		if n, err = strconv.Atoi(os.Args[1]); err != nil {
			fmt.Fprintln(os.Stderr, "usage: floor N")
			os.Exit(2)
		}
	}
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	for i := range n {
		for _, obj := range bundle(fmt.Sprintf("zk%05d", i)) {
			data, err := yaml.Marshal(obj)
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
			w.WriteString("---\n")
			w.Write(data)
		}
	}
}

func bundle(name string) []any {
	labels := map[string]string{"app.kubernetes.io/name": name}
	meta := func(n string) metav1.ObjectMeta {
		return metav1.ObjectMeta{Name: n, Namespace: "default", Labels: labels}
	}
	var servers []string
	for o := range 3 {
		servers = append(servers, fmt.Sprintf("server.%d=%s-%d.%s-hs.default.svc.cluster.local:2888:3888;2181", o+1, name, o, name))
	}
	port := func(n string, p int32) corev1.ServicePort {
		return corev1.ServicePort{Name: n, Port: p, TargetPort: intstr.FromString(n)}
	}
	one := intstr.FromInt32(1)
	replicas := int32(3)
	return []any{
		&corev1.ConfigMap{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"}, ObjectMeta: meta(name + "-config"),
			Data: map[string]string{"zoo.cfg": "tickTime=2000\ndataDir=/data\nclientPort=2181\n" + strings.Join(servers, "\n") + "\n"}},
		&corev1.Service{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Service"}, ObjectMeta: meta(name + "-hs"),
			Spec: corev1.ServiceSpec{ClusterIP: corev1.ClusterIPNone, PublishNotReadyAddresses: true, Selector: labels,
				Ports: []corev1.ServicePort{port("server", 2888), port("leader-election", 3888)}}},
		&corev1.Service{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Service"}, ObjectMeta: meta(name),
			Spec: corev1.ServiceSpec{Selector: labels, Ports: []corev1.ServicePort{port("client", 2181)}}},
		&policyv1.PodDisruptionBudget{TypeMeta: metav1.TypeMeta{APIVersion: "policy/v1", Kind: "PodDisruptionBudget"}, ObjectMeta: meta(name + "-pdb"),
			Spec: policyv1.PodDisruptionBudgetSpec{MaxUnavailable: &one, Selector: &metav1.LabelSelector{MatchLabels: labels}}},
		&appsv1.StatefulSet{TypeMeta: metav1.TypeMeta{APIVersion: "apps/v1", Kind: "StatefulSet"}, ObjectMeta: meta(name),
			Spec: appsv1.StatefulSetSpec{
				Replicas: &replicas, ServiceName: name + "-hs", Selector: &metav1.LabelSelector{MatchLabels: labels},
				Template: corev1.PodTemplateSpec{
					ObjectMeta: metav1.ObjectMeta{Labels: labels},
					Spec: corev1.PodSpec{
						Affinity: &corev1.Affinity{PodAntiAffinity: &corev1.PodAntiAffinity{
							RequiredDuringSchedulingIgnoredDuringExecution: []corev1.PodAffinityTerm{{
								LabelSelector: &metav1.LabelSelector{MatchLabels: labels}, TopologyKey: "kubernetes.io/hostname"}}}},
						InitContainers: []corev1.Container{{Name: "init", Image: "zookeeper:3.9.2",
							Command:      []string{"sh", "-c", "echo $((${HOSTNAME##*-} + 1)) > /data/myid"},
							VolumeMounts: []corev1.VolumeMount{{Name: "data", MountPath: "/data"}}}},
						Containers: []corev1.Container{{Name: "zookeeper", Image: "zookeeper:3.9.2",
							Ports:          []corev1.ContainerPort{{Name: "client", ContainerPort: 2181}, {Name: "server", ContainerPort: 2888}, {Name: "leader-election", ContainerPort: 3888}},
							ReadinessProbe: &corev1.Probe{ProbeHandler: corev1.ProbeHandler{TCPSocket: &corev1.TCPSocketAction{Port: intstr.FromString("client")}}},
							Resources: corev1.ResourceRequirements{
								Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("500m"), corev1.ResourceMemory: resource.MustParse("1Gi")},
								Limits:   corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("2"), corev1.ResourceMemory: resource.MustParse("1Gi")}},
							VolumeMounts: []corev1.VolumeMount{{Name: "data", MountPath: "/data"}, {Name: "config", MountPath: "/conf"}}}},
						Volumes: []corev1.Volume{{Name: "config", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{
							LocalObjectReference: corev1.LocalObjectReference{Name: name + "-config"}}}}},
					},
				},
				VolumeClaimTemplates: []corev1.PersistentVolumeClaim{{
					ObjectMeta: metav1.ObjectMeta{Name: "data"},
					Spec: corev1.PersistentVolumeClaimSpec{AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
						Resources: corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("10Gi")}}},
				}},
			}},
	}
}
