package plots

// Check reports whether o is a valid size: the error names the bad field
// (width, height or dpi) and its limits. Save checks the same; commands
// call Check to refuse a bad size before any work.
func (o Options) Check() error {
	_, err := o.resolved()
	return err
}
