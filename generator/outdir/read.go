package outdir

import (
	"fmt"
	"io"
	"os"
	"syscall"
)

// The most stsgen reads of one file it did not just write: an object is
// at most 1.5 MiB, but a hand-written file in an app's directory is
// carried over whole, and a --previous file may hold a cluster's worth.
const (
	maxAppFile      = 64 << 20
	maxPreviousFile = 256 << 20
)

// readFile reads a file of the output directory or of the previous
// output. It opens without blocking and refuses what is not a regular
// file (a named pipe would hang the build, a device never end), and a
// file larger than max, so that no input can make a build wait or grow
// without bound.
func readFile(name string, max int64) ([]byte, error) {
	f, err := os.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file but %s; stsgen reads only files: move it away", name, kind(info.Mode()))
	}
	if info.Size() > max {
		return nil, fmt.Errorf("%s is %d MiB; stsgen reads at most %d MiB of a file here: move it away", name, info.Size()>>20, max>>20)
	}
	// Read into a buffer of the size the file had, and one byte more to
	// see it end: two reads for a file of the output, where reading in
	// growing steps took several.
	data := make([]byte, info.Size()+1)
	n, err := io.ReadFull(f, data)
	switch {
	case err == io.ErrUnexpectedEOF || err == io.EOF:
		data, err = data[:n], nil
	case err == nil:
		// It grew since: read on, to the bound.
		var rest []byte
		rest, err = io.ReadAll(io.LimitReader(f, max+1-int64(n)))
		data = append(data, rest...)
	}
	if err == nil && int64(len(data)) > max {
		return nil, fmt.Errorf("%s grew past %d MiB while it was read: move it away", name, max>>20)
	}
	return data, err
}

// kind names a file mode that is not a regular file's.
func kind(m os.FileMode) string {
	switch {
	case m&os.ModeNamedPipe != 0:
		return "a named pipe"
	case m&os.ModeSocket != 0:
		return "a socket"
	case m&os.ModeDevice != 0:
		return "a device"
	case m.IsDir():
		return "a directory"
	}
	return "not a regular file"
}
