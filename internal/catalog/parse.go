package catalog

import (
	"fmt"
	"slices"

	yaml "go.yaml.in/yaml/v3"
)

// iotFile is the shape of disclosure_items_iot_asp_saas.yaml.
type iotFile struct {
	Schema string `yaml:"schema"`
	Items  []struct {
		Number            int     `yaml:"number"`
		MajorJa           string  `yaml:"major_category_ja"`
		MajorEn           string  `yaml:"major_category_en"`
		MiddleJa          *string `yaml:"middle_category_ja"`
		ItemJa            string  `yaml:"item_ja"`
		ItemEn            string  `yaml:"item_en"`
		Mandatory         *string `yaml:"mandatory"`
		MandatoryInferred *string `yaml:"mandatory_inferred"`
		Certification     string  `yaml:"certification_requirement"`
		NewerNo           *int    `yaml:"newer_edition_no"`
		Requirements      []struct {
			Seq       int     `yaml:"seq"`
			TextJa    string  `yaml:"text_ja"`
			Gloss     string  `yaml:"gloss"`
			Mandatory *string `yaml:"mandatory"`
		} `yaml:"requirements"`
	} `yaml:"items"`
}

// aspFile is the shape of disclosure_items_asp_saas_newer.yaml.
type aspFile struct {
	Schema string `yaml:"schema"`
	Items  []struct {
		No           int    `yaml:"no"`
		MajorJa      string `yaml:"major_category_ja"`
		MiddleJa     string `yaml:"middle_category_ja"`
		ItemJa       string `yaml:"item_ja"`
		Seed000No    *int   `yaml:"seed000_no"`
		Requirements []struct {
			Seq         int     `yaml:"seq"`
			TextJa      string  `yaml:"text_ja"`
			MandatoryJa *string `yaml:"mandatory_ja"`
			Stated      *string `yaml:"stated_value_ja"`
		} `yaml:"requirements"`
	} `yaml:"items"`
	Mapping []struct {
		NewerNo           int    `yaml:"newer_no"`
		InSeed002         bool   `yaml:"in_seed002"`
		Seed000No         *int   `yaml:"seed000_no"`
		Relation          string `yaml:"relation"`
		CandidateSeed000  *int   `yaml:"positional_candidate_seed000_no"`
		CandidateItemJa   string `yaml:"positional_candidate_item_ja"`
		Seed002ItemJa     string `yaml:"seed002_item_ja"`
		Seed000ItemJaNote string `yaml:"seed000_item_ja"`
	} `yaml:"mapping_newer_to_seed000"`
}

// Parse decodes the two catalog files (iot-asp-saas, then asp-saas).
func Parse(iotData, aspData []byte) (*Catalog, error) {
	var iot iotFile
	if err := yaml.Unmarshal(iotData, &iot); err != nil {
		return nil, fmt.Errorf("decode %s: %w", FileIoT, err)
	}
	var asp aspFile
	if err := yaml.Unmarshal(aspData, &asp); err != nil {
		return nil, fmt.Errorf("decode %s: %w", FileASPSaaS, err)
	}
	c := &Catalog{editions: map[string][]Item{}}

	iotItems := make([]Item, 0, len(iot.Items))
	for _, x := range iot.Items {
		it := Item{
			Edition: EditionIoT, Number: x.Number, MajorJa: x.MajorJa, MajorEn: x.MajorEn,
			NameJa: x.ItemJa, NameEn: x.ItemEn, IoTNumber: x.Number,
			Certification: Certification(x.Certification),
		}
		if x.MiddleJa != nil {
			it.MiddleJa = *x.MiddleJa
		}
		switch {
		case x.Mandatory != nil:
			it.Mandatory = Mandatory(*x.Mandatory)
		case x.MandatoryInferred != nil:
			it.Mandatory = Mandatory(*x.MandatoryInferred)
		}
		if x.NewerNo != nil {
			it.ASPSaaSNumber = *x.NewerNo
		}
		for _, r := range x.Requirements {
			req := Requirement{Seq: r.Seq, TextJa: r.TextJa, Gloss: r.Gloss}
			if r.Mandatory != nil {
				req.Mandatory = Mandatory(*r.Mandatory)
			}
			it.Requirements = append(it.Requirements, req)
		}
		iotItems = append(iotItems, it)
	}
	slices.SortFunc(iotItems, func(a, b Item) int { return a.Number - b.Number })
	iotItems = slices.CompactFunc(iotItems, func(a, b Item) bool { return a.Number == b.Number })
	c.editions[EditionIoT] = iotItems

	byNo := map[int]int{}
	var aspItems []Item
	for _, x := range asp.Items {
		it := Item{Edition: EditionASPSaaS, Number: x.No, MajorJa: x.MajorJa, MiddleJa: x.MiddleJa, NameJa: x.ItemJa, ASPSaaSNumber: x.No, Certification: CertNone}
		if x.Seed000No != nil {
			it.IoTNumber = *x.Seed000No
		}
		var seen []Mandatory
		for _, r := range x.Requirements {
			req := Requirement{Seq: r.Seq, TextJa: r.TextJa}
			if r.MandatoryJa != nil {
				req.Mandatory = fromJa(*r.MandatoryJa)
				seen = append(seen, req.Mandatory)
			}
			if r.Stated != nil {
				req.Stated = *r.Stated
			}
			it.Requirements = append(it.Requirements, req)
		}
		it.Mandatory = combine(seen)
		byNo[it.Number] = len(aspItems)
		aspItems = append(aspItems, it)
	}
	for _, m := range asp.Mapping {
		if _, ok := byNo[m.NewerNo]; ok || m.InSeed002 {
			continue
		}
		it := Item{Edition: EditionASPSaaS, Number: m.NewerNo, ASPSaaSNumber: m.NewerNo, Uncertain: true, Certification: CertNone, NameJa: m.CandidateItemJa}
		if m.CandidateSeed000 != nil {
			if cand, ok := c.Lookup(EditionIoT, *m.CandidateSeed000); ok {
				it.IoTNumber = cand.Number
				it.MajorJa, it.MajorEn, it.MiddleJa = cand.MajorJa, cand.MajorEn, cand.MiddleJa
				it.Mandatory = cand.Mandatory
				it.Requirements = slices.Clone(cand.Requirements)
			}
		}
		aspItems = append(aspItems, it)
	}
	for i := range aspItems {
		it := &aspItems[i]
		if cand, ok := c.Lookup(EditionIoT, it.IoTNumber); ok {
			it.NameEn, it.MajorEn, it.Certification = cand.NameEn, cand.MajorEn, cand.Certification
			if it.Certification == "" {
				it.Certification = CertNone
			}
		}
	}
	slices.SortFunc(aspItems, func(a, b Item) int { return a.Number - b.Number })
	c.editions[EditionASPSaaS] = aspItems
	if len(iotItems) == 0 || len(aspItems) == 0 {
		return nil, fmt.Errorf("decode catalog: no items")
	}
	return c, nil
}

func fromJa(s string) Mandatory {
	switch s {
	case "必須":
		return Required
	case "選択":
		return Optional
	}
	return Unknown
}

func combine(ms []Mandatory) Mandatory {
	var out Mandatory
	for _, m := range ms {
		switch {
		case m == Unknown:
		case out == Unknown:
			out = m
		case out != m:
			return Mixed
		}
	}
	return out
}
