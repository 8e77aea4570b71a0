package generator

import (
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
	// FileOptions say what AppFiles writes.
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
// re-created app, an app's kustomization, the annotation that rolls pods on
// a config change.
const (
	Header               = render.Header
	RunbookFile          = render.RunbookFile
	KustomizationFile    = render.KustomizationFile
	AnnotationConfigHash = spec.AnnotationConfigHash
)

// The rule ids the CLI and the e2e suite name.
const (
	RuleImmutable = diag.RuleImmutable
	RuleReadiness = diag.RuleReadiness
	RuleResources = diag.RuleResources
)

var (
	// Rules returns the catalogue in id order.
	Rules = rules.Rules
	// LookupRule returns the rule with the id, matched without regard to case.
	LookupRule = rules.LookupRule
	// RuleTitle returns a rule's title, for diagnostics printed as JSON.
	RuleTitle = rules.RuleTitle
	// WriteRulesMarkdown writes the catalogue as docs/rules.md.
	WriteRulesMarkdown = rules.WriteRulesMarkdown
	// ParseSeverity reads "error", "warning" or "off".
	ParseSeverity = diag.ParseSeverity
	// RenderObject returns one object as YAML, without status.
	RenderObject = render.RenderObject
	// NewStreamWriter starts a YAML stream, or a JSON List, on w.
	NewStreamWriter = render.NewStreamWriter
	// IsGenerated reports whether a file starts with stsgen's marker.
	IsGenerated = render.IsGenerated
	// Fingerprint digests every input file of the packages cfg names.
	Fingerprint = load.Fingerprint
)
