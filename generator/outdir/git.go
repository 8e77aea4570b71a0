package outdir

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/stsgen/stsgen/generator"
)

// PreviousAt reads the output stsgen wrote into dir as it is at the git
// revision rev: the objects a build replaces when the working tree's
// output has already been rebuilt, as in a pre-commit hook. It returns
// their digest too, for a Stamp's Previous; they are parsed only when a
// build first needs them.
func PreviousAt(ctx context.Context, dir, rev string) (*generator.Previous, string, error) {
	// The directory need not exist in the working tree; git runs in the
	// nearest one that does.
	existing, rest := dir, ""
	for {
		if info, err := os.Stat(existing); err == nil && info.IsDir() {
			break
		}
		parent := filepath.Dir(existing)
		if parent == existing {
			break
		}
		rest = filepath.Join(filepath.Base(existing), rest)
		existing = parent
	}
	if real, err := filepath.EvalSymlinks(existing); err == nil {
		existing = real
	}
	out, err := git(ctx, existing, nil, "rev-parse", "--show-toplevel")
	if err != nil {
		return nil, "", fmt.Errorf("the output directory is not in a git repository: %w", err)
	}
	top := strings.TrimSpace(string(out))
	rel, err := filepath.Rel(top, filepath.Join(existing, rest))
	if err != nil || strings.HasPrefix(rel, "..") {
		return nil, "", fmt.Errorf("the output directory is outside the git repository at %s", top)
	}
	rel = filepath.ToSlash(rel)
	commit, err := git(ctx, top, nil, "rev-parse", "--verify", "--quiet", "--end-of-options", rev+"^{commit}")
	if err != nil {
		// Before the first commit there is no previous output: the hook
		// of a new repository passes.
		if all, err := git(ctx, top, nil, "rev-list", "-n", "1", "--all"); err == nil && len(bytes.TrimSpace(all)) == 0 && rev == "HEAD" {
			return &generator.Previous{}, digest(nil), nil
		}
		return nil, "", fmt.Errorf("no such commit in the repository at %s", top)
	}
	// Git's plumbing, NUL-separated, with the files read by object id:
	// no file name, whatever it holds, is ever parsed out of a line.
	list, err := git(ctx, top, nil, "--literal-pathspecs", "ls-tree", "-r", "-z", strings.TrimSpace(string(commit)), "--", rel)
	if err != nil {
		return nil, "", err
	}
	manifestPath := path.Join(rel, ManifestName)
	ids := map[string]string{} // path -> blob id
	var names []string
	for _, entry := range strings.Split(string(list), "\x00") {
		// <mode> SP <type> SP <id> TAB <path>
		meta, name, ok := strings.Cut(entry, "\t")
		fields := strings.Fields(meta)
		if !ok || len(fields) != 3 || fields[1] != "blob" {
			continue
		}
		ids[name] = fields[2]
		if objectFile(name) {
			names = append(names, name)
		}
	}
	blobs, err := catFiles(ctx, top, ids, append([]string{manifestPath}, names...))
	if err != nil {
		return nil, "", err
	}
	listed := parseManifest(blobs[manifestPath])
	var own []string
	sums := map[string]string{}
	for _, n := range names {
		data := blobs[n]
		if r := strings.TrimPrefix(n, rel+"/"); compared(listed, r, data) {
			own = append(own, n)
			sums[r] = hash(data)
		}
	}
	all := sync.OnceValues(func() (*generator.Previous, error) {
		prev := &generator.Previous{}
		for _, n := range own {
			if err := prev.AddPrevious(rev+":"+n, blobs[n]); err != nil {
				return nil, fmt.Errorf("--against %s: %w", rev, err)
			}
		}
		return prev, nil
	})
	return &generator.Previous{ForApp: func(string) (*generator.Previous, error) { return all() }}, digest(sums), nil
}

// git runs git in dir and returns its standard output.
func git(ctx context.Context, dir string, stdin io.Reader, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = dir
	cmd.Stdin = stdin
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		if msg := strings.TrimSpace(stderr.String()); msg != "" {
			return nil, fmt.Errorf("git %s: %s", args[0], msg)
		}
		return nil, fmt.Errorf("git %s: %w", args[0], err)
	}
	return out, nil
}

// catFiles reads the named files, by their blob ids, with one git
// cat-file; files without an id are left out.
func catFiles(ctx context.Context, top string, ids map[string]string, names []string) (map[string][]byte, error) {
	var in bytes.Buffer
	var asked []string
	for _, n := range names {
		if id, ok := ids[n]; ok {
			fmt.Fprintf(&in, "%s\n", id)
			asked = append(asked, n)
		}
	}
	out, err := git(ctx, top, &in, "cat-file", "--batch")
	if err != nil {
		return nil, err
	}
	blobs := map[string][]byte{}
	r := bufio.NewReader(bytes.NewReader(out))
	for _, n := range asked {
		header, err := r.ReadString('\n')
		if err != nil {
			return nil, errors.New("git cat-file: short output")
		}
		fields := strings.Fields(header)
		if len(fields) != 3 {
			continue // "<name> missing"
		}
		size, err := strconv.Atoi(fields[2])
		if err != nil {
			return nil, fmt.Errorf("git cat-file: %q", header)
		}
		data := make([]byte, size+1) // the content and a newline
		if _, err := io.ReadFull(r, data); err != nil {
			return nil, errors.New("git cat-file: short output")
		}
		if fields[1] == "blob" {
			blobs[n] = data[:size]
		}
	}
	return blobs, nil
}
