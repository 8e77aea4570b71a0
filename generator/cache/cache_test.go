package cache

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

func key(i int) string { return fmt.Sprintf("%064x", i) }

func TestGetPut(t *testing.T) {
	d, err := Open(t.TempDir(), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := d.Get(key(1)); ok {
		t.Fatal("an empty cache had an entry")
	}
	if err := d.Put(key(1), []byte("one")); err != nil {
		t.Fatal(err)
	}
	if got, ok := d.Get(key(1)); !ok || string(got) != "one" {
		t.Fatalf("Get = %q, %t; want one", got, ok)
	}
	if err := d.Put("../escape", nil); err == nil {
		t.Error("a key that is not a digest was taken")
	}
}

// TestBadEntries: a torn, truncated or corrupted entry is a miss, and is
// removed; the next Put stores it again.
func TestBadEntries(t *testing.T) {
	for name, spoil := range map[string]func([]byte) []byte{
		"truncated":       func(b []byte) []byte { return b[:len(b)-3] },
		"torn to nothing": func([]byte) []byte { return nil },
		"a byte flipped":  func(b []byte) []byte { b[len(b)-1] ^= 1; return b },
		"another header":  func(b []byte) []byte { return append([]byte("stsgen-cache 0\n"), b[len(magic):]...) },
		"grown":           func(b []byte) []byte { return append(b, 'x') },
	} {
		t.Run(name, func(t *testing.T) {
			d, err := Open(t.TempDir(), 1<<20)
			if err != nil {
				t.Fatal(err)
			}
			if err := d.Put(key(7), []byte("the entry")); err != nil {
				t.Fatal(err)
			}
			path := d.path(key(7))
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, spoil(data), 0o666); err != nil {
				t.Fatal(err)
			}
			if got, ok := d.Get(key(7)); ok {
				t.Fatalf("a spoilt entry gave %q", got)
			}
			if _, err := os.Stat(path); !os.IsNotExist(err) {
				t.Errorf("the spoilt entry was left: %v", err)
			}
			if err := d.Put(key(7), []byte("the entry")); err != nil {
				t.Fatal(err)
			}
			if got, ok := d.Get(key(7)); !ok || string(got) != "the entry" {
				t.Errorf("after Put again: %q, %t", got, ok)
			}
		})
	}
}

// TestConcurrent: builds writing and reading the same keys at once, as
// two hooks do, each read whole entries only.
func TestConcurrent(t *testing.T) {
	root := t.TempDir()
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			d, err := Open(root, 1<<30)
			if err != nil {
				t.Error(err)
				return
			}
			for i := range 200 {
				want := bytes.Repeat([]byte{byte(i)}, 1000+i)
				if err := d.Put(key(i), want); err != nil {
					t.Error(err)
				}
				if got, ok := d.Get(key((i + w) % 200)); ok && !bytes.Equal(got, bytes.Repeat([]byte{byte((i + w) % 200)}, 1000+(i+w)%200)) {
					t.Errorf("entry %d: wrong content", (i+w)%200)
				}
			}
			d.Trim()
		})
	}
	wg.Wait()
	leftovers, _ := filepath.Glob(filepath.Join(root, "*", "*.tmp"))
	if len(leftovers) > 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
}

// TestTrim: entries unused for five days go, then the least recently
// used until the cache is within its bound; a use renews an entry; Trim
// looks at most once an hour.
func TestTrim(t *testing.T) {
	root := t.TempDir()
	d, err := Open(root, 10_000)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	d.now = func() time.Time { return now }
	// 30 entries of about 1000 bytes, entry i last used i hours ago.
	for i := range 30 {
		if err := d.Put(key(i), make([]byte, 900)); err != nil {
			t.Fatal(err)
		}
		used := now.Add(-time.Duration(i) * time.Hour)
		os.Chtimes(d.path(key(i)), used, used)
	}
	old := now.Add(-6 * 24 * time.Hour)
	d.Put(key(99), []byte("stale"))
	os.Chtimes(d.path(key(99)), old, old)
	// A use renews entry 29, the least recently used.
	if _, ok := d.Get(key(29)); !ok {
		t.Fatal("entry 29 missing")
	}
	if err := d.Trim(); err != nil {
		t.Fatal(err)
	}
	var kept []int
	for i := range 100 {
		if _, err := os.Stat(d.path(key(i))); err == nil {
			kept = append(kept, i)
		}
	}
	// Within 9/10 of 10000 bytes: 9 entries of 980 bytes, the most
	// recently used: 0 to 7 and 29.
	want := []int{0, 1, 2, 3, 4, 5, 6, 7, 29}
	if fmt.Sprint(kept) != fmt.Sprint(want) {
		t.Errorf("kept %v, want %v", kept, want)
	}
	// Within the hour, Trim does not look again.
	for i := 30; i < 40; i++ {
		d.Put(key(i), make([]byte, 900))
	}
	now = now.Add(30 * time.Minute)
	d.Trim()
	if _, err := os.Stat(d.path(key(35))); err != nil {
		t.Errorf("Trim ran again within the hour: %v", err)
	}
	now = now.Add(time.Hour)
	d.Trim()
	if _, err := os.Stat(d.path(key(0))); err == nil {
		t.Errorf("Trim did not run after an hour")
	}
}
