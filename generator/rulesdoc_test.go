package generator_test

import (
	"bytes"
	"testing"

	"github.com/stsgen/stsgen/generator"
)

// TestRulesDoc keeps docs/rules.md what the catalogue generates, so the
// documented rules cannot drift from the checked ones; -update rewrites it.
func TestRulesDoc(t *testing.T) {
	var buf bytes.Buffer
	generator.WriteRulesMarkdown(&buf)
	checkGolden(t, "../docs/rules.md", buf.Bytes())
}
