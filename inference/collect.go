package inference

// Collector is a Sink that keeps one chain's draws in memory. Its buffers
// are sized in Begin from the run's settings, so collecting does not
// allocate per draw. Read it after Sample returns.
type Collector struct {
	Info       RunInfo
	Adaptation Adaptation
	Timing     Timing
	// Done is set by End: the chain ran to completion.
	Done bool

	// Stats and Params hold the saved sampling draws: Stats[i] and the row
	// Params[i*w : (i+1)*w] with w = len(Info.ParamNames).
	Stats  []Stats
	Params []float64
	// WarmupStats and WarmupParams hold the saved warm-up draws in the same
	// layout (only with SaveWarmup).
	WarmupStats  []Stats
	WarmupParams []float64
}

// Begin implements Sink.
func (c *Collector) Begin(info RunInfo) error {
	c.Info = info
	w := len(info.ParamNames)
	thin := max(info.Thin, 1)
	n := (info.NumSamples + thin - 1) / thin
	c.Stats = make([]Stats, 0, n)
	c.Params = make([]float64, 0, n*w)
	c.WarmupStats, c.WarmupParams = nil, nil
	if info.SaveWarmup {
		n := (info.NumWarmup + thin - 1) / thin
		c.WarmupStats = make([]Stats, 0, n)
		c.WarmupParams = make([]float64, 0, n*w)
	}
	c.Done = false
	return nil
}

// Draw implements Sink.
func (c *Collector) Draw(st Stats, params []float64, warmup bool) error {
	if warmup {
		c.WarmupStats = append(c.WarmupStats, st)
		c.WarmupParams = append(c.WarmupParams, params...)
		return nil
	}
	c.Stats = append(c.Stats, st)
	c.Params = append(c.Params, params...)
	return nil
}

// Adapted implements Sink.
func (c *Collector) Adapted(a Adaptation) error {
	c.Adaptation = a
	return nil
}

// End implements Sink.
func (c *Collector) End(t Timing) error {
	c.Timing = t
	c.Done = true
	return nil
}

// NumDraws returns the number of saved sampling draws.
func (c *Collector) NumDraws() int { return len(c.Stats) }

// Row returns sampling draw i (not a copy).
func (c *Collector) Row(i int) []float64 {
	w := len(c.Info.ParamNames)
	return c.Params[i*w : (i+1)*w : (i+1)*w]
}

// Column returns a copy of quantity j over the sampling draws.
func (c *Collector) Column(j int) []float64 {
	w := len(c.Info.ParamNames)
	out := make([]float64, len(c.Stats))
	for i := range out {
		out[i] = c.Params[i*w+j]
	}
	return out
}

// StatColumn returns sampler statistic k (an index into SamplerColumns) over
// the sampling draws.
func (c *Collector) StatColumn(k int) []float64 {
	out := make([]float64, len(c.Stats))
	for i, s := range c.Stats {
		out[i] = s.Value(k)
	}
	return out
}

// Tee returns a Sink that hands everything to each of sinks in turn,
// stopping at the first error. Abort reaches every sink that implements
// Aborter.
func Tee(sinks ...Sink) Sink {
	return tee(append([]Sink(nil), sinks...))
}

type tee []Sink

func (t tee) Begin(info RunInfo) error {
	for _, s := range t {
		if err := s.Begin(info); err != nil {
			return err
		}
	}
	return nil
}

func (t tee) Draw(st Stats, params []float64, warmup bool) error {
	for _, s := range t {
		if err := s.Draw(st, params, warmup); err != nil {
			return err
		}
	}
	return nil
}

func (t tee) Adapted(a Adaptation) error {
	for _, s := range t {
		if err := s.Adapted(a); err != nil {
			return err
		}
	}
	return nil
}

func (t tee) End(tm Timing) error {
	for _, s := range t {
		if err := s.End(tm); err != nil {
			return err
		}
	}
	return nil
}

func (t tee) Abort(err error) {
	for _, s := range t {
		if a, ok := s.(Aborter); ok {
			a.Abort(err)
		}
	}
}

// findCollector returns the Collector inside k (itself or a Tee member).
func findCollector(k Sink) *Collector {
	switch k := k.(type) {
	case *Collector:
		return k
	case tee:
		for _, s := range k {
			if c := findCollector(s); c != nil {
				return c
			}
		}
	}
	return nil
}

// discard is the sink of a chain given none.
type discard struct{}

func (discard) Begin(RunInfo) error               { return nil }
func (discard) Draw(Stats, []float64, bool) error { return nil }
func (discard) Adapted(Adaptation) error          { return nil }
func (discard) End(Timing) error                  { return nil }
