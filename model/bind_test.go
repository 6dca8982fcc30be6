package model

import (
	"reflect"
	"strings"
	"testing"
)

func TestBindSameName(t *testing.T) {
	m := mustParse(t, `dag {
  a -> b -> c
  L -> c
  r -> a
  r [role="root"]
  L [latent, indicators="x1,x2"]
  b [column="b_raw", transform="log1p"]
  c [transform="standardize"]
}`)
	bm, bs, err := m.Bind([]string{"a", "b_raw", "c", "x1", "x2"}, "my.csv")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Binding{}
	for _, b := range bs {
		got[b.Node] = b
	}
	want := map[string]Binding{
		"a": {Node: "a", Kind: BindSameName, Column: "a"},
		"b": {Node: "b", Kind: BindColumn, Column: "b_raw", Transform: "log1p"},
		"c": {Node: "c", Kind: BindSameName, Column: "c", Transform: "standardize"},
		"L": {Node: "L", Kind: BindIndicators, Indicators: []string{"x1", "x2"}},
	}
	for k, w := range want {
		if !reflect.DeepEqual(got[k], w) {
			t.Errorf("%s: got %+v, want %+v", k, got[k], w)
		}
	}
	if got["r"].Kind != BindNone || !strings.Contains(got["r"].Why, "fixed root") {
		t.Errorf("r: %+v", got["r"])
	}
	if bm.Node("a").Column != "a" || bm.Node("c").Column != "c" || m.Node("a").Column != "" {
		t.Error("the bound copy has the same-name columns and the original is unchanged")
	}
	if !bm.Node("r").Fixed() {
		t.Error("r stays a fixed root")
	}
	if s := got["a"].String(); s != `a: column "a" (same name)` {
		t.Errorf("String: %q", s)
	}
	// A root whose name is a column binds to it.
	_, bs, err = m.Bind([]string{"a", "b_raw", "c", "x1", "x2", "r"}, "my.csv")
	if err != nil || bs[len(bs)-1].Node != "r" && bs[0].Kind != BindSameName {
		t.Fatal(err)
	}
	for _, b := range bs {
		if b.Node == "r" && b.Kind != BindSameName {
			t.Errorf("r with a column r: %+v", b)
		}
	}
}

func TestBindErrors(t *testing.T) {
	cols := []string{"Alpha", "beta_score", "gamma", "x1", "x2", "who_region"}
	cases := []struct {
		name, src string
		want      []string
	}{
		{"no data, case", "alpha -> gamma", []string{`1:1: node alpha has no data`, `no column "alpha" in d.csv`, "(nearest: Alpha)", `column="…"`}},
		{"no data, substring", "beta -> gamma", []string{"node beta has no data", "(nearest: beta_score)"}},
		{"no data, typo", "gamma -> gmama", []string{"node gmama has no data", "(nearest: gamma)"}},
		{"no data, nothing near", "gamma -> zzzzzzzz", []string{"node zzzzzzzz has no data"}},
		{"absent column", "gamma -> b\nb [column=\"betascore\"]", []string{`node b: column "betascore" is not in d.csv (nearest: beta_score)`}},
		{"absent indicator", "gamma -> L\nL [latent, indicators=\"x1,x3\"]", []string{`node L: indicator column "x3" is not in d.csv (nearest: x1, x2`}},
		{"absent group", "gamma -> p\np [column=\"x1\", transform=\"peer_mean(region)\"]", []string{`peer_mean group column "region"`, "who_region"}},
		{"two nodes one column", "a -> b\na [column=\"gamma\"]\nb [column=\"gamma\", transform=\"standardize\"]", []string{`nodes a and b both read column "gamma"`, "strength 1, sd 0"}},
		{"same name and column=", "gamma -> b\nb [column=\"gamma\"]", []string{`nodes gamma and b both read column "gamma"`}},
		{"node and indicator", "gamma -> L\nL [latent, indicators=\"gamma,x1\"]", []string{`column "gamma" is both node gamma's data and an indicator of L`}},
		{"indicator twice", "K -> L\nK [latent, indicators=\"x1,x2\"]\nL [latent, indicators=\"x2,gamma\"]", []string{`column "x2" is an indicator of both K and L`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := mustParse(t, c.src)
			_, _, err := m.Bind(cols, "d.csv")
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error is not one line: %q", err)
			}
		})
	}
	// A node named after a key.
	m0 := mustParse(t, "iso3 -> gamma\nb [column=\"month\"]")
	if _, _, err := m0.bind(cols, "d.csv", true, []string{"iso3", "month"}); err == nil || !strings.Contains(err.Error(), `node iso3 has no data: "iso3" is a unit or time key of d.csv, not a variable`) {
		t.Errorf("key as a node: %v", err)
	}
	m0 = mustParse(t, "a -> gamma\na [column=\"month\"]")
	if _, _, err := m0.bind(cols, "d.csv", true, []string{"iso3", "month"}); err == nil || !strings.Contains(err.Error(), `node a: column "month" is a unit or time key of d.csv, not a variable`) {
		t.Errorf("key as a column: %v", err)
	}
	// Different transforms of one column are different data.
	m := mustParse(t, "gamma -> p\np [column=\"gamma\", transform=\"lag(1)\"]\nq [column=\"gamma\", transform=\"peer_mean(who_region)\"]\nq -> gamma")
	if _, _, err := m.Bind(cols, "d.csv"); err != nil {
		t.Errorf("lag and peer mean of a node's column: %v", err)
	}
}

func TestNearestNames(t *testing.T) {
	cands := []string{"GDP", "gdp_pc", "log_gdp", "pop", "population", "gpd"}
	got := NearestNames("gdp", cands, 3)
	want := []string{"GDP", "gpd", "gdp_pc"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if got := NearestNames("popluation", cands, 3); !reflect.DeepEqual(got, []string{"population", "pop"}) {
		t.Errorf("typo: %v", got)
	}
	if got := NearestNames("trade", cands, 3); len(got) != 0 {
		t.Errorf("nothing near: %v", got)
	}
}

func TestBindLenientImplications(t *testing.T) {
	m := mustParse(t, "a -> b -> c\nd -> c")
	bm, bs, err := m.bind([]string{"a", "b", "c"}, "d.csv", false, nil)
	if err != nil {
		t.Fatal(err)
	}
	if bm.Node("b").Column != "b" || bs[3].Kind != BindNone || !strings.Contains(bs[3].Why, "node d has no data") {
		t.Errorf("lenient bind: %+v", bs)
	}
}
