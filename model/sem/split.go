package sem

// PriorPart returns a Posterior sharing p's data whose log density is p's
// without the likelihood of the observed columns: the same parameters and
// transforms, priors, random-effect and period-effect distributions, and
// latent nodes' structural equations with their indicators (as with
// Spec.PriorOnly). At any point x, p's log density minus PriorPart's is the
// log likelihood of the observed nodes' data given x, which is what
// power-scaling the likelihood needs. Like Clone, it has scratch space of
// its own.
func (p *Posterior) PriorPart() *Posterior {
	q := p.Clone()
	q.priorOnly = true
	return q
}

// LogDensity returns the prior's log density at v, up to a constant (the
// same constant for every v).
func (p Prior) LogDensity(v float64) float64 {
	lp, _ := p.logDensity(v)
	return lp
}
