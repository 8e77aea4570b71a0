package main

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestBuildID reads the test binary's build ID as the go command does.
func TestBuildID(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	out, err := exec.Command(goBin, "tool", "buildid", exe).Output()
	if err != nil {
		t.Skipf("go tool buildid: %v", err)
	}
	if got, want := executableID(), strings.TrimSpace(string(out)); got != want {
		t.Errorf("executableID() = %q, want %q", got, want)
	}
}

// TestBuildIDMarked reads the ID from the string the linker marks, as in
// executables that are not ELF.
func TestBuildIDMarked(t *testing.T) {
	for _, tt := range []struct {
		data, want string
	}{
		{"MZ\x00\x00text\xff Go build ID: \"abc/def/ghi/jkl\"\n \xff more", "abc/def/ghi/jkl"},
		{"MZ\x00\x00 no marker here", ""},
		{"MZ\xff Go build ID: \"unterminated", ""},
	} {
		if got := buildID(bytes.NewReader([]byte(tt.data))); got != tt.want {
			t.Errorf("buildID(%q) = %q, want %q", tt.data, got, tt.want)
		}
	}
}
