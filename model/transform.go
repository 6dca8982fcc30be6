package model

import "dilemma/data"

// checkTransform validates a transform pipeline with the data package's
// parser, so a model file with a bad transform fails when it is read, not
// when it is fitted.
func checkTransform(spec string) error {
	_, err := data.ParseTransform(spec)
	return err
}
