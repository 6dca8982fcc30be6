package query

import "math"

// fastExp is exp(x) to within a few units in the last place, about three
// times faster than math.Exp: x = (64k + j)·ln2/64 + r with |r| ≤ ln2/128,
// exp(x) = 2^k · 2^(j/64) · exp(r), exp(r) by its Taylor polynomial of
// degree 6 (truncation error below 1e-17 relative). Outside ±700 it falls
// back to math.Exp, which handles overflow and underflow.
func fastExp(x float64) float64 {
	if !(x > -700 && x < 700) {
		return math.Exp(x)
	}
	const (
		invStep = 64 / math.Ln2
		shifter = 1.5 * (1 << 52)
	)
	kf := (x*invStep + shifter) - shifter
	r := x - kf*stepHi - kf*stepLo
	k := int(kf)
	j := k & 63
	p := 1 + r*(1+r*(1.0/2+r*(1.0/6+r*(1.0/24+r*(1.0/120+r*(1.0/720))))))
	scale := math.Float64frombits(uint64((k>>6)+1023) << 52)
	return scale * exp2Table[j] * p
}

// ln2/64 split in two: stepHi has 32 significant bits, so kf·stepHi is
// exact for every |kf| < 2^21 that occurs, and stepLo carries the rest of
// ln2 to well beyond double precision (the classic fdlibm split of ln2).
const (
	stepHi = 6.93147180369123816490e-01 / 64
	stepLo = 1.90821492927058770002e-10 / 64
)

// exp2Table[j] = 2^(j/64).
var exp2Table = func() [64]float64 {
	var t [64]float64
	for j := range t {
		t[j] = math.Exp2(float64(j) / 64)
	}
	return t
}()

// fastLogistic is 1/(1+exp(−x)).
func fastLogistic(x float64) float64 { return 1 / (1 + fastExp(-x)) }

// expSlice writes fastExp(sgn·x[i]) into dst[i], with fastExp's body in
// the loop (the same operations, so the same bits).
func expSlice(dst, x []float64, sgn float64) {
	const (
		invStep = 64 / math.Ln2
		shifter = 1.5 * (1 << 52)
	)
	x = x[:len(dst)]
	for i := range dst {
		v := sgn * x[i]
		if !(v > -700 && v < 700) {
			dst[i] = math.Exp(v)
			continue
		}
		kf := (v*invStep + shifter) - shifter
		r := v - kf*stepHi - kf*stepLo
		k := int(kf)
		p := 1 + r*(1+r*(1.0/2+r*(1.0/6+r*(1.0/24+r*(1.0/120+r*(1.0/720))))))
		scale := math.Float64frombits(uint64((k>>6)+1023) << 52)
		dst[i] = scale * exp2Table[k&63] * p
	}
}
