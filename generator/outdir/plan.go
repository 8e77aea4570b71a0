package outdir

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/rogpeppe/go-internal/diff"
)

// A Plan is what writing a build's files into an output directory does,
// file by file. Every path in its lists is relative to the directory,
// slash-separated, and the lists are sorted.
//
// A file stsgen writes is Created where there is none, Unchanged when it
// holds the same bytes, Updated when stsgen wrote it and it differs, and
// Refused when stsgen cannot prove it wrote it: the manifest does not list
// it and it lacks stsgen's header, so it is the user's. Inside the app
// directories, a file stsgen wrote before and no longer produces is
// Removed when the manifest lists it with its current hash; any other
// file, or symbolic link, is Kept. Files outside the app directories, and
// the directories of apps outside the scope, are not looked at.
type Plan struct {
	// Dir is the output directory, as given to NewPlan.
	Dir string

	Created, Updated, Unchanged, Removed, Kept, Refused []string

	files    map[string][]byte // the new files the plan writes: Created and Updated
	old      map[string][]byte // what Updated and Removed files hold now
	apps     []*appPlan        // in the order they are written
	manifest map[string]string // what the manifest lists once applied
	readOnly bool
}

// appPlan is what becomes of one app's directory.
type appPlan struct {
	name string
	// carry is what the new directory takes from the old one, in the
	// order the old one was walked, so that directories come first.
	carry []carried
	// files are the app's new files, by path relative to the output
	// directory, sorted; unchanged ones are carried instead.
	files     []string
	unchanged map[string]bool
	remove    bool  // the app is gone and nothing in its directory is kept
	err       error // why the app cannot be written

	// What the plan says of the app's files (see Plan), the new files it
	// writes, what the Updated and Removed ones hold now, and the hashes
	// the manifest lists for the new files.
	created, updated, unchangedList, removed, kept, refused []string
	write, old                                              map[string][]byte
	sums                                                    map[string]string

	// same is true when the new directory would be the old one: nothing
	// is created, updated or removed, and the directory has the
	// permissions a staged one gets. Apply leaves it alone.
	same bool
	// read holds the hashes of the object files stsgen wrote in the old
	// directory, by path relative to the output directory, as a stamp
	// digests them; nil unless every entry of it was read, so that the
	// stamp need not read them again.
	read map[string]string
}

// carried is one entry of an app's old directory that its new one keeps,
// by path relative to the app's directory.
type carried struct {
	rel  string
	mode fs.FileMode // fs.ModeDir with its permissions, fs.ModeSymlink, or 0 for a file
	link string      // a symbolic link's target
}

// NewPlan reads dir (created by Apply if it does not exist) and returns
// what writing files into it does. files' paths are <app>/<file>,
// relative to dir. With scope, only those apps' directories are looked
// at; the others, and their manifest entries, are left as they are.
//
// NewPlan fails when dir cannot be an output directory. A plan for a
// directory that can be one may still not be applicable: see Err. The
// plan holds files, which must not change until it is applied.
func NewPlan(ctx context.Context, dir string, files map[string][]byte, scope []string) (*Plan, error) {
	pl, err := NewPlanner(ctx, dir, scope)
	if err != nil {
		return nil, err
	}
	if err := pl.Add(files); err != nil {
		return nil, err
	}
	return pl.Plan()
}

// A Planner makes a Plan as NewPlan does, one app at a time, as a build
// renders them: each app's directory is read and compared when its files
// are added, and only the files the plan writes are kept, so that a
// large build does not hold its whole output. Add may be called from
// several goroutines at once.
type Planner struct {
	ctx   context.Context
	p     *Plan
	dir   string // the output directory, its symbolic links resolved
	prev  map[string]string
	scope []string

	mu   sync.Mutex
	apps map[string]*appPlan
	// reads holds what the previous output's reader read already.
	reads *Reads
}

// Reuse has the planner take the files r holds instead of reading them
// again.
func (pl *Planner) Reuse(r *Reads) { pl.reads = r }

// NewPlanner starts a plan for writing into dir, with scope as for
// NewPlan; it fails when NewPlan would.
func NewPlanner(ctx context.Context, dir string, scope []string) (*Planner, error) {
	p := &Plan{Dir: dir, files: map[string][]byte{}, old: map[string][]byte{}}
	info, err := os.Stat(dir)
	switch {
	case err == nil && !info.IsDir():
		return nil, fmt.Errorf("output %s is a file, not a directory; choose a directory with -o", dir)
	case err == nil:
		p.readOnly = info.Mode().Perm()&0o200 == 0
	case !errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("output directory: %w", err)
	}
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		dir = real
	}
	return &Planner{ctx: ctx, p: p, dir: dir, prev: readManifest(dir), scope: scope, apps: map[string]*appPlan{}}, nil
}

// Add plans the apps of files, whose paths are <app>/<file>, relative to
// the output directory; each app's files are added at once.
func (pl *Planner) Add(files map[string][]byte) error {
	byApp := map[string]map[string][]byte{}
	for rel, data := range files {
		app, file, ok := strings.Cut(rel, "/")
		if !ok || app == "" || app == "." || app == ".." || strings.HasPrefix(app, ".") {
			return fmt.Errorf("internal error: output path %q is not <app>/<file>", rel)
		}
		if byApp[app] == nil {
			byApp[app] = map[string][]byte{}
		}
		byApp[app][file] = data
	}
	for _, app := range slices.Sorted(maps.Keys(byApp)) {
		if pl.ctx.Err() != nil {
			return interrupted(pl.dir)
		}
		a := planApp(pl.dir, app, byApp[app], pl.prev, pl.reads)
		pl.reads.Forget(app)
		pl.mu.Lock()
		_, twice := pl.apps[app]
		pl.apps[app] = a
		pl.mu.Unlock()
		if twice {
			return fmt.Errorf("internal error: the files of app %s were added twice", app)
		}
	}
	return nil
}

// Plan returns the plan of the apps added, and of the apps stsgen wrote
// before and no longer produces: what is left of them is only what
// stsgen cannot prove it wrote.
func (pl *Planner) Plan() (*Plan, error) {
	p, dir := pl.p, pl.dir
	inScope := func(app string) bool { return len(pl.scope) == 0 || slices.Contains(pl.scope, app) }
	p.manifest = map[string]string{}
	for rel, sum := range pl.prev {
		if app, _, ok := strings.Cut(rel, "/"); ok && !inScope(app) {
			p.manifest[rel] = sum // another app's, left alone
		}
	}
	for _, a := range pl.apps {
		maps.Copy(p.manifest, a.sums)
	}
	for rel := range pl.prev {
		if app, _, ok := strings.Cut(rel, "/"); ok && inScope(app) && pl.apps[app] == nil {
			if fi, err := os.Stat(filepath.Join(dir, app)); err == nil && fi.IsDir() {
				if pl.ctx.Err() != nil {
					return nil, interrupted(dir)
				}
				pl.apps[app] = planApp(dir, app, nil, pl.prev, pl.reads)
			}
		}
	}
	for _, app := range slices.Sorted(maps.Keys(pl.apps)) {
		a := pl.apps[app]
		p.apps = append(p.apps, a)
		p.Created = append(p.Created, a.created...)
		p.Updated = append(p.Updated, a.updated...)
		p.Unchanged = append(p.Unchanged, a.unchangedList...)
		p.Removed = append(p.Removed, a.removed...)
		p.Kept = append(p.Kept, a.kept...)
		p.Refused = append(p.Refused, a.refused...)
		maps.Copy(p.files, a.write)
		maps.Copy(p.old, a.old)
		a.write, a.old = nil, nil
	}
	for _, list := range []*[]string{&p.Created, &p.Updated, &p.Unchanged, &p.Removed, &p.Kept, &p.Refused} {
		slices.Sort(*list)
	}
	return p, nil
}

// planApp plans the new directory of app, whose new files are files (by
// path within the app's directory), in dir, whose manifest lists prev.
func planApp(dir, app string, files map[string][]byte, prev map[string]string, reads *Reads) *appPlan {
	a := &appPlan{name: app, unchanged: map[string]bool{}, write: map[string][]byte{}, old: map[string][]byte{}, sums: map[string]string{}}
	for _, file := range slices.Sorted(maps.Keys(files)) {
		full := app + "/" + file
		a.files = append(a.files, full)
		a.sums[full] = hash(files[file])
	}
	seen := map[string]bool{}
	old := filepath.Join(dir, app)
	kept := 0
	fi, err := os.Lstat(old)
	existed := err == nil && fi.IsDir()
	if existed {
		read := map[string]string{}
		complete := true
		// A refusal does not stop the walk, so that every refused file is
		// listed; the first is the app's error.
		var refused error
		err := filepath.WalkDir(old, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(old, path)
			if rel == "." {
				return nil
			}
			slash := filepath.ToSlash(rel)
			full := app + "/" + slash
			switch {
			case d.IsDir():
				info, err := d.Info()
				if err != nil {
					return err
				}
				a.carry = append(a.carry, carried{rel: rel, mode: fs.ModeDir | info.Mode().Perm()})
				return nil
			case d.Type()&fs.ModeSymlink != 0:
				link, err := os.Readlink(path)
				if err != nil {
					return err
				}
				kept++
				complete = false // its target is not read here
				a.kept = append(a.kept, full)
				a.carry = append(a.carry, carried{rel: rel, mode: fs.ModeSymlink, link: link})
				return nil
			}
			data, ok := reads.take(full)
			if !ok {
				if data, err = readFile(path, maxAppFile); err != nil {
					return err
				}
			}
			if compared(prev, full, data) {
				read[full] = hash(data)
			}
			if want, ok := files[slash]; ok {
				seen[full] = true
				switch {
				case bytes.Equal(want, data):
					a.unchanged[full] = true
					a.unchangedList = append(a.unchangedList, full)
				case !ownFile(prev, full, data):
					a.refused = append(a.refused, full)
					if refused == nil {
						refused = &RefusedError{Path: full}
					}
					return nil
				default:
					a.updated = append(a.updated, full)
					a.old[full] = data
					return nil // replaced by the new content
				}
			} else if sum, ok := prev[full]; ok && sum == hash(data) {
				a.removed = append(a.removed, full)
				a.old[full] = data
				return nil // stsgen's, unedited, no longer produced: dropped
			} else {
				kept++
				a.kept = append(a.kept, full)
			}
			a.carry = append(a.carry, carried{rel: rel})
			return nil
		})
		a.err = refused
		if a.err == nil {
			a.err = err
		}
		if a.err == nil && complete {
			a.read = read
		}
	} else if err == nil {
		a.err = fmt.Errorf("%s is in the way of app %s's directory; move it", old, app)
	}
	for _, rel := range a.files {
		if !seen[rel] {
			a.created = append(a.created, rel)
		}
		if !a.unchanged[rel] {
			a.write[rel] = files[strings.TrimPrefix(rel, app+"/")]
		}
	}
	a.remove = len(files) == 0 && kept == 0
	a.same = existed && a.err == nil && !a.remove && fi.Mode().Perm() == 0o755 &&
		len(a.created) == 0 && len(a.updated) == 0 && len(a.removed) == 0
	return a
}

// Err reports why the plan cannot be applied, or nil: the first app, in
// the order Apply writes them, whose directory is in the way, cannot be
// read, or holds a file stsgen would refuse to replace (a *RefusedError).
// Apply fails with the same error, adding that the directory is
// unchanged. When Err is not nil, the lists may be incomplete.
func (p *Plan) Err() error {
	for _, a := range p.apps {
		if a.err != nil {
			return a.err
		}
	}
	return nil
}

// Changed returns the files applying the plan changes: those written
// (created or updated), then those removed.
func (p *Plan) Changed() []string {
	changed := slices.Concat(p.Created, p.Updated)
	slices.Sort(changed)
	return append(changed, p.Removed...)
}

// Diff returns a unified diff of each file applying the plan changes, in
// the order of Changed, with paths under shown, which names the output
// directory as the user did.
func (p *Plan) Diff(shown string) []byte {
	var b []byte
	for _, rel := range p.Changed() {
		name := showPath(shown, rel)
		old, had := p.old[rel]
		data, has := p.files[rel]
		switch {
		case !had:
			b = append(b, diff.Diff("/dev/null", nil, name, data)...)
		case !has:
			b = append(b, diff.Diff(name, old, "/dev/null", nil)...)
		default:
			b = append(b, diff.Diff(name, old, name, data)...)
		}
	}
	return b
}

// A RefusedError is a plan's refusal to replace a file stsgen cannot prove
// it wrote.
type RefusedError struct {
	// Dir, when set, names the output directory in the message, as the
	// user did; Path is the file, relative to it.
	Dir, Path string
}

func (e *RefusedError) Error() string {
	return fmt.Sprintf("%s was not written by stsgen (it is not in %s and lacks stsgen's header), and stsgen would replace it; move it away", showPath(e.Dir, e.Path), ManifestName)
}

// showPath names a file of the output directory (rel) as a message shows
// it: under the directory as the user named it (shown), if given.
func showPath(shown, rel string) string {
	return filepath.ToSlash(filepath.Join(shown, rel))
}

// interrupted is the error of a plan or write cut short: either way the
// output directory dir is as it was.
func interrupted(dir string) error {
	return fmt.Errorf("interrupted; %s is unchanged", dir)
}
