// Package catalog holds the disclosure items of both editions of the MIC
// disclosure guideline as data: item numbers, names in Japanese and English,
// whether each item is mandatory, the certification requirement of seed 001
// §5(2), and the mapping between the editions.
//
// The data is the transcription of record in testdata/catalog, embedded
// verbatim (a test fails when the copies drift apart) and decoded once.
package catalog

import (
	"embed"
	"fmt"
	"slices"
	"sync"
)

// Editions of the guideline, as written in claims files.
const (
	EditionIoT     = "iot-asp-saas" // seed 000: items 1–116
	EditionASPSaaS = "asp-saas"     // the newer ASP・SaaS numbering of published sheets (seed 002)
)

// Editions lists the edition names.
func Editions() []string { return []string{EditionASPSaaS, EditionIoT} }

// Mandatory says whether the guideline requires an item to be disclosed.
type Mandatory string

// Values of Mandatory.
const (
	Required Mandatory = "required" // 必須
	Optional Mandatory = "optional" // 選択
	Mixed    Mandatory = "mixed"    // some sub-requirements 必須, others 選択
	Unknown  Mandatory = ""         // the catalog does not say
)

// Certification is what seed 001 §5(2) demands of an item beyond disclosure.
type Certification string

// Values of Certification.
const (
	CertNone          Certification = "none"           // disclosure suffices (if mandatory)
	CertMustImplement Certification = "must_implement" // not certified unless the measure is in place
	CertMinimumValue  Certification = "minimum_value"  // not certified below a minimum value
)

// Requirement is one sub-requirement (規程内容) of an item.
type Requirement struct {
	Seq       int
	TextJa    string
	Gloss     string
	Mandatory Mandatory
	// Stated is the value seed 002 states for it (asp-saas edition only).
	Stated string
}

// Item is one disclosure item of an edition.
type Item struct {
	Edition       string
	Number        int
	MajorJa       string
	MajorEn       string
	MiddleJa      string
	NameJa        string
	NameEn        string
	Mandatory     Mandatory
	Certification Certification
	Requirements  []Requirement
	// IoTNumber is the same item's number in the iot-asp-saas edition and
	// ASPSaaSNumber its number in the asp-saas edition; 0 when the other
	// edition has no counterpart.
	IoTNumber     int
	ASPSaaSNumber int
	// Uncertain is true when the item's identity is inferred only from its
	// position in the numbering (asp-saas numbers seed 002 does not show).
	Uncertain bool
}

// Catalog is both editions' item lists.
type Catalog struct {
	editions map[string][]Item
}

//go:embed data/*.yaml
var dataFS embed.FS

// Data files, as in testdata/catalog.
const (
	FileIoT     = "disclosure_items_iot_asp_saas.yaml"
	FileASPSaaS = "disclosure_items_asp_saas_newer.yaml"
)

// RawFile returns an embedded catalog file as transcribed.
func RawFile(name string) ([]byte, error) { return dataFS.ReadFile("data/" + name) }

var load = sync.OnceValues(func() (*Catalog, error) {
	iot, err := RawFile(FileIoT)
	if err != nil {
		return nil, err
	}
	asp, err := RawFile(FileASPSaaS)
	if err != nil {
		return nil, err
	}
	return Parse(iot, asp)
})

// Default returns the embedded catalog.
func Default() *Catalog {
	c, err := load()
	if err != nil {
		// The embedded data is tested; failing here is a build defect.
		panic(fmt.Sprintf("catalog: embedded data: %v", err))
	}
	return c
}

// Items returns an edition's items in number order, or nil for an unknown
// edition.
func (c *Catalog) Items(edition string) []Item { return c.editions[edition] }

// Lookup returns an edition's item by number.
func (c *Catalog) Lookup(edition string, number int) (Item, bool) {
	items := c.editions[edition]
	i, ok := slices.BinarySearchFunc(items, number, func(it Item, n int) int { return it.Number - n })
	if !ok {
		return Item{}, false
	}
	return items[i], true
}

// Convert maps an item number from one edition to another; ok is false
// when the target edition has no counterpart.
func (c *Catalog) Convert(from, to string, number int) (int, bool) {
	if from == to {
		_, ok := c.Lookup(from, number)
		return number, ok
	}
	it, ok := c.Lookup(from, number)
	if !ok {
		return 0, false
	}
	n := it.ASPSaaSNumber
	if to == EditionIoT {
		n = it.IoTNumber
	}
	return n, n != 0
}
