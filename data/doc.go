// Package data reads, validates and transforms country-by-time panel data
// for the dilemma toolkit, and ships the real COVID-19 cooperation panel.
//
// A panel is a CSV file with one row per unit (country) and period. Load
// reads it into a gota DataFrame (Panel.Frame) and, alongside, into
// contiguous float64 columns that estimation code uses directly. The unit
// and time keys are configurable (defaults "iso3" and "month"); time values
// may be YYYY-MM, YYYY-MM-DD, YYYY or plain integers.
//
// Validation reports every problem, not only the first, each with the file,
// the 1-based line as a text editor counts it, and the column: missing key
// columns, duplicate (unit, time) rows, unparsable numbers, NaN or Inf
// written as text, ragged rows, an empty file, bytes that are not UTF-8, a
// required column that is absent, and values outside a declared range.
// Empty cells (and the text NA) are missing values: they are allowed and
// counted per column as coverage (see Describe).
//
// A column is numeric when some of its cells are numbers and they outnumber
// the cells that are neither numbers nor a missing-value marker (n/a, ".",
// "-", null, missing, …); otherwise it is text. In a numeric column every
// other cell is a problem reported with its line (a marker with the advice
// to leave the cell empty), so a column with a few stray text cells is
// never read as text without a word.
//
// # Transforms
//
// Model files name a column and a transform pipeline: steps joined by '|'
// and applied left to right, for example "log1p|standardize".
//
//	standardize         (x − mean) / sd over the observed cells
//	center              x − mean
//	log, log1p, logit   elementwise; a value outside the domain is an error
//	lag(k), lead(k)     the unit's value k periods earlier (later); k defaults to 1
//	diff(k)             x − lag(k)
//	peer_mean(G)        leave-one-out mean of x over the other units that share
//	                    the value of grouping column G in the same period
//	indicator(>c)       1 if x > c else 0 (also >=, <, <=, ==)
//
// Lags, leads and differences never cross units: they look up the same
// unit's row k calendar periods away (months for YYYY-MM, days for
// YYYY-MM-DD, years or integers otherwise), so the first period of a unit,
// or a gap, gives a missing value rather than another unit's value.
//
// Panel.Invert fits a pipeline's inverse for reporting in a column's own
// units (a Scale): the trailing steps that map values one to one
// (standardize, center, log, log1p, logit) are inverted, with the mean and
// sd that standardize and center take from the data; lag, lead, diff,
// peer_mean and indicator reindex, combine or coarsen values and are not
// value-invertible, so the steps up to the last of them are kept and the
// "own units" are the values they give (Scale.Kept, Scale.Unit).
//
// # The embedded panel
//
// Embedded returns covid_cooperation_panel.csv: 187 countries × 36 months
// (2020-01 … 2022-12) of OxCGRT policy indicators, JHU case and death
// counts, World Bank population and trade, and OWID vaccinations. Its
// documentation and attribution are in data/embedded/ (DATA.md and NOTICE).
//
// # Size limits
//
// LoadFile and Load read at most MaxCSVBytes (1 GiB) and stop at the first
// NUL byte (ReadAllLimited): a pipe that never closes, /dev/zero or a
// binary file ends with an error naming the file, not with memory
// exhausted.
//
// # Simulation
//
// Simulate draws a panel from a structural model with known parameters; the
// parameter-recovery tests of the estimation packages use it.
package data
