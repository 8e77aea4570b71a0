package rules

import (
	"testing"

	"github.com/stsgen/stsgen/generator/diag"
	"github.com/stsgen/stsgen/generator/internal/spec"
)

// TestHandBuiltSpec: a Spec made in Go, without Decode, is checked like a
// decoded one; its findings carry their paths, and no positions.
func TestHandBuiltSpec(t *testing.T) {
	s := &spec.Spec{
		Name:      "zk",
		Namespace: "default",
		Image:     "zookeeper:3.9.2",
		Topology:  spec.Quorum,
		Replicas:  2,
		Quorum:    2,
	}
	ds := Check([]*spec.Spec{s}, Policy{})
	var found *diag.Diagnostic
	for i, d := range ds {
		if d.Rule == diag.RuleEnsembleMinimum {
			found = &ds[i]
		}
	}
	if found == nil {
		t.Fatalf("no %s for a quorum of 2 members:\n%v", diag.RuleEnsembleMinimum, ds)
	}
	if found.Path != "apps.zk.replicas" || len(found.Pos) != 0 {
		t.Errorf("%s at %s, positions %v; want apps.zk.replicas and none", found.Rule, found.Path, found.Pos)
	}
}
