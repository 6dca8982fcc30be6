package inference

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// faultyTarget is a standard normal whose gradient panics after a number
// of evaluations: a fault inside the target while a chain runs.
type faultyTarget struct{ left int }

func (t *faultyTarget) Dim() int { return 2 }

func (t *faultyTarget) LogDensityGrad(x, grad []float64) float64 {
	if t.left--; t.left < 0 {
		panic("index out of range in the target")
	}
	lp := 0.0
	for i, v := range x {
		grad[i] = -v
		lp -= v * v / 2
	}
	return lp
}

// A panic inside a chain's goroutine comes back as an *InternalError
// naming the chain, not as a crash of the program.
func TestChainPanicIsAnError(t *testing.T) {
	s := DefaultSettings()
	s.Chains, s.NumWarmup, s.NumSamples = 2, 50, 50
	_, err := Sample(context.Background(), func() Target { return &faultyTarget{left: 200} }, s, nil)
	var ie *InternalError
	if !errors.As(err, &ie) || !strings.Contains(err.Error(), "chain ") || !strings.Contains(err.Error(), "index out of range in the target") {
		t.Fatalf("err = %v, want an *InternalError naming the chain and the panic", err)
	}
}
