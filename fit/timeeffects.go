package fit

import (
	"dilemma/model"
	"dilemma/model/sem"
)

// nodeTime is the period effects of n's equation: its time_effects=
// attribute when set (model.TimeEffectModes, checked by the parser), else
// def, the fit's default (Options.Time).
func nodeTime(n *model.Node, def sem.TimeMode) sem.TimeMode {
	switch n.TimeEffects {
	case "none":
		return sem.TimeNone
	case "fixed":
		return sem.TimeFixed
	case "random-walk":
		return sem.TimeRandomWalk
	}
	return def
}
