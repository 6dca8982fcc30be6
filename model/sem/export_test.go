package sem

// CompileRowLoop compiles spec without sufficient statistics (every
// equation through the row loop), for tests in package sem_test.
func CompileRowLoop(spec *Spec) (*Posterior, error) {
	return compile(spec, compileOptions{noSuff: true})
}
