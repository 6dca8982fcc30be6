package model

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// adjustCase is a published or textbook graph with its known adjustment
// sets. Graphs are written from the cited sources (dagitty's example
// gallery and test suite, Pearl's Causality); the expected sets were worked
// out by hand from the back-door or single-door criterion.
type adjustCase struct {
	name      string
	src       string
	effect    Effect
	include   []string
	want      []string // minimal sets as "{a, b}", sorted; nil: not identified
	canonical string   // when set, the expected canonical set
	reason    string   // when not identified: a substring of the reason
	valid     [][]string
	invalid   [][]string
}

var adjustCases = []adjustCase{
	{name: "confounding triangle",
		src:  "x [exposure]; y [outcome]; z -> x; z -> y; x -> y",
		want: []string{"{z}"}, canonical: "{z}"},
	{name: "mediator, total effect",
		src:  "x [exposure]; y [outcome]; x -> m -> y",
		want: []string{"{}"}, canonical: "{}", invalid: [][]string{{"m"}}},
	{name: "mediator, direct effect", effect: Direct,
		src:  "x [exposure]; y [outcome]; x -> m -> y; x -> y",
		want: []string{"{m}"}, invalid: [][]string{{}}},
	{name: "M-bias (Greenland 2003)",
		src:  "x [exposure]; y [outcome]; x <- a -> m <- b -> y; x -> y",
		want: []string{"{}"}, canonical: "{a, b}", valid: [][]string{{"a", "m"}}, invalid: [][]string{{"m"}}},
	{name: "M-bias with m adjusted (dagitty test suite)", include: []string{"m"},
		src:  "x [exposure]; y [outcome]; x <- a -> m <- b -> y; x -> y",
		want: []string{"{a, m}", "{b, m}"}},
	{name: "M-bias with a adjusted (dagitty test suite)", include: []string{"a"},
		src:  "x [exposure]; y [outcome]; x <- a -> m <- b -> y; x -> y",
		want: []string{"{a}"}},
	{name: "butterfly bias (Ding and Miratrix 2015)",
		src:  "x [exposure]; y [outcome]; x <- a -> m <- b -> y; m -> x; m -> y; x -> y",
		want: []string{"{a, m}", "{b, m}"}, invalid: [][]string{{"m"}, {}}},
	{name: "front-door graph: latent confounder as <->",
		src:  "x [exposure]; y [outcome]; x -> m -> y; x <-> y",
		want: nil, reason: "x <-> y"},
	{name: "latent confounder",
		src:  "x [exposure]; y [outcome]; u [latent]; u -> x; u -> y; x -> y",
		want: nil, reason: "u is latent"},
	{name: "latent confounder with an observed proxy only",
		src:  "x [exposure]; y [outcome]; u [latent]; u -> x; u -> y; u -> w; x -> y",
		want: nil, reason: "latent", invalid: [][]string{{"w"}}},
	{name: "latent confounder blocked by an observed intermediate",
		src:  "x [exposure]; y [outcome]; u [latent]; u -> w -> x; u -> y; x -> y",
		want: []string{"{w}"}},
	{name: "instrument with latent confounding",
		src:  "x [exposure]; y [outcome]; u [latent]; z -> x -> y; u -> x; u -> y",
		want: nil, reason: "u is latent", invalid: [][]string{{"z"}}},
	{name: "instrument only",
		src:  "x [exposure]; y [outcome]; z -> x -> y",
		want: []string{"{}"}, canonical: "{z}"},
	{name: "precision variable",
		src:  "x [exposure]; y [outcome]; x -> y; w -> y",
		want: []string{"{}"}, canonical: "{w}"},
	{name: "collider between exposure and outcome",
		src:  "x [exposure]; y [outcome]; x -> c <- y; x -> y",
		want: []string{"{}"}, canonical: "{}", invalid: [][]string{{"c"}}},
	{name: "descendant of the outcome",
		src:  "x [exposure]; y [outcome]; x -> y -> d",
		want: []string{"{}"}, canonical: "{}", invalid: [][]string{{"d"}}},
	{name: "two confounders",
		src:  "x [exposure]; y [outcome]; {z1 z2} -> {x y}; x -> y",
		want: []string{"{z1, z2}"}, invalid: [][]string{{"z1"}, {"z2"}}},
	{name: "confounder chain",
		src:  "x [exposure]; y [outcome]; z1 -> z2 -> x; z1 -> y; x -> y",
		want: []string{"{z1}", "{z2}"}},
	{name: "Pearl, Causality (2009), Figure 3.4",
		src: `X [exposure]; Y [outcome]
			X1 -> X3; X1 -> X4; X2 -> X4; X2 -> X5; X3 -> X; X4 -> X; X4 -> Y; X5 -> Y; X -> X6 -> Y`,
		want:    []string{"{X1, X4}", "{X2, X4}", "{X3, X4}", "{X4, X5}"},
		invalid: [][]string{{"X4"}, {"X6", "X4", "X3"}}},
	{name: "extended confounding triangle (dagitty examples)",
		src:  "E [exposure]; D [outcome]; E -> D; A -> {E Z}; B -> {D Z}; Z -> {E D}",
		want: []string{"{A, Z}", "{B, Z}"}, invalid: [][]string{{"Z"}}},
	{name: "small model with mediator (dagitty examples), total",
		src:  "X [exposure]; Y [outcome]; Z -> {X I}; X -> {I Y}; I -> Y",
		want: []string{"{Z}"}},
	{name: "small model with mediator (dagitty test suite), direct", effect: Direct,
		src:  "X [exposure]; Y [outcome]; Z -> {X I}; X -> {I Y}; I -> Y",
		want: []string{"{I}"}},
	{name: "many variables but few paths (dagitty examples)",
		src: `E [exposure]; D [outcome]
			1 -> E; 2 -> 1; 3 -> 2; 4 -> 3; 5 -> 4; 6 -> 5; 7 -> {6 E}; 8 -> {7 D}; 9 -> 8; 10 -> 9
			11 -> 10; 12 -> 11; 13 -> 12; 14 -> 13; 15 -> {14 D}; E -> D`,
		want: []string{"{7}", "{8}"}},
	{name: "Polzer et al. 2012, tooth loss and mortality (dagitty test suite)",
		src: `dag {
			ToothLoss [exposure]; Mortality [outcome]
			ToothLoss -> Mortality
			Periodontitis -> ToothLoss; Caries -> ToothLoss
			Diabetes -> {Mortality Periodontitis Hypertension Lipids}
			Obesity -> {Mortality Periodontitis Diabetes Hypertension Lipids}
			Hypertension -> Mortality
			Psychosocial -> {ToothLoss Mortality Periodontitis Caries Diabetes Obesity Hypertension Alcohol Smoking Sport Lipids}
			Age -> {ToothLoss Mortality Periodontitis Caries Diabetes Obesity Hypertension Psychosocial Alcohol Smoking Sport Lipids}
			Sex -> {ToothLoss Mortality Periodontitis Caries Diabetes Obesity Hypertension Psychosocial Alcohol Smoking Sport Lipids}
			Alcohol -> {ToothLoss Mortality Diabetes Obesity Hypertension Smoking Lipids}
			Smoking -> {ToothLoss Mortality Periodontitis Diabetes Obesity Hypertension Sport}
			Sport -> {Mortality Periodontitis Diabetes Obesity Hypertension Lipids}
			Lipids -> Mortality }`,
		want: []string{"{Age, Alcohol, Diabetes, Obesity, Psychosocial, Sex, Smoking, Sport}",
			"{Age, Alcohol, Periodontitis, Psychosocial, Sex, Smoking}"}},
	{name: "Schipf et al. 2010 (dagitty examples)",
		src: `TT [exposure]; T2DM [outcome]
			A -> {S PA WC U TT}; S -> {TT T2DM}; WC -> {TT U T2DM}; U -> {TT T2DM}; PA -> {WC T2DM}`,
		want: []string{"{A, S, U, WC}", "{PA, S, U, WC}"}},
	{name: "Shrier and Platt 2008, warm-up exercises and injury (dagitty examples)",
		src: `WarmUpExercises [exposure]; Injury [outcome]
			Coach -> {FitnessLevel TeamMotivation}
			Genetics -> {FitnessLevel NeuromuscularFatigue ConnectiveTissueDisorder}
			TeamMotivation -> {PreviousInjury WarmUpExercises}
			PreGameProprioception -> WarmUpExercises
			ConnectiveTissueDisorder -> {TissueWeakness NeuromuscularFatigue}
			ContactSport -> {IntraGameProprioception PreviousInjury}
			TissueWeakness -> Injury
			IntraGameProprioception -> Injury
			FitnessLevel -> {PreGameProprioception NeuromuscularFatigue}
			NeuromuscularFatigue -> {IntraGameProprioception Injury}
			WarmUpExercises -> IntraGameProprioception`,
		want: []string{"{Coach, FitnessLevel}", "{Coach, PreGameProprioception}",
			"{ConnectiveTissueDisorder, NeuromuscularFatigue}", "{FitnessLevel, Genetics}",
			"{FitnessLevel, TeamMotivation}", "{NeuromuscularFatigue, TissueWeakness}",
			"{PreGameProprioception, TeamMotivation}"},
		invalid: [][]string{{"Coach", "Genetics"}, {"IntraGameProprioception", "NeuromuscularFatigue", "TissueWeakness"}}},
	{name: "van Kampen 2014 (dagitty examples)",
		src: `SUS [exposure]; EGC [outcome]
			AFF -> {ALN APA CDR}; AIS -> {AFF EGC SUS}; ALN -> {APA DET FTW PER SUS}; CDR -> DET
			EGC -> HOS; FTW -> {DET EGC}; SAN -> {ALN AFF AIS APA CDR}; SUS -> {EGC FTW HOS}; PER -> DET`,
		want: []string{"{AIS, ALN}"}},
	{name: "Didelez et al. 2010 (dagitty examples; selection node kept as an attribute)",
		src: `dag {
			Age [adjusted,pos="-1.973,-0.123"]; HRT [exposure]; S [selected]; TCI [outcome]
			Age -> {HRT Occ S TCI}; HRT -> TCI; Occ -> {Smo Thist}; Smo -> {HRT TCI}; TCI -> S; Thist -> TCI }`,
		want: []string{"{Age, Smo}"}, invalid: [][]string{{"Age", "S", "Smo"}}},
	{name: "Thoemmes 2013 with s2 adjusted, total (dagitty test suite)", include: []string{"s2"},
		src: thoemmes, want: nil, reason: "descendant"},
	{name: "Thoemmes 2013, total (dagitty test suite)",
		src: thoemmes, want: []string{"{}"}},
	{name: "Thoemmes 2013 with s2 adjusted, direct (dagitty test suite)", effect: Direct, include: []string{"s2"},
		src: thoemmes, want: []string{"{e2, s2}", "{s1, s2}"}},
	{name: "bidirected chain x <-> m <-> y (dagitty test suite)",
		src:  "dag { x [exposure] y [outcome] x <-> m <-> y x -> y }",
		want: []string{"{}"}, invalid: [][]string{{"m"}}},
	{name: "nested groups (dagitty test suite), total",
		src:  "Z -> {{a [exposure]} -> { b -> {c [outcome]} }}",
		want: []string{"{Z}"}, valid: [][]string{{"Z"}}},
	{name: "nested groups (dagitty test suite), direct", effect: Direct,
		src:  "Z -> {{a [exposure]} -> { b -> {c [outcome]} }}",
		want: []string{"{Z, b}"}, valid: [][]string{{"Z", "b"}}, invalid: [][]string{{"Z"}}},
	{name: "mediator-outcome confounder, direct effect", effect: Direct,
		src:  "x [exposure]; y [outcome]; x -> m -> y; x -> y; c -> {m y}",
		want: []string{"{c, m}"}, invalid: [][]string{{"m"}}},
	{name: "mediator-outcome confounder, total effect",
		src:  "x [exposure]; y [outcome]; x -> m -> y; x -> y; c -> {m y}",
		want: []string{"{}"}},
	{name: "Acid and de Campos 1996 (dagitty examples)",
		src: `x3 [exposure]; x15 [outcome]
			x4 -> x5; x5 -> {x7 x11}; x6 -> {x7 x14}; x7 -> x9; x8 -> {x14 x15}; x9 -> x10; x10 -> {x12 x15}
			x11 -> x12; x12 -> x13; x14 -> x16; x16 -> x17; x15 -> {x17 x18}; x1 -> {x4 x3}; x2 -> x3; x3 -> {x6 x5}`,
		want: []string{"{x1}", "{x4}"}, valid: [][]string{{"x1"}, {"x1", "x8"}}, invalid: [][]string{{}, {"x1", "x9"}, {"x4", "x16"}}},
	{name: "lagged feedback: the previous outcome confounds",
		src:  "x [exposure]; y [outcome]; x -> y; y -> x [lag=1]; y -> y [lag=1]",
		want: []string{"{y@t-1}"}, canonical: "{x@t-1, y@t-1}", invalid: [][]string{{"x@t-1"}}},
}

const thoemmes = `dag {
	e0 [latent]; e1 [latent]; e3 [latent]; e4 [latent]; x [exposure]; y [outcome]
	e0 -> x; e1 -> s1; e2 -> {s2 y}; e3 -> s3; e4 -> y
	s1 -> {s2 z}; s2 -> {s3 z2}; s3 -> y; x -> {y s1}; y -> z3 }`

func braces(s []string) string { return "{" + strings.Join(s, ", ") + "}" }

func TestPublishedAdjustmentSets(t *testing.T) {
	if len(adjustCases) < 25 {
		t.Fatalf("only %d cases", len(adjustCases))
	}
	for _, c := range adjustCases {
		t.Run(c.name, func(t *testing.T) {
			m := mustParse(t, c.src)
			xs, ys := m.Exposures(), m.Outcomes()
			if len(xs) != 1 || len(ys) != 1 {
				t.Fatalf("want one exposure and one outcome, got %v %v", xs, ys)
			}
			x, y := xs[0], ys[0]
			a, err := m.Adjust(x, y, c.effect, c.include)
			if c.want == nil {
				var ni *NotIdentifiedError
				if !errors.As(err, &ni) {
					t.Fatalf("want a refusal, got %+v %v", a, err)
				}
				if !strings.Contains(ni.Error(), c.reason) {
					t.Errorf("reason %q does not mention %q", ni.Error(), c.reason)
				}
			} else {
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, s := range a.Sets {
					if !slices.IsSorted(s) {
						t.Errorf("set %v not sorted", s)
					}
					got = append(got, braces(s))
				}
				if !slices.Equal(got, c.want) {
					t.Errorf("sets %v, want %v", got, c.want)
				}
				if c.canonical != "" && braces(a.Canonical) != c.canonical {
					t.Errorf("canonical %s, want %s", braces(a.Canonical), c.canonical)
				}
			}
			for _, z := range c.valid {
				if ok, why, err := m.IsAdjustmentSet(x, y, z, c.effect); err != nil || !ok {
					t.Errorf("%v should be valid: %v %q %v", z, ok, why, err)
				}
			}
			for _, z := range c.invalid {
				if ok, _, err := m.IsAdjustmentSet(x, y, z, c.effect); err != nil || ok {
					t.Errorf("%v should be invalid: %v %v", z, ok, err)
				}
			}
		})
	}
}
