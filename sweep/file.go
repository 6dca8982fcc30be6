package sweep

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"

	"dilemma/fit"
)

// Kinds of sweep.
const (
	Multiverse = "multiverse"
	SBC        = "sbc"
	CV         = "cv"
)

// Kinds lists the kinds a sweep file may declare.
var Kinds = []string{Multiverse, SBC, CV}

// File is a parsed sweep file.
type File struct {
	// Path is the file as given; Dir the directory relative model and data
	// paths are resolved against (the file's own).
	Path, Dir string
	// Text is the file's text, copied into the sweep directory.
	Text string

	Kind  string
	Model string // a built-in name or a model file
	Data  string // a panel CSV; "" for the embedded panel
	Unit  string // unit key column of Data (default iso3)
	Time  string // time key column of Data (default month)
	// KeepFits writes each task's fit directory beside its result.
	KeepFits bool
	// WarmStart ([fit] warm_start = true) starts the tasks that share a
	// model from a pilot fit's step size, metric and final points, with WarmStartWarmup
	// warm-up iterations ([fit] warm_start_warmup, default warmup/4).
	WarmStart       bool
	WarmStartWarmup int
	// Settings are the fit settings of every task before the axes apply:
	// fit.DefaultSettings overlaid with the [fit] table.
	Settings fit.Settings
	Query    Query
	// Axes are the multiverse's axes in the order the file lists them.
	Axes []Axis
	SBC  SBCSpec
	CV   CVSpec
}

// Query is the question each task answers: an average effect or the
// remedies' effects.
type Query struct {
	Effect           string  `toml:"effect" json:"effect,omitempty"`
	Versus           string  `toml:"versus" json:"versus,omitempty"`
	Outcome          string  `toml:"outcome" json:"outcome,omitempty"`
	Remedies         bool    `toml:"remedies" json:"remedies,omitempty"`
	Horizon          int     `toml:"horizon" json:"horizon,omitempty"`
	Level            float64 `toml:"level" json:"level"`
	AssumeIdentified bool    `toml:"assume_identified" json:"assume_identified,omitempty"`
}

// String says what the query asks, in the command line's words.
func (q Query) String() string {
	if q.Remedies {
		return "remedies"
	}
	s := q.Effect
	if q.Versus != "" {
		s += " versus " + q.Versus
	}
	return s
}

// Axis is one choice of a multiverse and the values it takes.
type Axis struct {
	Name   string
	Values []string
	line   int
}

// SBCSpec sets a simulation-based calibration.
type SBCSpec struct {
	// Replications is the number of simulated data sets (default 100).
	Replications int `toml:"replications" json:"replications"`
	// Parameters are the parameters whose ranks are collected (default:
	// every edge strength).
	Parameters []string `toml:"parameters" json:"parameters,omitempty"`
	// Thin keeps every Thin-th draw for the ranks (default: enough to leave
	// about 100 draws), which removes most autocorrelation.
	Thin int `toml:"thin" json:"thin,omitempty"`
}

// CVSpec sets a leave-units-out cross-validation.
type CVSpec struct {
	// Folds is the number of unit folds (default 10).
	Folds int `toml:"folds" json:"folds"`
}

// fileTOML is the layout of a sweep file.
type fileTOML struct {
	Kind     string         `toml:"kind"`
	Model    string         `toml:"model"`
	Data     string         `toml:"data"`
	Unit     string         `toml:"unit"`
	Time     string         `toml:"time"`
	KeepFits bool           `toml:"keep_fits"`
	Fit      map[string]any `toml:"fit"`
	Query    Query          `toml:"query"`
	Axes     map[string]any `toml:"axes"`
	SBC      SBCSpec        `toml:"sbc"`
	CV       CVSpec         `toml:"cv"`
}

// Error is a problem in a sweep file, with the line it is on when known.
type Error struct {
	File string
	Line int
	Msg  string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// ReadFile reads and checks a sweep file.
func ReadFile(path string) (*File, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(b, path)
}

// Parse reads a sweep file's text; name is used in errors and relative
// paths are resolved against its directory.
func Parse(b []byte, name string) (*File, error) {
	text := string(b)
	bad := func(key, format string, args ...any) error {
		return &Error{File: name, Line: lineOf(text, key), Msg: fmt.Sprintf(format, args...)}
	}
	var raw fileTOML
	md, err := toml.Decode(text, &raw)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, &Error{File: name, Line: pe.Position.Line, Msg: pe.Message}
		}
		return nil, &Error{File: name, Msg: err.Error()}
	}
	if und := md.Undecoded(); len(und) > 0 {
		k := und[0]
		return nil, bad(k[len(k)-1], "unknown key %q (known: kind, model, data, unit, time, keep_fits, [fit], [query], [axes], [sbc], [cv])", k.String())
	}
	abs, _ := filepath.Abs(name)
	f := &File{Path: name, Dir: filepath.Dir(abs), Text: text, Kind: raw.Kind, Model: raw.Model, Data: raw.Data,
		Unit: raw.Unit, Time: raw.Time, KeepFits: raw.KeepFits, Query: raw.Query, SBC: raw.SBC, CV: raw.CV}
	if f.Kind == "" {
		return nil, bad("kind", `no kind: say kind = "multiverse", "sbc" or "cv"`)
	}
	if !slices.Contains(Kinds, f.Kind) {
		return nil, bad("kind", "unknown kind %q (known: %s)", f.Kind, strings.Join(Kinds, ", "))
	}
	if f.Model == "" {
		return nil, bad("model", `no model: say model = "fig2" (a built-in) or model = "my.dag"`)
	}
	if f.Data != "" && !filepath.IsAbs(f.Data) {
		f.Data = filepath.Join(f.Dir, f.Data)
	}
	if (f.Unit != "" || f.Time != "") && f.Data == "" {
		return nil, bad("unit", "unit and time name the key columns of data = \"…\"; the embedded panel's are fixed")
	}
	if f.Unit == "" {
		f.Unit = "iso3"
	}
	if f.Time == "" {
		f.Time = "month"
	}
	if err := f.warmKeys(raw.Fit, bad); err != nil {
		return nil, err
	}
	base := fit.DefaultSettings()
	if f.Kind == "sbc" {
		// SBC simulates each modelled column on the rows the data observe
		// and fits that: nothing is missing that it could impute, and a
		// root with missing values would get an equation of its own that
		// the simulator does not draw. missing = "model" may still be set.
		base.Missing = "drop"
	}
	if f.Settings, err = applySettings(base, raw.Fit); err != nil {
		return nil, bad(settingKey(err), "[fit]: %v", err)
	}
	if f.WarmStart && f.WarmStartWarmup < 0 {
		f.WarmStartWarmup = f.Settings.Warmup / 4
	}
	if err := f.checkQuery(bad); err != nil {
		return nil, err
	}
	// Axes in the order of the file.
	for _, k := range md.Keys() {
		if len(k) == 2 && k[0] == "axes" {
			f.Axes = append(f.Axes, Axis{Name: k[1], line: lineOf(text, k[1])})
		}
	}
	for i := range f.Axes {
		a := &f.Axes[i]
		vals, ok := raw.Axes[a.Name].([]any)
		if !ok {
			return nil, bad(a.Name, "axis %q: want a list of values, e.g. %q = [1, 2]", a.Name, a.Name)
		}
		if len(vals) == 0 {
			return nil, bad(a.Name, "axis %q has no values", a.Name)
		}
		seen := map[string]bool{}
		for _, v := range vals {
			s, err := valueString(v)
			if err != nil {
				return nil, bad(a.Name, "axis %q: %v", a.Name, err)
			}
			if seen[s] {
				return nil, bad(a.Name, "axis %q lists %q twice", a.Name, s)
			}
			seen[s] = true
			a.Values = append(a.Values, s)
		}
	}
	switch f.Kind {
	case Multiverse:
		if len(f.Axes) == 0 {
			return nil, bad("axes", "a multiverse needs [axes]: the choices to combine, e.g. seed = [1, 2]")
		}
	case SBC:
		if len(f.Axes) > 0 {
			return nil, bad("axes", "[axes] belong to a multiverse; an sbc sweep takes [sbc] replications and parameters")
		}
		if f.SBC.Replications == 0 {
			f.SBC.Replications = 100
		}
		if f.SBC.Replications < 2 {
			return nil, bad("replications", "[sbc] replications = %d: want at least 2", f.SBC.Replications)
		}
		if f.SBC.Thin < 0 {
			return nil, bad("thin", "[sbc] thin = %d: want 1 or more", f.SBC.Thin)
		}
	case CV:
		if len(f.Axes) > 0 {
			return nil, bad("axes", "[axes] belong to a multiverse; a cv sweep takes [cv] folds")
		}
		if f.CV.Folds == 0 {
			f.CV.Folds = 10
		}
		if f.CV.Folds < 2 {
			return nil, bad("folds", "[cv] folds = %d: want at least 2", f.CV.Folds)
		}
	}
	return f, nil
}

func (f *File) checkQuery(bad func(key, format string, args ...any) error) error {
	q := &f.Query
	if q.Level == 0 {
		q.Level = 0.9
	}
	if !(q.Level > 0 && q.Level < 1) {
		return bad("level", "[query] level = %g: want a probability between 0 and 1, e.g. 0.9", q.Level)
	}
	if q.Horizon < 0 {
		return bad("horizon", "[query] horizon = %d: want 0 or more periods", q.Horizon)
	}
	switch f.Kind {
	case Multiverse:
		if q.Effect == "" && !q.Remedies {
			return bad("query", `[query] needs effect = "do(x = +1sd)" or remedies = true`)
		}
		if q.Effect != "" && q.Remedies {
			return bad("remedies", "[query] asks for an effect and for remedies: give one")
		}
		if q.Versus != "" && q.Effect == "" {
			return bad("versus", "[query] versus needs an effect to contrast")
		}
	default:
		if q.Effect != "" || q.Remedies {
			return bad("query", "[query] belongs to a multiverse; a %s sweep collects %s", f.Kind, map[string]string{SBC: "ranks", CV: "elpd"}[f.Kind])
		}
	}
	return nil
}

// valueString writes an axis value as the text tasks record.
func valueString(v any) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case int64:
		return strconv.FormatInt(x, 10), nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return "", fmt.Errorf("value %v is not a finite number", x)
		}
		return strconv.FormatFloat(x, 'g', -1, 64), nil
	case bool:
		return strconv.FormatBool(x), nil
	}
	return "", fmt.Errorf("value %v: want a string, number or boolean", v)
}

// lineOf returns the first line that sets key (bare or quoted), or 0.
func lineOf(text, key string) int {
	for i, l := range strings.Split(text, "\n") {
		l = strings.TrimSpace(l)
		for _, k := range []string{key, `"` + key + `"`, "'" + key + "'", "[" + key + "]"} {
			if strings.HasPrefix(l, k) {
				rest := strings.TrimSpace(l[len(k):])
				if k[0] == '[' || strings.HasPrefix(rest, "=") {
					return i + 1
				}
			}
		}
	}
	return 0
}

// settingError names the fit setting a problem is about.
type settingError struct {
	key string
	msg string
}

func (e *settingError) Error() string { return e.msg }

func settingKey(err error) string {
	var se *settingError
	if errors.As(err, &se) {
		return se.key
	}
	return "fit"
}

// UnitEffectsKey is the setting a sweep may vary once fits support unit
// effects other than random intercepts.
const UnitEffectsKey = "unit_effects"

// settingFields maps the JSON name of each fit.Settings field to its index.
func settingFields() map[string]int {
	t := reflect.TypeOf(fit.Settings{})
	out := map[string]int{}
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" && name != "step_size" && name != "inv_metric" { // set by warm starts only
			out[name] = i
		}
	}
	return out
}

// SettingKeys lists the fit settings a sweep may set in [fit] or vary as an
// axis: the JSON names of fit.Settings, as fit manifests record them.
func SettingKeys() []string {
	var keys []string
	for k := range settingFields() {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// IsSetting reports whether name is a fit setting.
func IsSetting(name string) bool {
	_, ok := settingFields()[name]
	return ok
}

// setSetting sets the fit setting key of s from its text. A setting that
// fit.Settings does not have is an error, which for unit_effects says it
// is not available yet.
func setSetting(s *fit.Settings, key, value string) error {
	i, ok := settingFields()[key]
	if !ok {
		if key == UnitEffectsKey {
			return &settingError{key, "unit_effects is not available yet: this version of dilemma fits unit random intercepts only (vary unit_intercepts = [\"centred\", \"non-centred\"] or no_unit_intercepts = [false, true] instead)"}
		}
		return &settingError{key, fmt.Sprintf("unknown fit setting %q (known: %s)", key, strings.Join(SettingKeys(), ", "))}
	}
	f := reflect.ValueOf(s).Elem().Field(i)
	bad := func(want string) error {
		return &settingError{key, fmt.Sprintf("%s = %q: want %s", key, value, want)}
	}
	switch f.Kind() {
	case reflect.String:
		f.SetString(value)
	case reflect.Bool:
		v, err := strconv.ParseBool(value)
		if err != nil {
			return bad("true or false")
		}
		f.SetBool(v)
	case reflect.Int, reflect.Int64:
		v, err := strconv.ParseInt(value, 10, 64)
		if err != nil {
			return bad("an integer")
		}
		f.SetInt(v)
	case reflect.Uint64, reflect.Uint:
		v, err := strconv.ParseUint(value, 10, 64)
		if err != nil {
			return bad("a non-negative integer")
		}
		f.SetUint(v)
	case reflect.Float64:
		v, err := strconv.ParseFloat(value, 64)
		if err != nil {
			return bad("a number")
		}
		f.SetFloat(v)
	default:
		return &settingError{key, fmt.Sprintf("%s cannot be set from a sweep file", key)}
	}
	return nil
}

// applySettings overlays values (TOML values by setting name) on s.
func applySettings(s fit.Settings, values map[string]any) (fit.Settings, error) {
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v, err := valueString(values[k])
		if err != nil {
			return s, &settingError{k, fmt.Sprintf("%s: %v", k, err)}
		}
		if err := setSetting(&s, k, v); err != nil {
			return s, err
		}
	}
	return s, nil
}

// warmKeys takes warm_start and warm_start_warmup out of the [fit] table
// (they are sweep settings, not fit settings).
func (f *File) warmKeys(raw map[string]any, bad func(key, format string, args ...any) error) error {
	f.WarmStartWarmup = -1
	if v, ok := raw["warm_start"]; ok {
		b, isBool := v.(bool)
		if !isBool {
			return bad("warm_start", "[fit]: warm_start = %v: want true or false", v)
		}
		f.WarmStart = b
		delete(raw, "warm_start")
	}
	if v, ok := raw["warm_start_warmup"]; ok {
		n, isInt := v.(int64)
		if !isInt || n < 0 {
			return bad("warm_start_warmup", "[fit]: warm_start_warmup = %v: want a warm-up length of 0 or more", v)
		}
		if !f.WarmStart {
			return bad("warm_start_warmup", "[fit]: warm_start_warmup without warm_start = true")
		}
		f.WarmStartWarmup = int(n)
		delete(raw, "warm_start_warmup")
	}
	return nil
}
