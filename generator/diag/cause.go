package diag

import (
	"errors"
	"io/fs"
	"os"
)

// Cause drops the path from a *fs.PathError or *os.LinkError: the
// user knows the directory written to, not the temporary names.
func Cause(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}
