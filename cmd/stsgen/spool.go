package main

import (
	"io"
	"os"
	"sync"
)

// spoolMemory is how many bytes of output a spool keeps in memory, unless
// told otherwise, before it moves further apps' documents to a temporary
// file.
const spoolMemory = 16 << 20

// A spool holds each app's rendered documents until every app has passed,
// since nothing is written when one fails. Past memory bytes the
// documents go to an unnamed temporary file, so that a build's memory
// does not grow with its output. Apps may be put from any goroutine, in
// any order.
type spool struct {
	memory int64
	mu     sync.Mutex
	held   int64
	file   *os.File // nil until needed
	size   int64
	failed bool // the file could not be created or written: memory only
	parts  map[int]spoolPart
}

// A spoolPart is one app's documents: in memory, or at off in the file.
type spoolPart struct {
	docs [][]byte
	off  int64
	lens []int
}

// newSpool returns a spool that keeps up to memory bytes in memory.
func newSpool(memory int64) *spool { return &spool{memory: memory, parts: map[int]spoolPart{}} }

// put keeps the documents of the app at index i.
func (s *spool) put(i int, docs [][]byte) {
	n := int64(0)
	for _, d := range docs {
		n += int64(len(d))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.held+n > s.memory && s.spill(i, docs) {
		return
	}
	s.held += n
	s.parts[i] = spoolPart{docs: docs}
}

// spill writes docs to the file, and reports whether it could; when it
// cannot, the spool keeps what comes next in memory.
func (s *spool) spill(i int, docs [][]byte) bool {
	if s.failed {
		return false
	}
	if s.file == nil {
		f, err := os.CreateTemp("", "stsgen-output-*")
		if err != nil {
			s.failed = true
			return false
		}
		// Unnamed from now on where the system allows: nothing is left
		// behind, whatever happens to the process.
		os.Remove(f.Name())
		s.file = f
	}
	part := spoolPart{off: s.size}
	off := s.size
	for _, d := range docs {
		if _, err := s.file.WriteAt(d, off); err != nil {
			s.failed = true
			return false
		}
		off += int64(len(d))
		part.lens = append(part.lens, len(d))
	}
	s.size = off
	s.parts[i] = part
	return true
}

// each calls f with every app's documents, in index order.
func (s *spool) each(order []int, f func(docs [][]byte)) error {
	for _, i := range order {
		p := s.parts[i]
		if p.lens == nil {
			f(p.docs)
			continue
		}
		total := 0
		for _, n := range p.lens {
			total += n
		}
		buf := make([]byte, total)
		if _, err := s.file.ReadAt(buf, p.off); err != nil && err != io.EOF {
			return err
		}
		docs := make([][]byte, len(p.lens))
		for j, n := range p.lens {
			docs[j], buf = buf[:n:n], buf[n:]
		}
		f(docs)
	}
	return nil
}

// close removes the file, if any.
func (s *spool) close() {
	if s.file != nil {
		name := s.file.Name()
		s.file.Close()
		os.Remove(name)
	}
}
