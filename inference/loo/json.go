package loo

import (
	"encoding/json"
	"math"
	"strconv"
)

// jsonFloat marshals like float64 except that NaN and ±Inf, which JSON
// cannot hold, become null.
type jsonFloat float64

func (f jsonFloat) MarshalJSON() ([]byte, error) {
	v := float64(f)
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, v, 'g', -1, 64), nil
}

type pointJSON struct {
	ELPD jsonFloat `json:"elpd_loo"`
	MCSE jsonFloat `json:"mcse_elpd_loo"`
	PLOO jsonFloat `json:"p_loo"`
	KHat jsonFloat `json:"pareto_k"`
	ESS  jsonFloat `json:"ess"`
	REff jsonFloat `json:"r_eff"`
}

// MarshalJSON writes the point with the loo package's column names;
// non-finite numbers (a failed fit's k-hat) become null.
func (p Point) MarshalJSON() ([]byte, error) {
	return json.Marshal(pointJSON{
		jsonFloat(p.ELPD), jsonFloat(p.MCSE), jsonFloat(p.PLOO),
		jsonFloat(p.KHat), jsonFloat(p.ESS), jsonFloat(p.REff),
	})
}

// MarshalJSON writes the result with the loo package's names (elpd_loo,
// se_elpd_loo, p_loo, …); NaN and infinite numbers become null. The k-hats
// appear once, in pointwise.
func (r *Result) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Draws        int       `json:"draws"`
		Observations int       `json:"observations"`
		ELPD         jsonFloat `json:"elpd_loo"`
		SE           jsonFloat `json:"se_elpd_loo"`
		PLOO         jsonFloat `json:"p_loo"`
		PLOOSE       jsonFloat `json:"se_p_loo"`
		LOOIC        jsonFloat `json:"looic"`
		LOOICSE      jsonFloat `json:"se_looic"`
		MCSE         jsonFloat `json:"mcse_elpd_loo"`
		Threshold    jsonFloat `json:"k_threshold"`
		NumBadK      int       `json:"num_bad_k"`
		NumVeryBadK  int       `json:"num_very_bad_k"`
		Warnings     []string  `json:"warnings"`
		Pointwise    []Point   `json:"pointwise"`
	}{
		r.Draws, r.Observations,
		jsonFloat(r.ELPD), jsonFloat(r.SE), jsonFloat(r.PLOO), jsonFloat(r.PLOOSE),
		jsonFloat(r.LOOIC), jsonFloat(r.LOOICSE), jsonFloat(r.MCSE), jsonFloat(r.Threshold),
		r.NumBadK, r.NumVeryBadK, nonNil(r.Warnings), r.Pointwise,
	})
}

// MarshalJSON writes the row with the loo package's names (elpd_diff,
// se_diff, p_worse, …); NaN becomes null.
func (m ModelRow) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Name     string    `json:"model"`
		ELPDDiff jsonFloat `json:"elpd_diff"`
		SEDiff   jsonFloat `json:"se_diff"`
		PWorse   jsonFloat `json:"p_worse"`
		ELPD     jsonFloat `json:"elpd_loo"`
		SE       jsonFloat `json:"se_elpd_loo"`
		PLOO     jsonFloat `json:"p_loo"`
		PLOOSE   jsonFloat `json:"se_p_loo"`
		LOOIC    jsonFloat `json:"looic"`
		LOOICSE  jsonFloat `json:"se_looic"`
		NumBadK  int       `json:"num_bad_k"`
	}{
		m.Name, jsonFloat(m.ELPDDiff), jsonFloat(m.SEDiff), jsonFloat(m.PWorse),
		jsonFloat(m.ELPD), jsonFloat(m.SE), jsonFloat(m.PLOO), jsonFloat(m.PLOOSE),
		jsonFloat(m.LOOIC), jsonFloat(m.LOOICSE), m.NumBadK,
	})
}

// MarshalJSON writes the comparison: the models best first, then the
// warnings.
func (c Comparison) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Models   []ModelRow `json:"models"`
		ELPDDiff jsonFloat  `json:"elpd_diff"`
		SEDiff   jsonFloat  `json:"se_diff"`
		Warnings []string   `json:"warnings"`
	}{c.Models, jsonFloat(c.ELPDDiff), jsonFloat(c.SEDiff), nonNil(c.Warnings)})
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
