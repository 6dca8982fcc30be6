package sem

import "strconv"

// interactionName is the coefficient name of an interaction term:
// c.PARENT.MODERATOR.NODE, each of parent and moderator followed by .lagK
// when read k periods back.
func interactionName(node string, t Term) string {
	s := "c." + t.Parent
	if t.Lag > 0 {
		s += ".lag" + strconv.Itoa(t.Lag)
	}
	s += "." + t.Moderator
	if t.ModeratorLag > 0 {
		s += ".lag" + strconv.Itoa(t.ModeratorLag)
	}
	return s + "." + node
}
