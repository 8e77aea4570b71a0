package diag

import (
	"errors"
	"io/fs"
	"os"
	"syscall"
	"testing"
)

func TestCause(t *testing.T) {
	for _, tt := range []struct {
		err  error
		want error
	}{
		{&fs.PathError{Op: "open", Path: "/tmp/.x.tmp-1", Err: syscall.ENOSPC}, syscall.ENOSPC},
		{&os.LinkError{Op: "rename", Old: "a", New: "b", Err: syscall.EXDEV}, syscall.EXDEV},
		{errors.New("plain"), nil},
	} {
		want := tt.want
		if want == nil {
			want = tt.err
		}
		if got := Cause(tt.err); got != want {
			t.Errorf("Cause(%v) = %v, want %v", tt.err, got, want)
		}
	}
}
