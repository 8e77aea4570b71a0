package outdir

import (
	"strings"
	"sync"
)

// Reads hands what one reader of an output directory read to the next,
// so that a build reads each file once: the previous output's digest
// and objects (Previous) are read first, and the plan (Planner) takes
// those bytes instead of reading the files again. A file is kept from
// its first read to the plan of its app, or until Forget drops the
// app's; files are named <app>/<file>. A nil *Reads keeps nothing.
type Reads struct {
	mu sync.Mutex
	// apps holds the files by app, then by file.
	apps map[string]map[string][]byte
}

// NewReads returns an empty Reads.
func NewReads() *Reads { return &Reads{apps: map[string]map[string][]byte{}} }

// keep holds a file read, unless it is larger than the plan reads.
func (r *Reads) keep(rel string, data []byte) {
	if r == nil || int64(len(data)) > maxAppFile {
		return
	}
	app, file, _ := strings.Cut(rel, "/")
	r.mu.Lock()
	if r.apps[app] == nil {
		r.apps[app] = map[string][]byte{}
	}
	r.apps[app][file] = data
	r.mu.Unlock()
}

// take returns a file read before and forgets it.
func (r *Reads) take(rel string) ([]byte, bool) {
	if r == nil {
		return nil, false
	}
	app, file, _ := strings.Cut(rel, "/")
	r.mu.Lock()
	defer r.mu.Unlock()
	data, ok := r.apps[app][file]
	delete(r.apps[app], file)
	return data, ok
}

// Forget drops the files of app held: they will be read again, if at
// all, which costs less than holding them meanwhile.
func (r *Reads) Forget(app string) {
	if r == nil {
		return
	}
	r.mu.Lock()
	delete(r.apps, app)
	r.mu.Unlock()
}
