package generator_test

import (
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/stsgen/stsgen/generator"
)

// TestMemberPlaceholders runs stsgen-init of the companions-tls golden
// app for a member: @@service@@ and @@nodeport_<port>@@ become its own
// Service and node port, which the env file holds too, as the peers say.
func TestMemberPlaceholders(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh on this machine")
	}
	src, _ := filepath.Abs("../testdata/golden/companions-tls")
	bundles, ds := generator.Compile(generator.LoadConfig{Dir: src}, generator.Policy{})
	if ds.HasErrors() || len(bundles) != 1 {
		t.Fatalf("compile: %v", ds)
	}
	b := bundles[0]
	peer := b.Spec.Peers[1]
	if peer.Pod != "broker-2" || peer.Service != "broker-2-external" || peer.NodePorts["external"] != 31092 {
		t.Fatalf("peers[1] = %+v, want broker-2 with Service broker-2-external and node port 31092", peer)
	}
	work := t.TempDir()
	for key, data := range b.ConfigMap.Data {
		write(t, filepath.Join(work, "source", key), data)
	}
	spec := b.StatefulSet.Spec.Template.Spec
	init := spec.InitContainers[slices.IndexFunc(spec.InitContainers, func(c corev1.Container) bool { return c.Name == "stsgen-init" })]
	run(t, sh, init.Command, []string{
		"STSGEN_POD_NAME=" + peer.Pod,
		"STSGEN_SOURCE_DIR=" + filepath.Join(work, "source"),
		"STSGEN_CONFIG_DIR=" + filepath.Join(work, "config"),
		"STSGEN_IDENTITY_DIR=" + filepath.Join(work, "identity"),
	}, map[string]string{"/stsgen/source": filepath.Join(work, "source")}, "")
	props := strings.Split(read(t, filepath.Join(work, "config", "server.properties")), "\n")
	for _, want := range []string{"external.service=broker-2-external", "external.node.port=31092", "advertised.listeners=CLIENT://broker-2.broker-hs.streams.svc.cluster.local:9092,EXTERNAL://broker-2.kafka.example.com:9095"} {
		if !slices.Contains(props, want) {
			t.Errorf("server.properties has no line %q:\n%s", want, strings.Join(props, "\n"))
		}
	}
	env := strings.Split(read(t, filepath.Join(work, "identity", "env")), "\n")
	for _, want := range []string{"export STSGEN_SERVICE=broker-2-external", "export STSGEN_NODEPORT_EXTERNAL=31092"} {
		if !slices.Contains(env, want) {
			t.Errorf("the env file has no line %q:\n%s", want, strings.Join(env, "\n"))
		}
	}
	// Kubernetes' expansion of the container's env gives the same name.
	main := spec.Containers[0]
	i := slices.IndexFunc(main.Env, func(e corev1.EnvVar) bool { return e.Name == "STSGEN_SERVICE" })
	if i < 0 || strings.ReplaceAll(main.Env[i].Value, "$(STSGEN_POD)", peer.Pod) != peer.Service {
		t.Errorf("STSGEN_SERVICE in the main container's env does not expand to %s: %v", peer.Service, main.Env)
	}
}
