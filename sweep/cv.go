package sweep

import (
	"context"
	"errors"

	"dilemma/data"
	"dilemma/fit"
	"dilemma/table"
)

// CVTask is one fold of a leave-units-out cross-validation.
type CVTask struct {
	Fold  int      `json:"fold"`
	Units []string `json:"units"`
}

// CVResult is one fold's expected log predictive density.
type CVResult struct {
	Fold int `json:"fold"`
	Elpd Num `json:"elpd"`
	SE   Num `json:"se"`
	Rows int `json:"rows"`
}

func buildCV(f *File, p *Plan, panel *data.Panel) error {
	return errors.New("kind = \"cv\" is not available yet")
}

func runCV(ctx context.Context, t *Task, m *fit.Manifest, tm *Timing) (*Result, error) {
	return nil, errors.New("kind = \"cv\" is not available yet")
}

// CVSummary is the cross-validation's elpd per fold and in total.
type CVSummary struct {
	Folds []CVResult `json:"folds"`
	Elpd  Num        `json:"elpd"`
	SE    Num        `json:"se"`
}

func (c *Collection) collectCV(p *Plan) error {
	return errors.New("kind = \"cv\" is not available yet")
}

func (c *Collection) cvTable() *table.Table { return nil }
