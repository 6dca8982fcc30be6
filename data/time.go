package data

import (
	"fmt"
	"strconv"
	"time"
)

// timeFormat is the format of a panel's time key.
type timeFormat int

const (
	formatMonth   timeFormat = iota + 1 // YYYY-MM: ordinal in months
	formatDay                           // YYYY-MM-DD: ordinal in days
	formatInteger                       // YYYY or an integer: ordinal as written
)

func (f timeFormat) String() string {
	switch f {
	case formatMonth:
		return "YYYY-MM"
	case formatDay:
		return "YYYY-MM-DD"
	case formatInteger:
		return "an integer (or YYYY)"
	}
	return "unknown"
}

// unit names one step of the format, for messages.
func (f timeFormat) unit() string {
	switch f {
	case formatMonth:
		return "month"
	case formatDay:
		return "day"
	}
	return "period"
}

// parseTime recognises a time value and returns its calendar ordinal: lag k
// of a row is the row of the same unit whose ordinal is k less.
func parseTime(s string) (timeFormat, int, error) {
	isDigits := func(s string) bool {
		if s == "" {
			return false
		}
		for _, r := range s {
			if r < '0' || r > '9' {
				return false
			}
		}
		return true
	}
	switch {
	case len(s) == 7 && s[4] == '-' && isDigits(s[:4]) && isDigits(s[5:]):
		y, _ := strconv.Atoi(s[:4])
		m, _ := strconv.Atoi(s[5:])
		if m < 1 || m > 12 {
			return 0, 0, fmt.Errorf("time %q: month %d is not in 1..12", s, m)
		}
		return formatMonth, y*12 + m - 1, nil
	case len(s) == 10 && s[4] == '-' && s[7] == '-':
		t, err := time.Parse("2006-01-02", s)
		if err != nil {
			return 0, 0, fmt.Errorf("time %q is not a valid YYYY-MM-DD date", s)
		}
		return formatDay, int(t.Unix() / 86400), nil
	}
	v, err := strconv.Atoi(s)
	if err != nil {
		return 0, 0, fmt.Errorf("cannot read time %q: use YYYY-MM, YYYY-MM-DD, YYYY or an integer", s)
	}
	return formatInteger, v, nil
}
