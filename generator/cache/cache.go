// Package cache keeps build results on disk, by key, the way Go's build
// cache does: each entry is one file named by its key, written to a
// temporary file and renamed into place, so that a reader sees a whole
// entry or none, and two builds writing one key at once both write what
// the key stands for. Every entry carries the SHA-256 of its content,
// checked on each read: a torn or corrupted entry is a miss, removed,
// never a wrong answer. Entries a build uses are marked used (their
// modification time, at most once an hour); Trim removes those unused
// for five days, then the least recently used until the cache is within
// its size bound.
package cache

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// A Dir is a cache in a directory.
type Dir struct {
	root string
	// max bounds the entries' total size, in bytes.
	max int64
	// now is the clock; tests move it.
	now func() time.Time
}

// Timings of trimming, as Go's cache has them.
const (
	// markEvery is how stale an entry's mark may get before a use
	// renews it.
	markEvery = time.Hour
	// trimEvery is how often Trim looks at the entries.
	trimEvery = time.Hour
	// unusedFor is how long an entry may go unused before Trim
	// removes it.
	unusedFor = 5 * 24 * time.Hour
	// maxEntry bounds what Get reads of one entry.
	maxEntry = 1 << 30
)

const (
	magic      = "stsgen-cache 1\n"
	readmeName = "README"
	trimName   = "trim.txt"
)

const readme = `This directory holds stsgen's build cache: each app's output and findings,
by a digest of everything they are made from. It is safe to delete; stsgen
fills it again. Set STSGEN_CACHE to move it, or to off to build without it.
`

// Open returns the cache in root, creating the directory if need be; the
// entries' total size is kept to about maxBytes.
func Open(root string, maxBytes int64) (*Dir, error) {
	if err := os.MkdirAll(root, 0o777); err != nil {
		return nil, err
	}
	readmePath := filepath.Join(root, readmeName)
	if _, err := os.Stat(readmePath); errors.Is(err, fs.ErrNotExist) {
		if err := writeAtomic(readmePath, []byte(readme)); err != nil {
			return nil, err
		}
	}
	return &Dir{root: root, max: maxBytes, now: time.Now}, nil
}

// Root returns the cache's directory.
func (d *Dir) Root() string { return d.root }

func (d *Dir) path(key string) string {
	return filepath.Join(d.root, key[:2], key)
}

// validKey reports whether key can name an entry: lower-case hex, as a
// digest prints.
func validKey(key string) bool {
	if len(key) < 16 || len(key) > 128 {
		return false
	}
	for _, c := range key {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// Get returns the content stored under key. A missing, unreadable, torn
// or corrupted entry is a miss; a bad one is removed.
func (d *Dir) Get(key string) ([]byte, bool) {
	if !validKey(key) {
		return nil, false
	}
	name := d.path(key)
	f, err := os.Open(name)
	if err != nil {
		return nil, false
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil || !info.Mode().IsRegular() || info.Size() > maxEntry {
		return nil, false
	}
	data := make([]byte, info.Size())
	if _, err := f.ReadAt(data, 0); err != nil {
		return nil, false
	}
	content, ok := verify(data)
	if !ok {
		os.Remove(name)
		return nil, false
	}
	if now := d.now(); now.Sub(info.ModTime()) > markEvery {
		os.Chtimes(name, now, now)
	}
	return content, true
}

// verify checks an entry's header and checksum and returns its content.
func verify(data []byte) ([]byte, bool) {
	rest, ok := bytes.CutPrefix(data, []byte(magic))
	if !ok || len(rest) < 2*sha256.Size+1 || rest[2*sha256.Size] != '\n' {
		return nil, false
	}
	want := string(rest[:2*sha256.Size])
	content := rest[2*sha256.Size+1:]
	sum := sha256.Sum256(content)
	return content, hex.EncodeToString(sum[:]) == want
}

// Put stores content under key.
func (d *Dir) Put(key string, content []byte) error {
	if !validKey(key) {
		return fmt.Errorf("cache: bad key %q", key)
	}
	name := d.path(key)
	if err := os.MkdirAll(filepath.Dir(name), 0o777); err != nil {
		return err
	}
	sum := sha256.Sum256(content)
	data := make([]byte, 0, len(magic)+2*sha256.Size+1+len(content))
	data = append(data, magic...)
	data = hex.AppendEncode(data, sum[:])
	data = append(data, '\n')
	data = append(data, content...)
	return writeAtomic(name, data)
}

// writeAtomic writes a file by a temporary file renamed over it.
func writeAtomic(name string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(name), filepath.Base(name)+".*.tmp")
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), name)
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}

// Trim removes the entries unused for five days, then, when the rest
// holds more than the size bound, the least recently used until it holds
// nine tenths of it, and temporary files a crashed write left. It looks
// at the entries at most once an hour, whatever the number of builds
// calling it; two at once are harmless.
func (d *Dir) Trim() error {
	now := d.now()
	trimFile := filepath.Join(d.root, trimName)
	if data, err := os.ReadFile(trimFile); err == nil {
		if t, err := strconv.ParseInt(strings.TrimSpace(string(data)), 10, 64); err == nil {
			if last := time.Unix(t, 0); now.Sub(last) < trimEvery && !last.After(now) {
				return nil
			}
		}
	}
	// Marked first, so that a build starting meanwhile does not trim too.
	if err := writeAtomic(trimFile, fmt.Appendf(nil, "%d\n", now.Unix())); err != nil {
		return err
	}
	type entry struct {
		name string
		size int64
		used time.Time
	}
	var entries []entry
	var total int64
	subs, err := os.ReadDir(d.root)
	if err != nil {
		return err
	}
	for _, sub := range subs {
		if !sub.IsDir() || len(sub.Name()) != 2 {
			continue
		}
		dir := filepath.Join(d.root, sub.Name())
		files, err := os.ReadDir(dir)
		if err != nil {
			continue
		}
		for _, f := range files {
			info, err := f.Info()
			if err != nil || !info.Mode().IsRegular() {
				continue
			}
			name := filepath.Join(dir, f.Name())
			age := now.Sub(info.ModTime())
			switch {
			case strings.HasSuffix(f.Name(), ".tmp"):
				if age > markEvery {
					os.Remove(name)
				}
			case !validKey(f.Name()):
			case age > unusedFor:
				os.Remove(name)
			default:
				entries = append(entries, entry{name, info.Size(), info.ModTime()})
				total += info.Size()
			}
		}
	}
	if total <= d.max {
		return nil
	}
	slices.SortFunc(entries, func(a, b entry) int {
		return cmp.Or(a.used.Compare(b.used), cmp.Compare(a.name, b.name))
	})
	for _, e := range entries {
		if total <= d.max/10*9 {
			break
		}
		if os.Remove(e.name) == nil {
			total -= e.size
		}
	}
	return nil
}
