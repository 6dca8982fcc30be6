package sweep

import (
	"math"
	"slices"

	"dilemma/model/sem"
)

// Cross-validation of a gaussian equation with AR(1) residuals (ar="1"): a
// held-out unit's residuals y − mu are jointly normal with covariance
// tau²·J + sigma²·C, C the AR(1) correlation over the unit's periods,
// C_st = rho^|t−s|/(1−rho²) (the stationary start and gaps as package sem
// defines them). With S = sigma²·C and the unit intercept a rank-one
// update,
//
//	log det Σ = log det S + log(1 + tau²·1ᵀS⁻¹1)
//	eᵀΣ⁻¹e   = eᵀS⁻¹e − tau²·(1ᵀS⁻¹e)²/(1 + tau²·1ᵀS⁻¹1),
//
// and S⁻¹ never appears: aᵀS⁻¹b = Σ_i (a_i − P_k·a_prev)(b_i − P_k·b_prev)/V_i
// over the unit's rows in period order, V_i = sigma²·V_k the innovation
// variance across a gap of k periods (k = 0: the stationary variance), and
// log det S = Σ_i log V_i (the AR likelihood's innovations).

// arUnitLogDensity is unitLogDensity for an AR equation: ed.mu holds the
// linear predictors of rows, sigma is ed.buf[0].
func (ed *eqDraws) arUnitLogDensity(rows []int, y []float64, s int, lay sem.Layout, tau float64) float64 {
	ord := lay.Ordinal
	if ord == nil {
		ord = lay.Time
	}
	idx := make([]int, len(rows))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return ord[rows[a]] - ord[rows[b]] })
	rho, sig2 := ed.rho[s], ed.buf[0]*ed.buf[0]
	var ee, e1, o1, logdet float64
	prevE, prevT := 0.0, 0
	for n, i := range idx {
		r := rows[i]
		e := y[r] - ed.mu[i]
		p, v := 0.0, 1/(1-rho*rho) // stationary start
		if n > 0 {
			k := ord[r] - prevT
			p, v = math.Pow(rho, float64(k)), 0
			q := 1.0
			for l := 0; l < k; l++ {
				v += q
				q *= rho * rho
			}
		}
		v *= sig2
		re, r1 := e-p*prevE, 1-p
		if n == 0 {
			r1 = 1
		}
		ee += re * re / v
		e1 += re * r1 / v
		o1 += r1 * r1 / v
		logdet += math.Log(v)
		prevE, prevT = e, ord[r]
	}
	t2 := tau * tau
	logdet += math.Log1p(t2 * o1)
	quad := ee - t2*e1*e1/(1+t2*o1)
	return -0.5 * (float64(len(rows))*math.Log(2*math.Pi) + logdet + quad)
}

// arStudentUnit is the log density of a held-out unit of a student
// equation with AR(1) residuals, its intercept shifted by u: the residuals
// are multivariate Student-t with the AR(1) scale matrix (package sem),
// taken as the product of their conditionals in period order (t with
// nu + m degrees of freedom given m earlier rows of quadratic form q,
// location rho^k times the previous residual, scale √((nu+q)/(nu+m)) times
// the gaussian step's sd). The intercept is integrated by quadrature.
func (ed *eqDraws) arStudentUnit(rows []int, y []float64, s int, lay sem.Layout, u float64) float64 {
	ord := lay.Ordinal
	if ord == nil {
		ord = lay.Time
	}
	idx := make([]int, len(rows))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return ord[rows[a]] - ord[rows[b]] })
	rho, sigma, nu := ed.rho[s], ed.buf[0], ed.buf[1]
	var lp, m, q, prevE float64
	prevT := 0
	for n, i := range idx {
		r := rows[i]
		mu := ed.mu[i] + u
		p, v := 0.0, 1/(1-rho*rho)
		if n > 0 {
			k := ord[r] - prevT
			p, v = math.Pow(rho, float64(k)), 0
			w := 1.0
			for l := 0; l < k; l++ {
				v += w
				w *= rho * rho
			}
		}
		sd := sigma * math.Sqrt(v)
		loc := mu + p*prevE
		lp += ed.fam.LogDensity(y[r], loc, []float64{sd * math.Sqrt((nu+q)/(nu+m)), nu + m})
		z := (y[r] - loc) / sd
		q += z * z
		m++
		prevE, prevT = y[r]-mu, ord[r]
	}
	return lp
}
