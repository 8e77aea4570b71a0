package images

import (
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/cuecontext"

	recipes "github.com/stsgen/stsgen/e2e/images"
)

// Recipe is one image: what it stands in for, what goes into its root
// filesystem, and its configuration. The fields mirror e2e/images/*.cue.
type Recipe struct {
	Name     string   `json:"name"`
	Upstream string   `json:"upstream"`
	Refs     []string `json:"refs"`
	// Base is "debian" (mmdebstrap's essential variant plus Packages) or
	// "scratch" (nothing but what the recipe lists).
	Base       string     `json:"base"`
	Packages   []string   `json:"packages"`
	Stubs      []Stub     `json:"stubs"`
	GoBinaries []GoBinary `json:"gobinaries"`
	Accounts   []Account  `json:"accounts"`
	Remove     []string   `json:"remove"`
	Dirs       []Dir      `json:"dirs"`
	Files      []File     `json:"files"`
	Symlinks   []Symlink  `json:"symlinks"`
	Edits      []Edit     `json:"edits"`
	Config     Config     `json:"config"`
	// Binaries are the commands the example's containers and probes call:
	// names looked up on the image's PATH, or absolute paths.
	Binaries []string `json:"binaries"`

	// sources holds the bytes of each File's source, read with the recipe.
	sources map[string][]byte
	// raw is the recipe file itself, part of the cache key.
	raw []byte
}

// Stub is an empty package that satisfies a dependency the image does not
// need, by depending on what it does need.
type Stub struct {
	Package string `json:"package"`
	Depends string `json:"depends"`
}

// GoBinary is a program built from the module e2e/tools.
type GoBinary struct {
	Package string `json:"package"`
	Path    string `json:"path"`
}

// Account is a user with a group of the same name and id.
type Account struct {
	Name  string `json:"name"`
	UID   int    `json:"uid"`
	GID   int    `json:"gid"`
	Home  string `json:"home"`
	Shell string `json:"shell"`
}

// Dir is a directory the image must hold, owned by UID and GID.
type Dir struct {
	Path string `json:"path"`
	UID  int    `json:"uid"`
	GID  int    `json:"gid"`
	Mode uint32 `json:"mode"`
}

// File is a file of the image, copied from Source under e2e/images.
type File struct {
	Path   string `json:"path"`
	Source string `json:"source"`
	Mode   uint32 `json:"mode"`
}

// Symlink is a symbolic link of the image.
type Symlink struct {
	Path   string `json:"path"`
	Target string `json:"target"`
}

// Edit replaces Old, which must occur, by New in the file at Path.
type Edit struct {
	Path string `json:"path"`
	Old  string `json:"old"`
	New  string `json:"new"`
}

// Config is the image configuration the upstream image has.
type Config struct {
	User       string            `json:"user"`
	Entrypoint []string          `json:"entrypoint"`
	Cmd        []string          `json:"cmd"`
	WorkingDir string            `json:"workingDir"`
	Env        map[string]string `json:"env"`
	Ports      []string          `json:"ports"`
	StopSignal string            `json:"stopSignal"`
}

// defaultPath is the PATH of an image whose recipe sets none, Debian's.
const defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// EnvList is the configuration's environment as KEY=value, sorted, with
// PATH always set.
func (c Config) EnvList() []string {
	env := map[string]string{"PATH": defaultPath}
	for k, v := range c.Env {
		env[k] = v
	}
	var list []string
	for k, v := range env {
		list = append(list, k+"="+v)
	}
	sort.Strings(list)
	return list
}

// Recipes reads every recipe of e2e/images, sorted by name.
func Recipes() ([]*Recipe, error) {
	return loadRecipes(recipes.Recipes)
}

func loadRecipes(fsys fs.FS) ([]*Recipe, error) {
	names, err := fs.Glob(fsys, "*.cue")
	if err != nil {
		return nil, err
	}
	ctx := cuecontext.New()
	var list []*Recipe
	seen := map[string]string{}
	for _, file := range names {
		raw, err := fs.ReadFile(fsys, file)
		if err != nil {
			return nil, err
		}
		v := ctx.CompileBytes(raw, cue.Filename(cueFilename(file)))
		if err := v.Err(); err != nil {
			return nil, fmt.Errorf("recipe %s: %w", file, err)
		}
		r := &Recipe{raw: raw, sources: map[string][]byte{}}
		if err := v.Decode(r); err != nil {
			return nil, fmt.Errorf("recipe %s: %w", file, err)
		}
		if err := r.check(file); err != nil {
			return nil, err
		}
		for _, f := range r.Files {
			b, err := fs.ReadFile(fsys, f.Source)
			if err != nil {
				return nil, fmt.Errorf("recipe %s: %s: %w", file, f.Path, err)
			}
			r.sources[f.Source] = b
		}
		for _, ref := range r.Refs {
			if other, ok := seen[ref]; ok {
				return nil, fmt.Errorf("recipe %s: %s is published by %s already", file, ref, other)
			}
			seen[ref] = file
		}
		list = append(list, r)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Name < list[j].Name })
	return list, nil
}

func cueFilename(file string) string { return "e2e/images/" + file }

// check reports what the builder cannot do with the recipe.
func (r *Recipe) check(file string) error {
	fail := func(format string, args ...any) error {
		return fmt.Errorf("recipe %s: "+format, append([]any{file}, args...)...)
	}
	if r.Name+".cue" != file {
		return fail("name %q must be the file's name", r.Name)
	}
	if len(r.Refs) == 0 {
		return fail("no refs: the image would be published under no name")
	}
	for _, ref := range r.Refs {
		if Normalize(ref) != ref {
			return fail("ref %q is not in its normalized form %q", ref, Normalize(ref))
		}
	}
	switch r.Base {
	case "":
		r.Base = "debian"
	case "debian", "scratch":
	default:
		return fail("base %q is neither debian nor scratch", r.Base)
	}
	if r.Base == "scratch" && (len(r.Packages) > 0 || len(r.Stubs) > 0) {
		return fail("a scratch image installs no packages")
	}
	paths := func(kind string, p string) error {
		if !path.IsAbs(p) || path.Clean(p) != p {
			return fail("%s path %q is not absolute and clean", kind, p)
		}
		return nil
	}
	for _, d := range r.Dirs {
		if err := paths("dir", d.Path); err != nil {
			return err
		}
	}
	for _, f := range r.Files {
		if err := paths("file", f.Path); err != nil {
			return err
		}
	}
	for _, s := range r.Symlinks {
		if err := paths("symlink", s.Path); err != nil {
			return err
		}
	}
	for _, g := range r.GoBinaries {
		if err := paths("go binary", g.Path); err != nil {
			return err
		}
	}
	for _, p := range r.Remove {
		if err := paths("remove", strings.TrimSuffix(p, "/*")); err != nil {
			return err
		}
	}
	return nil
}
