package fit

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"

	"dilemma/inference"
	"dilemma/model/sem"
)

// FallbackMemory is the memory limit assumed where the machine's memory
// cannot be read (no /proc/meminfo): 8 GiB.
const FallbackMemory = 8 << 30

// MemoryShare is the share of the machine's memory the draws may take;
// the rest is left to the data, the model copies and everything else.
const MemoryShare = 0.8

// MemoryError refuses a fit whose draws would not fit in memory.
type MemoryError struct {
	Chains, Samples, Values int
	Need                    float64 // bytes
	Have                    float64 // bytes of memory
	Source                  string  // where Have comes from
}

func (e *MemoryError) Error() string {
	return fmt.Sprintf("the draws need %s of memory (%d chains × %d draws × %d values × 8 bytes, held twice while the fit is summarised); this machine has %s (%s), of which a fit may take %.0f%%",
		Bytes(e.Need), e.Chains, e.Samples, e.Values, Bytes(e.Have), e.Source, 100*MemoryShare)
}

// Bytes prints a byte count in KiB, MiB, GiB or TiB.
func Bytes(b float64) string {
	units := []string{"bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"}
	i := 0
	for b >= 1024 && i < len(units)-1 {
		b /= 1024
		i++
	}
	if i == 0 {
		return fmt.Sprintf("%.0f bytes", b)
	}
	if b >= 100 {
		return fmt.Sprintf("%.0f %s", b, units[i])
	}
	return fmt.Sprintf("%.3g %s", b, units[i])
}

// DrawMemory returns the bytes the draws of a fit of pl with settings s
// hold at their peak, and the number of values per draw. Every draw keeps
// every parameter (latent values too: queries need them), and each value
// is held twice while the draws are rearranged by parameter and
// summarised.
func DrawMemory(pl *Plan, s Settings) (need float64, values int, err error) {
	post, err := sem.Compile(pl.Spec)
	if err != nil {
		return 0, 0, err
	}
	return drawMemory(post, s), len(post.ParamNames()), nil
}

func drawMemory(post *sem.Posterior, s Settings) float64 {
	width := len(post.ParamNames()) + len(inference.SamplerColumns)
	return 2 * float64(max(s.Chains, 0)) * float64(max(s.Samples, 0)) * float64(width) * 8
}

// CheckMemory refuses (with a *MemoryError) a fit of pl with settings s
// whose draws need more than MemoryShare of the machine's memory
// (MachineMemory).
func CheckMemory(pl *Plan, s Settings) error {
	post, err := sem.Compile(pl.Spec)
	if err != nil {
		return err
	}
	return checkMemory(post, s)
}

func checkMemory(post *sem.Posterior, s Settings) error {
	need := drawMemory(post, s)
	have, src := MachineMemory()
	if need > MemoryShare*have {
		return &MemoryError{Chains: s.Chains, Samples: s.Samples, Values: len(post.ParamNames()), Need: need, Have: have, Source: src}
	}
	return nil
}

// MachineMemory returns the memory a process may use and where the figure
// comes from: the physical memory (MemTotal in /proc/meminfo), or the
// cgroup's memory limit when that is lower, or FallbackMemory where
// neither can be read.
func MachineMemory() (float64, string) {
	have, src := float64(FallbackMemory), "assumed: /proc/meminfo cannot be read"
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		if kb, ok := memTotal(b); ok {
			have, src = kb*1024, "MemTotal in /proc/meminfo"
		}
	}
	for _, f := range []string{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"} {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(string(b)), 64)
		if err == nil && v > 0 && v < have {
			have, src = v, "the memory limit in "+f
		}
	}
	return have, src
}

// memTotal reads MemTotal (in kB) from the text of /proc/meminfo.
func memTotal(b []byte) (float64, bool) {
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) >= 2 && f[0] == "MemTotal:" {
			v, err := strconv.ParseFloat(f[1], 64)
			return v, err == nil && v > 0
		}
	}
	return 0, false
}
