package data

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"sync"
)

//go:embed embedded/covid_cooperation_panel.csv embedded/DATA.md embedded/NOTICE
var embedded embed.FS

// EmbeddedName is the file name of the panel that ships with the toolkit.
const EmbeddedName = "covid_cooperation_panel.csv"

// EmbeddedCSV returns the bytes of the embedded panel.
func EmbeddedCSV() []byte {
	b, err := embedded.ReadFile("embedded/" + EmbeddedName)
	if err != nil {
		panic("data: embedded panel missing: " + err.Error()) // a build defect
	}
	return b
}

// EmbeddedSHA256 returns the hex SHA-256 of the embedded panel's bytes.
func EmbeddedSHA256() string { return SHA256(EmbeddedCSV()) }

// EmbeddedDocs returns the embedded panel's documentation (sources,
// columns, coverage, caveats, suggested construct mapping) as Markdown.
func EmbeddedDocs() string {
	b, _ := embedded.ReadFile("embedded/DATA.md")
	return string(b)
}

// Attribution returns the NOTICE text crediting the data's producers; any
// output built from the embedded panel should carry it.
func Attribution() string {
	b, _ := embedded.ReadFile("embedded/NOTICE")
	return string(b)
}

var (
	embeddedOnce  sync.Once
	embeddedPanel *Panel
	embeddedErr   error
)

// Embedded returns the shipped COVID-19 cooperation panel (187 countries ×
// 36 months, keys iso3 and month), parsed once and shared: callers must not
// modify it.
func Embedded() (*Panel, error) {
	embeddedOnce.Do(func() {
		embeddedPanel, embeddedErr = Load(bytes.NewReader(EmbeddedCSV()), EmbeddedName, DefaultOptions())
	})
	return embeddedPanel, embeddedErr
}

// SHA256 returns the hex SHA-256 of b, as fit manifests record data files.
func SHA256(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
