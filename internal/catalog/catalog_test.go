package catalog

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestEmbeddedMatchesRecord fails when the embedded copies drift from the
// catalog of record in testdata/catalog.
func TestEmbeddedMatchesRecord(t *testing.T) {
	for _, name := range []string{FileIoT, FileASPSaaS} {
		record, err := os.ReadFile(filepath.Join("..", "..", "testdata", "catalog", name))
		if err != nil {
			t.Fatal(err)
		}
		embedded, err := RawFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(record, embedded) {
			t.Errorf("internal/catalog/data/%s differs from testdata/catalog/%s: copy it over (cp testdata/catalog/%s internal/catalog/data/)", name, name, name)
		}
	}
}

func TestCounts(t *testing.T) {
	c := Default()
	iot := c.Items(EditionIoT)
	if len(iot) != 116 || iot[0].Number != 1 || iot[115].Number != 116 {
		t.Fatalf("iot-asp-saas: %d items, want 1–116", len(iot))
	}
	var must, minimum []int
	for _, it := range iot {
		switch it.Certification {
		case CertMustImplement:
			must = append(must, it.Number)
		case CertMinimumValue:
			minimum = append(minimum, it.Number)
		}
		if it.NameJa == "" || it.NameEn == "" {
			t.Errorf("iot item %d: name missing (ja %q, en %q)", it.Number, it.NameJa, it.NameEn)
		}
	}
	if want := []int{29, 59, 61, 62, 63, 64, 65, 71, 74, 75, 110, 113, 114}; !slices.Equal(must, want) {
		t.Errorf("must_implement = %v, want %v", must, want)
	}
	if want := []int{43}; !slices.Equal(minimum, want) {
		t.Errorf("minimum_value = %v, want %v", minimum, want)
	}
	asp := c.Items(EditionASPSaaS)
	if len(asp) < 83 {
		t.Errorf("asp-saas: %d items, want at least the 83 of seed 002", len(asp))
	}
	if c.Items("nope") != nil {
		t.Error("unknown edition has items")
	}
}

func TestMapping(t *testing.T) {
	c := Default()
	tests := []struct {
		from, to string
		n, want  int
		ok       bool
	}{
		{EditionASPSaaS, EditionIoT, 54, 53, true},  // backup
		{EditionASPSaaS, EditionIoT, 82, 97, true},  // location
		{EditionASPSaaS, EditionIoT, 76, 77, true},  // network encryption
		{EditionASPSaaS, EditionIoT, 42, 43, true},  // notice before change
		{EditionASPSaaS, EditionIoT, 34, 0, false},  // only in the newer edition
		{EditionIoT, EditionASPSaaS, 97, 82, true},  // location
		{EditionIoT, EditionASPSaaS, 75, 0, false},  // IoT device authentication
		{EditionIoT, EditionIoT, 116, 116, true},    // identity
		{EditionIoT, EditionIoT, 117, 117, false},   // out of range
		{EditionASPSaaS, EditionIoT, 999, 0, false}, // unknown
	}
	for _, tt := range tests {
		got, ok := c.Convert(tt.from, tt.to, tt.n)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Convert(%s→%s, %d) = %d, %v; want %d, %v", tt.from, tt.to, tt.n, got, ok, tt.want, tt.ok)
		}
	}
}

func TestItemDetails(t *testing.T) {
	c := Default()
	it, ok := c.Lookup(EditionASPSaaS, 60)
	if !ok {
		t.Fatal("asp-saas 60 missing")
	}
	if it.NameJa != "死活監視" || it.NameEn != "Liveness monitoring" || it.Certification != CertMustImplement || it.Mandatory != Required || it.IoTNumber != 59 {
		t.Errorf("asp-saas 60 = %+v", it)
	}
	it, _ = c.Lookup(EditionASPSaaS, 42)
	if it.Certification != CertMinimumValue {
		t.Errorf("asp-saas 42 certification = %q, want minimum_value", it.Certification)
	}
	it, _ = c.Lookup(EditionASPSaaS, 12)
	if it.Mandatory != Optional {
		t.Errorf("asp-saas 12 (自己資本比率) mandatory = %q, want optional", it.Mandatory)
	}
	it, ok = c.Lookup(EditionASPSaaS, 10)
	if !ok || !it.Uncertain {
		t.Errorf("asp-saas 10 should be a positional candidate: %+v", it)
	}
}
