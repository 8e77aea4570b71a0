package generator

import (
	"bytes"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/stsgen/stsgen/generator/internal/build"
	"github.com/stsgen/stsgen/generator/internal/render"
	"github.com/stsgen/stsgen/generator/internal/spec"
	"github.com/stsgen/stsgen/generator/internal/update"
)

// A Bundle is what the pipeline makes of one app: the objects built from
// its spec and, when the app's StatefulSet is to be re-created, the steps.
type Bundle struct {
	*build.Bundle
	// Spec is the app as decoded, defaults applied, that the objects were
	// built from.
	Spec *spec.Spec
	// Recreation is set when the app acknowledges that applying it needs
	// the StatefulSet re-created; it is written as RECREATE.md.
	Recreation *update.Recreation
}

// Render returns the bundles as one multi-document YAML stream.
func Render(bundles []*Bundle) ([]byte, error) {
	docs, err := eachBundle(bundles, RenderDocs)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	err = render.WriteStream(&buf, slices.Concat(docs...))
	return buf.Bytes(), err
}

// RenderDocs returns the bundle's objects as YAML documents, in order.
func RenderDocs(b *Bundle) ([][]byte, error) { return render.RenderDocs(b.Bundle) }

// ListItems returns the bundle's objects, in order, as JSON indented to
// be items of the List a StreamWriter writes.
func ListItems(b *Bundle) ([][]byte, error) { return render.ListItems(b.Bundle) }

// AppFiles returns one bundle's files, each path relative to the output
// directory: <app>/<file>. An app whose StatefulSet is re-created also
// gets RECREATE.md.
func AppFiles(b *Bundle, opts FileOptions) (map[string][]byte, error) {
	return render.AppFiles(b.Bundle, b.Recreation, opts)
}

// eachBundle runs f on every bundle, on every CPU, and returns the
// results in the bundles' order, or the first error in that order.
func eachBundle[T any](bundles []*Bundle, f func(*Bundle) (T, error)) ([]T, error) {
	out := make([]T, len(bundles))
	errs := make([]error, len(bundles))
	parallel(len(bundles), func(i int) { out[i], errs[i] = f(bundles[i]) })
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// parallel runs f(0) to f(n-1) on every CPU and returns when all are done.
func parallel(n int, f func(i int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), n) {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				f(i)
			}
		})
	}
	wg.Wait()
}
