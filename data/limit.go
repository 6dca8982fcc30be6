package data

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
)

// MaxCSVBytes is the size limit of a panel CSV (1 GiB): LoadFile, Load and
// ReadFileLimited refuse a larger file, so that an endless source (a pipe
// that never closes, a device such as /dev/zero, a wrong path) ends with an
// error instead of filling memory. A program may raise it before reading.
var MaxCSVBytes int64 = 1 << 30

// LimitError says that an input is larger than its size limit.
type LimitError struct {
	Name  string // the file, as given
	What  string // "a panel CSV", "a model file"
	Limit int64
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("%s: larger than %s, the size limit of %s (an endless source such as a pipe or a device, or the wrong file?)",
		e.Name, ByteSize(e.Limit), e.What)
}

// ErrNotText is the error ReadAllLimited wraps when its input holds a NUL
// byte, which no text file (CSV, model file) does.
var ErrNotText = errors.New("a NUL byte: this is not a text file")

// ReadAllLimited reads r to its end, as io.ReadAll does, but stops with a
// *LimitError after limit bytes and with ErrNotText (and the line) at the
// first NUL byte: binary files, /dev/zero and /dev/urandom end at once, an
// endless text stream at the limit. what names the kind of input in the
// error ("a panel CSV").
func ReadAllLimited(r io.Reader, name, what string, limit int64) ([]byte, error) {
	var buf []byte
	chunk := make([]byte, 64<<10)
	for {
		n, err := r.Read(chunk)
		if n > 0 {
			if i := bytes.IndexByte(chunk[:n], 0); i >= 0 {
				line := 1 + bytes.Count(buf, []byte{'\n'}) + bytes.Count(chunk[:i], []byte{'\n'})
				return nil, fmt.Errorf("%s:%d: %w", name, line, ErrNotText)
			}
			if int64(len(buf))+int64(n) > limit {
				return nil, &LimitError{Name: name, What: what, Limit: limit}
			}
			buf = append(buf, chunk[:n]...)
		}
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	}
}

// ReadFileLimited reads the file at path with ReadAllLimited. A regular
// file larger than limit is refused before it is read.
func ReadFileLimited(path, what string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil {
		if st.IsDir() {
			return nil, fmt.Errorf("%s is a directory, not %s", path, what)
		}
		if st.Mode().IsRegular() && st.Size() > limit {
			return nil, &LimitError{Name: path, What: what, Limit: limit}
		}
	}
	return ReadAllLimited(f, path, what, limit)
}

// ByteSize formats n bytes for messages: "64 MiB", "1 GiB", "812 bytes".
func ByteSize(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%d bytes", n)
}
