// Package yamlfmt writes YAML byte for byte as go.yaml.in/yaml/v2 writes
// the same values, from an object's JSON, without reflection (RenderYAML),
// and falls back to yaml.v2 itself for what it declines (Marshal). The
// rules it follows are at the top of yamlout.go; TestYAMLWriter compares
// it with yaml.v2 on random documents and FuzzYAMLWriter on any string.
package yamlfmt
