// Package plots draws publication figures from causal graphs, fits and query
// results with gonum/plot. The output format follows the file extension:
// .pdf, .svg, .png (and .eps).
package plots
