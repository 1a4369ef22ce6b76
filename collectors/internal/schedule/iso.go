package schedule

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

var isoRe = regexp.MustCompile(`^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$`)

// ISODuration parses an ISO 8601 duration (PT1M, P7D, P1Y) into seconds,
// with the canonical month and year lengths.
func ISODuration(s string) (int64, error) {
	m := isoRe.FindStringSubmatch(strings.ToUpper(strings.TrimSpace(s)))
	if m == nil || s == "P" || strings.HasSuffix(strings.ToUpper(s), "T") {
		return 0, fmt.Errorf("not an ISO 8601 duration: %q", s)
	}
	units := []int64{Year, Month, Week, Day, Hour, Minute, 1}
	var total int64
	for i, u := range units {
		if m[i+1] == "" {
			continue
		}
		n, err := strconv.ParseInt(m[i+1], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("duration %q: %w", s, err)
		}
		total += n * u
	}
	return total, nil
}

// SecondsString parses a protobuf JSON duration as Google Cloud writes it ("300s", "3.5s").
func SecondsString(s string) (int64, error) {
	t := strings.TrimSuffix(strings.TrimSpace(s), "s")
	f, err := strconv.ParseFloat(t, 64)
	if err != nil || !strings.HasSuffix(strings.TrimSpace(s), "s") {
		return 0, fmt.Errorf("not a duration in seconds: %q", s)
	}
	return int64(f), nil
}
