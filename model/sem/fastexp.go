package sem

import "math"

// expTable[j] = 2^(j/64).
var expTable = func() (t [64]float64) {
	for j := range t {
		t[j] = math.Exp2(float64(j) / 64)
	}
	return t
}()

// ln 2 / 64 split as expHi + expLo: expHi has its low 20 bits clear, so
// k·expHi is exact for |k| < 2^20; expLo carries the rest of ln 2 beyond
// float64 precision (ln 2 = 0.693147180559945309417232121458…).
var (
	expHi = math.Float64frombits(math.Float64bits(math.Ln2/64) &^ (1<<20 - 1))
	expLo = (math.Ln2-64*expHi)/64 + 2.319046813846299558e-17/64
)

// fastExp is exp(x) to within about 2 ulp, several times faster than
// math.Exp on amd64: x = (64m + j)·ln2/64 + r with |r| ≤ ln2/128, and
// exp(x) = 2^m · 2^(j/64) · exp(r), exp(r) from its degree-5 Taylor
// polynomial (the next term is below 4e-17 relative). Outside |x| < 700
// (and for NaN) it defers to math.Exp.
func fastExp(x float64) float64 {
	if !(x > -700 && x < 700) {
		return math.Exp(x)
	}
	return expKernel(x)
}

// expKernel is fastExp without the range check, for x in (−700, 700) only;
// it is small enough for the compiler to inline into the row loops.
func expKernel(x float64) float64 {
	kf := x*(64/math.Ln2) + expShifter
	b := math.Float64bits(kf)
	kf -= expShifter
	r := x - kf*expHi - kf*expLo
	t := expTable[b&63]
	v := t + t*r*(1+r*(1.0/2+r*(1.0/6+r*(1.0/24+r*(1.0/120)))))
	return math.Float64frombits(math.Float64bits(v) + (b>>6)<<52)
}

// expShifter: adding it to a float64 of magnitude below 2^51 rounds it to
// an integer held, in two's complement, in the low bits of the sum.
const expShifter = 0x1.8p52

// expInPlace replaces every v[i] by fastExp(v[i]), with the kernel inlined
// (a row loop that calls fastExp pays for a call per row).
func expInPlace(v []float64) {
	for i, x := range v {
		if !(x > -700 && x < 700) {
			v[i] = math.Exp(x)
			continue
		}
		kf := x*(64/math.Ln2) + expShifter
		b := math.Float64bits(kf)
		kf -= expShifter
		r := x - kf*expHi - kf*expLo
		t := expTable[b&63]
		e := t + t*r*(1+r*(1.0/2+r*(1.0/6+r*(1.0/24+r*(1.0/120)))))
		v[i] = math.Float64frombits(math.Float64bits(e) + (b>>6)<<52)
	}
}
