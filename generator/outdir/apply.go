package outdir

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/stsgen/stsgen/generator/diag"
)

// Apply makes the output directory what the plan says, then writes its
// manifest and, when stamp is not nil, its stamp; without one, an earlier
// stamp is removed. Apply the plan right after NewPlan, and once: it
// describes the directory as it was read.
//
// Every app's new directory is first built completely beside the old one;
// only then are they swapped in, each with one rename, and the old trees
// removed. A failure or interruption before the swaps leaves the
// directory exactly as it was; a failed swap puts the swapped apps back.
// The directory itself is never replaced, so it may be a symbolic link, a
// mount point or the working directory, and files in it that stsgen did
// not write are left alone.
func (p *Plan) Apply(ctx context.Context, stamp *Stamp) error {
	return p.apply(ctx, stamp, hooks{})
}

// hooks let tests break a write where a real one can break. create opens a
// file for writing (to simulate a full disk); beforeFile runs before each
// file is written, and beforeSwap before each app's directory is swapped
// in (to interrupt a write or make a swap fail).
type hooks struct {
	create     func(name string) (io.WriteCloser, error)
	beforeFile func(rel string)
	beforeSwap func(app string) error
	// renameManifest puts the manifest in place after the swaps.
	renameManifest func(old, new string) error
}

func (p *Plan) apply(ctx context.Context, stamp *Stamp, h hooks) error {
	if h.create == nil {
		h.create = createFile
	}
	if p.readOnly {
		return fmt.Errorf("output directory %s is read-only; make it writable (chmod u+w) or choose another with -o", p.Dir)
	}
	// Compared with the directory's own output, the stamp records that
	// output's digest, as --against REV would find it committed; without
	// the digest, there is no stamp.
	if stamp != nil && stamp.Previous == "" {
		s := *stamp
		var err error
		if s.Previous, err = treeDigestRead(p.Dir, p.read()); err != nil {
			stamp = nil
		} else {
			stamp = &s
		}
	}
	if err := os.MkdirAll(p.Dir, 0o755); err != nil {
		return fmt.Errorf("creating output directory %s: %w", p.Dir, diag.Cause(err))
	}
	dir := p.Dir
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		dir = real
	}
	removeStaleStaging(dir)

	var stages []staged
	defer func() { removeStaging(dir, stages) }()
	for _, a := range p.apps {
		if a.same {
			continue // its directory would be built again as it is
		}
		st, err := p.stage(ctx, dir, a, h)
		if st.staging != "" {
			stages = append(stages, st)
		}
		if err != nil {
			return fmt.Errorf("%w; %s is unchanged", err, dir)
		}
	}
	if err := ctx.Err(); err != nil {
		return interrupted(dir)
	}
	// The manifest is written in full before the swaps and renamed into
	// place after them: a disk that fills up fails it while the directory
	// is still as it was, and the rename needs no room.
	man := manifest(p.manifest)
	manifestFile := filepath.Join(dir, ManifestName)
	pending := ""
	if old, err := os.ReadFile(manifestFile); err != nil || !bytes.Equal(old, man) {
		if pending, err = prepareFile(manifestFile, man, h.create); err != nil {
			return fmt.Errorf("writing %s: %w; %s is unchanged", ManifestName, diag.Cause(err), dir)
		}
		defer os.Remove(pending) // gone after a successful rename
	}
	if err := swapAll(dir, stages, h.beforeSwap); err != nil {
		return err
	}
	if pending != "" {
		rename := os.Rename
		if h.renameManifest != nil {
			rename = h.renameManifest
		}
		if err := rename(pending, manifestFile); err != nil {
			unswapAll(dir, stages)
			return fmt.Errorf("writing %s: %w; %s is unchanged", ManifestName, diag.Cause(err), dir)
		}
	}
	dropRemoved(dir, stages)
	// The stamp names the manifest by its hash, so it vouches only for the
	// files listed now. It only spares a check the compile: failing to
	// write or remove it fails nothing.
	if stamp != nil {
		s := *stamp
		s.Manifest = hash(man)
		WriteFile(filepath.Join(dir, StampName), s.bytes())
	} else {
		os.Remove(filepath.Join(dir, StampName))
	}
	syncDir(dir)
	return nil
}

// read returns what the plan read of each app directory it read whole,
// by the directory's name: the hashes a stamp digests of it.
func (p *Plan) read() map[string]map[string]string {
	read := map[string]map[string]string{}
	for _, a := range p.apps {
		if a.read != nil {
			read[a.name] = a.read
		}
	}
	return read
}

// stage builds the new directory of one app beside its current one, in
// dir, the output directory with its symbolic links resolved.
func (p *Plan) stage(ctx context.Context, dir string, a *appPlan, h hooks) (staged, error) {
	st := staged{app: a.name}
	staging, err := newStaging(dir, a.name)
	st.staging = staging
	if err != nil {
		return st, err
	}
	if a.err != nil {
		return st, a.err
	}
	old := filepath.Join(dir, a.name)
	for _, c := range a.carry {
		if err := carry(filepath.Join(old, c.rel), filepath.Join(staging, c.rel), c); err != nil {
			return st, err
		}
	}
	for _, rel := range a.files {
		if err := ctx.Err(); err != nil {
			return st, errors.New("interrupted")
		}
		if h.beforeFile != nil {
			h.beforeFile(rel)
		}
		if a.unchanged[rel] {
			continue // carried over with its modification time
		}
		file := strings.TrimPrefix(rel, a.name+"/")
		if err := writeFile(h.create, filepath.Join(staging, filepath.FromSlash(file)), p.files[rel]); err != nil {
			return st, fmt.Errorf("writing %s: %w", rel, diag.Cause(err))
		}
	}
	st.remove = a.remove
	return st, nil
}

// carry puts one entry of an app's old directory (src) into its new one
// (dst): a file as a hard link, so that it keeps its modification time,
// or as a copy where links fail.
func carry(src, dst string, c carried) error {
	switch {
	case c.mode.IsDir():
		return os.Mkdir(dst, c.mode.Perm())
	case c.mode&os.ModeSymlink != 0:
		return os.Symlink(c.link, dst)
	}
	if err := os.Link(src, dst); err != nil {
		return copyFile(src, dst)
	}
	return nil
}

func copyFile(src, dst string) error {
	info, err := os.Lstat(src)
	if err != nil {
		return err
	}
	data, err := readFile(src, maxAppFile)
	if err != nil {
		return err
	}
	return os.WriteFile(dst, data, info.Mode().Perm())
}

func writeFile(create func(string) (io.WriteCloser, error), path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := create(path)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if s, ok := f.(interface{ Sync() error }); ok {
		if err := s.Sync(); err != nil {
			f.Close()
			return err
		}
	}
	return f.Close()
}

func syncDir(dir string) {
	if f, err := os.Open(dir); err == nil {
		f.Sync()
		f.Close()
	}
}
