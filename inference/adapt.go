package inference

import (
	"fmt"
	"math"
)

// dualAverage is Nesterov's dual averaging of log(step size) as Stan uses it
// (Hoffman and Gelman 2014, section 3.2): after every warm-up transition the
// step size moves so that the mean acceptance statistic approaches delta.
type dualAverage struct {
	delta, gamma, kappa, t0 float64
	mu                      float64 // shrinkage target of log(step size)
	counter                 float64
	sBar                    float64 // running mean of delta − accept_stat
	xBar                    float64 // running weighted mean of log(step size)
}

// restart forgets the history; the target mu is kept.
func (d *dualAverage) restart() {
	d.counter, d.sBar, d.xBar = 0, 0, 0
}

// learn records one acceptance statistic and returns the next step size.
func (d *dualAverage) learn(acceptStat float64) float64 {
	d.counter++
	if acceptStat > 1 {
		acceptStat = 1
	}
	eta := 1 / (d.counter + d.t0)
	d.sBar = (1-eta)*d.sBar + eta*(d.delta-acceptStat)
	x := d.mu - d.sBar*math.Sqrt(d.counter)/d.gamma
	w := math.Pow(d.counter, -d.kappa)
	d.xBar = (1-w)*d.xBar + w*x
	return math.Exp(x)
}

// final returns the step size at the end of warm-up, exp(x̄), or current if
// nothing was learned since the last restart (which happens only when the
// terminal buffer is empty; Stan would return exp(0) = 1 there).
func (d *dualAverage) final(current float64) float64 {
	if d.counter == 0 {
		return current
	}
	return math.Exp(d.xBar)
}

// windows is Stan's schedule of metric adaptation during warm-up: an initial
// buffer, then windows of doubling size in which draws are collected and at
// whose end the metric is re-estimated, then a terminal buffer. The last
// window is stretched to the terminal buffer when the window after it would
// not fit.
type windows struct {
	numWarmup, initBuffer, termBuffer, baseWindow int
	enabled                                       bool
	counter                                       int // warm-up iteration, 0-based
	size                                          int // size of the current window
	next                                          int // iteration that ends the current window
}

// newWindows lays out the schedule for numWarmup iterations. When the three
// stages do not fit, it falls back to 15%/75%/10% of numWarmup; with fewer
// than 20 iterations the metric is not adapted at all. Either way it returns
// a warning saying so.
//
// In the fallback the single window really is used. (Stan's
// windowed_adaptation, as read at the versions checked, sets the new buffer
// sizes without recomputing the end of the first window, which is left at
// its unsigned wrap-around value, so its metric is in effect never updated
// for 20 ≤ num_warmup < 150; we follow the documented intent instead.)
func newWindows(numWarmup, initBuffer, termBuffer, baseWindow int) (windows, string) {
	w := windows{numWarmup: numWarmup}
	if numWarmup < 20 {
		return w, fmt.Sprintf("no metric adaptation: num_warmup = %d is below 20; only the step size is adapted", numWarmup)
	}
	var warning string
	if initBuffer+baseWindow+termBuffer > numWarmup {
		initBuffer = int(0.15 * float64(numWarmup))
		termBuffer = int(0.10 * float64(numWarmup))
		baseWindow = numWarmup - (initBuffer + termBuffer)
		warning = fmt.Sprintf("num_warmup = %d is too short for the configured adaptation stages; "+
			"using 15%%/75%%/10%%: init_buffer = %d, window = %d, term_buffer = %d",
			numWarmup, initBuffer, baseWindow, termBuffer)
	}
	w.initBuffer, w.termBuffer, w.baseWindow = initBuffer, termBuffer, baseWindow
	w.enabled = baseWindow > 0
	w.size = baseWindow
	w.next = initBuffer + baseWindow - 1
	return w, warning
}

// collecting reports whether the current iteration's draw enters the
// metric estimate.
func (w *windows) collecting() bool {
	return w.enabled && w.counter >= w.initBuffer && w.counter < w.numWarmup-w.termBuffer
}

// ending reports whether the current iteration closes a window.
func (w *windows) ending() bool {
	return w.enabled && w.counter == w.next && w.counter < w.numWarmup-w.termBuffer
}

// advance moves to the next iteration, opening the next window first when
// the current one ends here.
func (w *windows) advance() {
	if w.ending() {
		w.computeNext()
	}
	w.counter++
}

func (w *windows) computeNext() {
	last := w.numWarmup - w.termBuffer - 1
	if w.next == last {
		return
	}
	w.size *= 2
	w.next = w.counter + w.size
	if w.next == last {
		return
	}
	// Stretch this window to the terminal buffer when the one after it
	// would overrun it.
	if w.next+2*w.size >= last+1 {
		w.next = last
	}
}

// windowEnds returns the 0-based warm-up iterations at which the metric is
// re-estimated.
func windowEnds(numWarmup, initBuffer, termBuffer, baseWindow int) []int {
	w, _ := newWindows(numWarmup, initBuffer, termBuffer, baseWindow)
	var ends []int
	for i := 0; i < numWarmup; i++ {
		if w.ending() {
			ends = append(ends, i)
		}
		w.advance()
	}
	return ends
}

// welford accumulates the mean and the (co)variance of draws with Welford's
// algorithm.
type welford struct {
	n     int
	dense bool
	count float64
	mean  []float64
	m2    []float64 // n (diagonal) or n*n (dense)
	delta []float64
}

func newWelford(n int, dense bool) *welford {
	w := &welford{n: n, dense: dense, mean: make([]float64, n), delta: make([]float64, n)}
	if dense {
		w.m2 = make([]float64, n*n)
	} else {
		w.m2 = make([]float64, n)
	}
	return w
}

func (w *welford) restart() {
	w.count = 0
	clear(w.mean)
	clear(w.m2)
}

func (w *welford) add(x []float64) {
	w.count++
	for i, xi := range x {
		d := xi - w.mean[i]
		w.delta[i] = d
		w.mean[i] += d / w.count
	}
	if !w.dense {
		for i, xi := range x {
			w.m2[i] += w.delta[i] * (xi - w.mean[i])
		}
		return
	}
	n := w.n
	for i, xi := range x {
		a := xi - w.mean[i]
		row := w.m2[i*n : i*n+n]
		for j := range row {
			row[j] += a * w.delta[j]
		}
	}
}

// regularized writes into out the sample (co)variance shrunk toward
// 1e-3·I as Stan does: (k/(k+5))·S + 1e-3·(5/(k+5))·I for k draws. It
// returns false and leaves out alone with fewer than 2 draws.
func (w *welford) regularized(out []float64) bool {
	if w.count < 2 {
		return false
	}
	k := w.count
	a := k / (k + 5)
	b := 1e-3 * 5 / (k + 5)
	for i, v := range w.m2 {
		out[i] = a * v / (k - 1)
	}
	if w.dense {
		n := w.n
		for i := 0; i < n; i++ {
			// Symmetrize against rounding.
			for j := 0; j < i; j++ {
				s := 0.5 * (out[i*n+j] + out[j*n+i])
				out[i*n+j], out[j*n+i] = s, s
			}
			out[i*n+i] += b
		}
		return true
	}
	for i := range out {
		out[i] += b
	}
	return true
}
