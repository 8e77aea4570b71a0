//go:build linux

// Package crds installs, on a test cluster, the CustomResourceDefinitions
// of the custom resources stsgen writes: cert-manager's, the Prometheus
// Operator's and External Secrets', from the manifests those projects ship
// in their Go modules. The modules come through the Go module proxy only
// (go mod download, never version control), at pinned versions checked
// against pinned hashes, as go.sum would, and stay in the module cache.
package crds

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/wait"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/dynamic"
)

// A Source is a module holding CRD manifests, and the files to install.
type Source struct {
	Module, Version string
	// Sum is the module's hash, as go.sum records it.
	Sum string
	// Dir is the directory of the CRDs in the module, and Files their
	// names there.
	Dir   string
	Files []string
}

// Sources are the CRDs of the kinds stsgen writes, and of those they refer
// to (a Certificate's Issuer, an ExternalSecret's store).
var Sources = []Source{
	{
		Module: "github.com/cert-manager/cert-manager", Version: "v1.21.2",
		Sum: "h1:UWgoYM+KLNtRlqmoWOKjKBOBUPVHeepQ6/ac3ERJW68=",
		Dir: "deploy/crds",
		Files: []string{
			"cert-manager.io_certificates.yaml", "cert-manager.io_certificaterequests.yaml",
			"cert-manager.io_issuers.yaml", "cert-manager.io_clusterissuers.yaml",
		},
	},
	{
		Module: "github.com/prometheus-operator/prometheus-operator", Version: "v0.85.0",
		Sum: "h1:M5xLCLEoaW2IJfnuCwFzzpL+jSVQu3KGT84Pye+fW8s=",
		Dir: "example/prometheus-operator-crd",
		Files: []string{
			"monitoring.coreos.com_servicemonitors.yaml", "monitoring.coreos.com_podmonitors.yaml",
		},
	},
	{
		Module: "github.com/external-secrets/external-secrets", Version: "v0.16.2",
		Sum: "h1:iNY+gIgSyL5higXTfnz+hdPCaiB/43UiHLqE7HBpj68=",
		Dir: "config/crds/bases",
		Files: []string{
			"external-secrets.io_externalsecrets.yaml", "external-secrets.io_secretstores.yaml",
			"external-secrets.io_clustersecretstores.yaml",
		},
	},
}

// Load downloads the sources' modules, or finds them in the module cache,
// and returns their CRDs.
func Load(ctx context.Context) ([]*unstructured.Unstructured, error) {
	var out []*unstructured.Unstructured
	for _, s := range Sources {
		dir, err := download(ctx, s)
		if err != nil {
			return nil, err
		}
		for _, name := range s.Files {
			data, err := os.ReadFile(filepath.Join(dir, s.Dir, name))
			if err != nil {
				return nil, fmt.Errorf("%s@%s: %w", s.Module, s.Version, err)
			}
			objs, err := decode(data)
			if err != nil {
				return nil, fmt.Errorf("%s@%s %s: %w", s.Module, s.Version, name, err)
			}
			out = append(out, objs...)
		}
	}
	return out, nil
}

// download runs go mod download for the source, from the module proxy
// alone, and returns the module's directory.
func download(ctx context.Context, s Source) (string, error) {
	ref := s.Module + "@" + s.Version
	proxy, err := moduleProxy(ctx)
	if err != nil {
		return "", err
	}
	cmd := exec.CommandContext(ctx, "go", "mod", "download", "-json", ref)
	// Outside any module, so that no go.mod or go.work is consulted or
	// changed; the pinned Sum stands in for go.sum, and the checksum
	// database is not asked.
	cmd.Dir = os.TempDir()
	cmd.Env = append(os.Environ(), "GOPROXY="+proxy, "GOFLAGS=-mod=mod", "GOWORK=off", "GOSUMDB=off", "GO111MODULE=on")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	var info struct{ Dir, Sum, Error string }
	if jerr := json.Unmarshal(out, &info); jerr != nil && err == nil {
		err = jerr
	}
	switch {
	case info.Error != "":
		return "", fmt.Errorf("go mod download %s: %s", ref, info.Error)
	case err != nil:
		return "", fmt.Errorf("go mod download %s: %v: %s", ref, err, strings.TrimSpace(stderr.String()))
	case info.Sum != s.Sum:
		return "", fmt.Errorf("go mod download %s: hash %s, want %s", ref, info.Sum, s.Sum)
	}
	return info.Dir, nil
}

// moduleProxy is GOPROXY without its fall-back to version control.
func moduleProxy(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOPROXY").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOPROXY: %w", err)
	}
	proxy := strings.TrimSpace(string(out))
	proxy = strings.TrimSuffix(strings.TrimSuffix(proxy, ",direct"), "|direct")
	if proxy == "" || proxy == "direct" || proxy == "off" {
		return "", fmt.Errorf("GOPROXY is %q; the CRDs come from a module proxy", strings.TrimSpace(string(out)))
	}
	return proxy, nil
}

// DecodeAll reads the objects of a multi-document YAML or JSON stream,
// leaving out empty documents.
func DecodeAll(data []byte) ([]*unstructured.Unstructured, error) {
	var out []*unstructured.Unstructured
	dec := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(data), 4096)
	for {
		obj := &unstructured.Unstructured{}
		if err := dec.Decode(&obj.Object); errors.Is(err, io.EOF) {
			return out, nil
		} else if err != nil {
			return nil, err
		}
		if len(obj.Object) > 0 {
			out = append(out, obj)
		}
	}
}

// decode reads the CRDs of a multi-document YAML file.
func decode(data []byte) ([]*unstructured.Unstructured, error) {
	objs, err := DecodeAll(data)
	for _, obj := range objs {
		if obj.GetKind() != "CustomResourceDefinition" {
			return nil, fmt.Errorf("%s %s is not a CustomResourceDefinition", obj.GetKind(), obj.GetName())
		}
	}
	return objs, err
}

var crdResource = schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}

// Install loads the CRDs, applies them (server-side, as the suite's field
// manager) and waits until the API server serves every one.
func Install(ctx context.Context, client dynamic.Interface) error {
	objs, err := Load(ctx)
	if err != nil {
		return err
	}
	res := client.Resource(crdResource)
	for _, obj := range objs {
		body, err := obj.MarshalJSON()
		if err != nil {
			return err
		}
		opts := metav1.PatchOptions{FieldManager: "stsgen-e2e", FieldValidation: "Strict", Force: new(true)}
		if _, err := res.Patch(ctx, obj.GetName(), types.ApplyPatchType, body, opts); err != nil {
			return fmt.Errorf("applying CRD %s: %w", obj.GetName(), err)
		}
	}
	for _, obj := range objs {
		name := obj.GetName()
		var last string
		err := wait.PollUntilContextTimeout(ctx, 200*time.Millisecond, time.Minute, true, func(ctx context.Context) (bool, error) {
			crd, err := res.Get(ctx, name, metav1.GetOptions{})
			if apierrors.IsNotFound(err) {
				return false, err
			} else if err != nil {
				last = err.Error()
				return false, nil
			}
			established, msg := condition(crd, "Established")
			last = msg
			return established, nil
		})
		if err != nil {
			return fmt.Errorf("CRD %s not Established (%s): %w", name, last, err)
		}
	}
	return nil
}

// condition reports whether the object's condition of the type is True, and
// its message.
func condition(obj *unstructured.Unstructured, typ string) (bool, string) {
	conds, _, _ := unstructured.NestedSlice(obj.Object, "status", "conditions")
	for _, c := range conds {
		m, _ := c.(map[string]any)
		if m["type"] == typ {
			msg, _ := m["message"].(string)
			return m["status"] == "True", msg
		}
	}
	return false, "no " + typ + " condition"
}
