//go:build linux

package nodes

import (
	"context"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
)

// namespace creates a namespace for the test, and dumps what it holds if
// the test fails.
func namespace(t *testing.T, name string) string {
	t.Helper()
	ctx := context.Background()
	if _, err := c.Client.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	// Deleted and gone before the next test, which may drain a node.
	t.Cleanup(func() {
		if t.Failed() {
			t.Log(c.Dump(ctx, name))
		}
		if err := c.Client.CoreV1().Namespaces().Delete(ctx, name, metav1.DeleteOptions{}); err != nil {
			t.Error(err)
			return
		}
		err := wait.PollUntilContextTimeout(ctx, 500*time.Millisecond, 2*time.Minute, true, func(ctx context.Context) (bool, error) {
			_, err := c.Client.CoreV1().Namespaces().Get(ctx, name, metav1.GetOptions{})
			return apierrors.IsNotFound(err), nil
		})
		if err != nil {
			t.Errorf("namespace %s is still there: %v", name, err)
		}
	})
	return name
}

// testContext is the test's context, with a deadline for the test.
func testContext(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), d)
	t.Cleanup(cancel)
	return ctx
}

// probeContainer runs the probe's server, Ready once it answers.
func probeContainer(image string) corev1.Container {
	return corev1.Container{
		Name:            "probe",
		Image:           image,
		ImagePullPolicy: corev1.PullAlways,
		Ports:           []corev1.ContainerPort{{Name: "http", ContainerPort: 8080}},
		ReadinessProbe: &corev1.Probe{
			ProbeHandler:  corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/", Port: intstrHTTP}},
			PeriodSeconds: 1,
		},
	}
}
