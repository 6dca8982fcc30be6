package inference_test

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
)

// The posteriordb models of testdata/posteriordb, written in Go from their
// model.md descriptions. Every positive parameter is sampled as its log,
// with the log-Jacobian added, as Stan does.

// loadJSON decodes testdata/posteriordb/<posterior>/<file> into v.
func loadJSON(posterior, file string, v any) error {
	path := filepath.Join("testdata", "posteriordb", posterior, file)
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %v", path, err)
	}
	return nil
}

// reference holds a posterior's reference means and E[x²] with their MCSEs.
type reference struct {
	Names     []string  `json:"names"`
	Mean      []float64 `json:"mean_value"`
	MeanSq    []float64 `json:"mean_squared_value"`
	MCSE      []float64 `json:"mcse_mean"`
	MCSEMeans []float64 // mcse_mean of mean_value.json
	MCSESq    []float64 // mcse_mean of mean_squared_value.json
}

func loadReference(posterior string) (*reference, error) {
	var m, sq reference
	if err := loadJSON(posterior, "mean_value.json", &m); err != nil {
		return nil, err
	}
	if err := loadJSON(posterior, "mean_squared_value.json", &sq); err != nil {
		return nil, err
	}
	if fmt.Sprint(m.Names) != fmt.Sprint(sq.Names) {
		return nil, fmt.Errorf("%s: mean and mean-square files name different parameters", posterior)
	}
	return &reference{Names: m.Names, Mean: m.Mean, MeanSq: sq.MeanSq, MCSEMeans: m.MCSE, MCSESq: sq.MCSE}, nil
}

// logHalfCauchy is log of the half-Cauchy(0, s) density of x > 0, up to a
// constant, and its derivative in x.
func logHalfCauchy(x, s float64) (float64, float64) {
	r := x / s
	return -math.Log1p(r * r), -2 * r / (s * (1 + r*r))
}

// eightSchools is eight_schools_noncentered: x = (theta_trans[1..8], mu,
// log tau).
type eightSchools struct {
	y, sigma []float64
}

func newEightSchools() (*eightSchools, error) {
	var d struct {
		J     int       `json:"J"`
		Y     []float64 `json:"y"`
		Sigma []float64 `json:"sigma"`
	}
	if err := loadJSON("eight_schools-eight_schools_noncentered", "eight_schools.json", &d); err != nil {
		return nil, err
	}
	if len(d.Y) != d.J || len(d.Sigma) != d.J {
		return nil, fmt.Errorf("eight_schools.json: J = %d but %d y and %d sigma", d.J, len(d.Y), len(d.Sigma))
	}
	return &eightSchools{y: d.Y, sigma: d.Sigma}, nil
}

func (m *eightSchools) Dim() int { return len(m.y) + 2 }

func (m *eightSchools) ParamNames() []string {
	var names []string
	for j := range m.y {
		names = append(names, "theta["+strconv.Itoa(j+1)+"]")
	}
	return append(names, "mu", "tau")
}

func (m *eightSchools) Constrain(x, out []float64) {
	J := len(m.y)
	mu, tau := x[J], math.Exp(x[J+1])
	for j := 0; j < J; j++ {
		out[j] = mu + tau*x[j]
	}
	out[J], out[J+1] = mu, tau
}

func (m *eightSchools) LogDensityGrad(x, g []float64) float64 {
	J := len(m.y)
	mu, u := x[J], x[J+1]
	tau := math.Exp(u)
	lp := -0.5 * mu * mu / 25
	g[J] = -mu / 25
	hc, dhc := logHalfCauchy(tau, 5)
	lp += hc + u // prior on tau and the log-Jacobian of tau = exp(u)
	g[J+1] = dhc*tau + 1
	for j := 0; j < J; j++ {
		t := x[j]
		lp -= 0.5 * t * t
		g[j] = -t
		s2 := m.sigma[j] * m.sigma[j]
		r := m.y[j] - (mu + tau*t)
		lp -= 0.5 * r * r / s2
		d := r / s2
		g[j] += d * tau
		g[J] += d
		g[J+1] += d * t * tau
	}
	return lp
}

// linReg is a normal linear regression y ~ N(X·β, σ) with x = (β, log σ),
// Normal(0, betaSD) priors on β (flat when betaSD is 0) and a half-Cauchy(0,
// sigmaScale) prior on σ (flat on (0, ∞) when sigmaScale is 0). It keeps no
// scratch state, so chains may share it.
type linReg struct {
	names      []string
	n, k       int
	x          []float64 // n×k row-major
	y          []float64
	betaSD     float64
	sigmaScale float64
}

func (m *linReg) Dim() int             { return m.k + 1 }
func (m *linReg) ParamNames() []string { return m.names }
func (m *linReg) Constrain(x, out []float64) {
	copy(out, x[:m.k])
	out[m.k] = math.Exp(x[m.k])
}

func (m *linReg) LogDensityGrad(x, g []float64) float64 {
	k := m.k
	u := x[k]
	sigma := math.Exp(u)
	iv := 1 / (sigma * sigma)
	var lp, ss float64
	for j := 0; j < k; j++ {
		g[j] = 0
	}
	for i := 0; i < m.n; i++ {
		row := m.x[i*k : i*k+k]
		mu := 0.0
		for j, b := range x[:k] {
			mu += row[j] * b
		}
		r := m.y[i] - mu
		ss += r * r
		for j := range row {
			g[j] += r * row[j] * iv
		}
	}
	lp = -float64(m.n)*u - 0.5*ss*iv
	g[k] = -float64(m.n) + ss*iv
	if m.betaSD > 0 {
		pv := 1 / (m.betaSD * m.betaSD)
		for j, b := range x[:k] {
			lp -= 0.5 * b * b * pv
			g[j] -= b * pv
		}
	}
	if m.sigmaScale > 0 {
		hc, dhc := logHalfCauchy(sigma, m.sigmaScale)
		lp += hc
		g[k] += dhc * sigma
	}
	lp += u // log-Jacobian of sigma = exp(u)
	g[k]++
	return lp
}

func newKidiq() (*linReg, error) {
	var d struct {
		N        int       `json:"N"`
		KidScore []float64 `json:"kid_score"`
		MomIQ    []float64 `json:"mom_iq"`
	}
	if err := loadJSON("kidiq-kidscore_momiq", "kidiq.json", &d); err != nil {
		return nil, err
	}
	if len(d.KidScore) != d.N || len(d.MomIQ) != d.N {
		return nil, fmt.Errorf("kidiq.json: N = %d but %d kid_score and %d mom_iq", d.N, len(d.KidScore), len(d.MomIQ))
	}
	m := &linReg{names: []string{"beta[1]", "beta[2]", "sigma"}, n: d.N, k: 2, y: d.KidScore, sigmaScale: 2.5}
	for i := 0; i < d.N; i++ {
		m.x = append(m.x, 1, d.MomIQ[i])
	}
	return m, nil
}

func newArK() (*linReg, error) {
	var d struct {
		K int       `json:"K"`
		T int       `json:"T"`
		Y []float64 `json:"y"`
	}
	if err := loadJSON("arK-arK", "arK.json", &d); err != nil {
		return nil, err
	}
	if len(d.Y) != d.T || d.K < 1 || d.K >= d.T {
		return nil, fmt.Errorf("arK.json: K = %d, T = %d, %d values of y", d.K, d.T, len(d.Y))
	}
	names := []string{"alpha"}
	for k := 1; k <= d.K; k++ {
		names = append(names, "beta["+strconv.Itoa(k)+"]")
	}
	m := &linReg{names: append(names, "sigma"), k: d.K + 1, betaSD: 10, sigmaScale: 2.5}
	// For t = K+1..T (1-based): y[t] ~ N(alpha + Σ beta[k]·y[t−k], sigma).
	for t := d.K; t < d.T; t++ {
		m.x = append(m.x, 1)
		for k := 1; k <= d.K; k++ {
			m.x = append(m.x, d.Y[t-k])
		}
		m.y = append(m.y, d.Y[t])
	}
	m.n = len(m.y)
	return m, nil
}

func newNes() (*linReg, error) {
	var d struct {
		N        int       `json:"N"`
		Age      []float64 `json:"age_discrete"`
		Educ     []float64 `json:"educ1"`
		Gender   []float64 `json:"gender"`
		Income   []float64 `json:"income"`
		PartyID7 []float64 `json:"partyid7"`
		Race     []float64 `json:"race_adj"`
		Ideo     []float64 `json:"real_ideo"`
	}
	if err := loadJSON("nes2000-nes", "nes2000.json", &d); err != nil {
		return nil, err
	}
	for _, c := range [][]float64{d.Age, d.Educ, d.Gender, d.Income, d.PartyID7, d.Race, d.Ideo} {
		if len(c) != d.N {
			return nil, fmt.Errorf("nes2000.json: N = %d but a column has %d values", d.N, len(c))
		}
	}
	var names []string
	for j := 1; j <= 9; j++ {
		names = append(names, "beta["+strconv.Itoa(j)+"]")
	}
	m := &linReg{names: append(names, "sigma"), n: d.N, k: 9, y: d.PartyID7}
	ind := func(b bool) float64 {
		if b {
			return 1
		}
		return 0
	}
	for i := 0; i < d.N; i++ {
		m.x = append(m.x, 1, d.Ideo[i], d.Race[i],
			ind(d.Age[i] == 2), ind(d.Age[i] == 3), ind(d.Age[i] == 4),
			d.Educ[i], d.Gender[i], d.Income[i])
	}
	return m, nil
}
