package sem

import "dilemma/data"

// PanelLayout returns the row structure of a loaded panel: its units,
// periods and each row's calendar ordinal. A panel without unit and time
// keys gives a cross-section layout (rows only).
func PanelLayout(p *data.Panel) Layout {
	l := Layout{Rows: p.NumRows()}
	if !p.IsPanel() {
		return l
	}
	l.Units, l.Unit = p.Units(), p.UnitIndex()
	l.Times, l.Time = p.Times(), p.TimeIndex()
	l.Ordinal = p.TimeOrdinal()
	return l
}
