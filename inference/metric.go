package inference

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// metric is the Euclidean metric of the Hamiltonian: the kinetic energy is
// ½·pᵀM⁻¹p. It keeps the inverse metric M⁻¹ (diagonal or dense) and, for the
// dense form, the lower Cholesky factor L of M⁻¹ = L·Lᵀ, used to draw momenta
// p ~ N(0, M) as p = L⁻ᵀu with u ~ N(0, I).
type metric struct {
	n     int
	dense bool
	inv   []float64 // diagonal (n) or row-major matrix (n*n)
	chol  []float64 // dense only: row-major lower factor of inv
	isd   []float64 // diagonal only: 1/sqrt(inv[i])
}

func newMetric(n int, dense bool, init []float64) (*metric, error) {
	m := &metric{n: n, dense: dense}
	if dense {
		m.inv = make([]float64, n*n)
		m.chol = make([]float64, n*n)
		if init != nil {
			copy(m.inv, init)
		} else {
			for i := 0; i < n; i++ {
				m.inv[i*n+i] = 1
			}
		}
	} else {
		m.inv = make([]float64, n)
		m.isd = make([]float64, n)
		if init != nil {
			copy(m.inv, init)
		} else {
			for i := range m.inv {
				m.inv[i] = 1
			}
		}
	}
	if err := m.refresh(); err != nil {
		return nil, err
	}
	return m, nil
}

// refresh recomputes the factor used to draw momenta after inv changed.
func (m *metric) refresh() error {
	if !m.dense {
		for i, v := range m.inv {
			if !(v > 0) || math.IsInf(v, 1) {
				return fmt.Errorf("inverse metric element %d is %v, want a positive finite number", i+1, v)
			}
			m.isd[i] = 1 / math.Sqrt(v)
		}
		return nil
	}
	return cholesky(m.chol, m.inv, m.n)
}

// cholesky writes into l (row-major n×n) the lower factor of the symmetric
// positive definite a, and fails if a is not positive definite.
func cholesky(l, a []float64, n int) error {
	for i := range l {
		l[i] = 0
	}
	for j := 0; j < n; j++ {
		d := a[j*n+j]
		for k := 0; k < j; k++ {
			d -= l[j*n+k] * l[j*n+k]
		}
		if !(d > 0) || math.IsInf(d, 1) {
			return fmt.Errorf("dense inverse metric is not positive definite (pivot %d is %v)", j+1, d)
		}
		d = math.Sqrt(d)
		l[j*n+j] = d
		for i := j + 1; i < n; i++ {
			s := a[i*n+j]
			for k := 0; k < j; k++ {
				s -= l[i*n+k] * l[j*n+k]
			}
			l[i*n+j] = s / d
		}
	}
	return nil
}

// sampleMomentum draws p ~ N(0, M).
func (m *metric) sampleMomentum(r *rand.Rand, p []float64) {
	if !m.dense {
		for i := range p {
			p[i] = r.NormFloat64() * m.isd[i]
		}
		return
	}
	for i := range p {
		p[i] = r.NormFloat64()
	}
	// Solve Lᵀ p = u in place by back substitution.
	n := m.n
	for i := n - 1; i >= 0; i-- {
		s := p[i]
		for k := i + 1; k < n; k++ {
			s -= m.chol[k*n+i] * p[k]
		}
		p[i] = s / m.chol[i*n+i]
	}
}

// sharp writes M⁻¹p into out and returns the kinetic energy ½·pᵀM⁻¹p.
func (m *metric) sharp(p, out []float64) float64 {
	var k float64
	if !m.dense {
		inv := m.inv[:len(p)]
		out = out[:len(p)]
		for i, pi := range p {
			v := inv[i] * pi
			out[i] = v
			k += pi * v
		}
		return 0.5 * k
	}
	n := m.n
	for i := 0; i < n; i++ {
		row := m.inv[i*n : i*n+n]
		var s float64
		for j, pj := range p {
			s += row[j] * pj
		}
		out[i] = s
		k += p[i] * s
	}
	return 0.5 * k
}

// copyInv returns a copy of the inverse metric.
func (m *metric) copyInv() []float64 {
	return append([]float64(nil), m.inv...)
}
