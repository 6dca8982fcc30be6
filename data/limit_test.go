package data

import (
	"errors"
	"strings"
	"testing"
)

func TestReadAllLimited(t *testing.T) {
	text := strings.Repeat("a,b\n", 25) // 100 bytes
	if b, err := ReadAllLimited(strings.NewReader(text), "x.csv", "a panel CSV", 100); err != nil || len(b) != 100 {
		t.Errorf("at the limit: %d bytes, %v", len(b), err)
	}
	_, err := ReadAllLimited(strings.NewReader(text+"c"), "x.csv", "a panel CSV", 100)
	var le *LimitError
	if !errors.As(err, &le) || le.Limit != 100 || !strings.Contains(err.Error(), "x.csv: larger than 100 bytes, the size limit of a panel CSV") {
		t.Errorf("one byte over: %v", err)
	}
	_, err = ReadAllLimited(strings.NewReader("a,b\n1,2\n3\x004\n"), "x.csv", "a panel CSV", 100)
	if !errors.Is(err, ErrNotText) || !strings.HasPrefix(err.Error(), "x.csv:3: ") {
		t.Errorf("NUL on line 3: %v", err)
	}
	for n, want := range map[int64]string{64 << 20: "64 MiB", 1 << 30: "1 GiB", 812: "812 bytes", 3 << 19: "1.5 MiB"} {
		if got := ByteSize(n); got != want {
			t.Errorf("ByteSize(%d) = %q, want %q", n, got, want)
		}
	}
}
