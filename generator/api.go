package generator

import (
	"io"

	"github.com/stsgen/stsgen/generator/diag"
	"github.com/stsgen/stsgen/generator/internal/load"
	"github.com/stsgen/stsgen/generator/internal/render"
	"github.com/stsgen/stsgen/generator/internal/rules"
	"github.com/stsgen/stsgen/generator/internal/spec"
	"github.com/stsgen/stsgen/generator/internal/update"
)

// The pipeline's inputs and outputs, defined by the stages that own them.
type (
	// LoadConfig says which packages and apps to build.
	LoadConfig = load.LoadConfig
	// Policy sets rule severities for a run.
	Policy = rules.Policy
	// Rule is one entry of the check catalogue.
	Rule = rules.Rule
	// Spec is one app, decoded and defaulted.
	Spec = spec.Spec
	// IntOrPercent is a count of pods or a percentage of the replicas.
	IntOrPercent = spec.IntOrPercent
	// Previous holds the objects a build replaces.
	Previous = update.Previous
	// Recreation is the refused changes of an app and how to apply them.
	Recreation = update.Recreation
	// FileOptions say which files AppFiles makes.
	FileOptions = render.FileOptions
	// StreamWriter writes documents as one YAML stream or JSON List.
	StreamWriter = render.StreamWriter
	// Diagnostics, Diagnostic, Severity and RuleID are diag's.
	Diagnostics = diag.Diagnostics
	Diagnostic  = diag.Diagnostic
	Severity    = diag.Severity
	RuleID      = diag.RuleID
)

// Severities.
const (
	Error   = diag.Error
	Warning = diag.Warning
	Off     = diag.Off
)

// Output names: the header of every generated file, the runbook of a
// re-created app, the list of an app's Secrets, an app's kustomization,
// the annotations that roll pods on a config change and on a rotation.
const (
	Header                = render.Header
	RunbookFile           = render.RunbookFile
	SecretsFile           = render.SecretsFile
	AnnotationConfigHash  = spec.AnnotationConfigHash
	AnnotationSecretsHash = spec.AnnotationSecretsHash
)

// Rule ids callers name; the others are diag's.
const (
	RuleImmutable = diag.RuleImmutable
	RuleDNSNames  = diag.RuleDNSNames
	RuleReadiness = diag.RuleReadiness
	RuleResources = diag.RuleResources
)

// Rules returns the catalogue in id order.
func Rules() []*Rule { return rules.Rules() }

// LookupRule returns the rule with the id, matched without regard to case.
func LookupRule(id string) (*Rule, bool) { return rules.LookupRule(id) }

// RuleTitle returns a rule's title, for diagnostics printed as JSON.
func RuleTitle(id RuleID) string { return rules.RuleTitle(id) }

// WriteRulesMarkdown writes the catalogue as docs/rules.md.
func WriteRulesMarkdown(w io.Writer) { rules.WriteRulesMarkdown(w) }

// RenderObject returns one object as YAML, without status.
func RenderObject(obj any) ([]byte, error) { return render.RenderObject(obj) }

// NewStreamWriter starts a YAML stream, or a JSON List, on w.
func NewStreamWriter(w io.Writer, json bool) *StreamWriter { return render.NewStreamWriter(w, json) }

// IsGenerated reports whether a file starts with stsgen's marker.
func IsGenerated(data []byte) bool { return render.IsGenerated(data) }

// Fingerprint digests every input file of the packages cfg names, with
// paths relative to base.
func Fingerprint(cfg LoadConfig, base string) (string, error) { return load.Fingerprint(cfg, base) }
