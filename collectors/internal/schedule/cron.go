// Package schedule turns backup schedules (cron expressions in their provider
// dialects) into the longest interval between two runs, in seconds.
//
// The interval is computed by enumerating the firing times over two years,
// so lists, ranges, steps and day-of-week/day-of-month combinations are all
// exact rather than guessed from the expression's shape.
package schedule

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Dialect is a cron flavour.
type Dialect int

// Supported cron dialects.
const (
	// Standard is the five-field Unix cron used by Kubernetes CronJobs and Velero.
	Standard Dialect = iota
	// AWS is the six-field cron(m h dom mon dow year) of AWS Backup and EventBridge,
	// where day-of-week 1 is Sunday and "?" means "any".
	AWS
)

// Month and Year are the canonical lengths the project uses for months and
// years, matching the reference values' units (1mo = 30 days, 1y = 365 days).
const (
	Minute = 60
	Hour   = 60 * Minute
	Day    = 24 * Hour
	Week   = 7 * Day
	Month  = 30 * Day
	Year   = 365 * Day
)

type spec struct {
	min, hour, dom, mon, dow [64]bool
	domAny, dowAny           bool
}

// MaxInterval returns the longest gap between consecutive runs of the cron
// expression, in seconds. Calendar months and years are reported in the
// canonical units (a monthly schedule is Month, not 31 days).
func MaxInterval(expr string, d Dialect) (int64, error) {
	k := key{expr, d}
	if v, ok := memo.Load(k); ok {
		r := v.(memoResult)
		return r.sec, r.err
	}
	sec, err := maxInterval(expr, d)
	memo.Store(k, memoResult{sec, err})
	return sec, err
}

type key struct {
	expr string
	d    Dialect
}

type memoResult struct {
	sec int64
	err error
}

// memo caches results: large repositories repeat the same few schedules.
var memo sync.Map

func maxInterval(expr string, d Dialect) (int64, error) {
	s, err := parse(expr, d)
	if err != nil {
		return 0, err
	}
	var times []time.Duration // firing offsets within a matching day
	for h := 0; h < 24; h++ {
		for m := 0; m < 60 && s.hour[h]; m++ {
			if s.min[m] {
				times = append(times, time.Duration(h)*time.Hour+time.Duration(m)*time.Minute)
			}
		}
	}
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	end := start.AddDate(2, 0, 0)
	var prev time.Time
	var maxGap time.Duration
	runs := 0
	for day := start; day.Before(end); day = day.AddDate(0, 0, 1) {
		if !s.mon[int(day.Month())] || !s.dayMatches(day) {
			continue
		}
		for _, off := range times {
			t := day.Add(off)
			if runs > 0 && t.Sub(prev) > maxGap {
				maxGap = t.Sub(prev)
			}
			prev = t
			runs++
		}
	}
	if runs < 2 {
		return 0, fmt.Errorf("cron %q runs fewer than twice in two years", expr)
	}
	return canonical(int64(maxGap.Seconds())), nil
}

// canonical maps calendar gaps onto the project's units: a gap of 28–31 days
// is one Month, 365–366 days one Year.
func canonical(sec int64) int64 {
	switch {
	case sec >= 28*Day && sec <= 31*Day:
		return Month
	case sec >= 365*Day && sec <= 366*Day:
		return Year
	}
	return sec
}

func (s *spec) dayMatches(t time.Time) bool {
	dom := s.dom[t.Day()]
	dow := s.dow[int(t.Weekday())]
	switch {
	case s.domAny && s.dowAny:
		return true
	case s.domAny:
		return dow
	case s.dowAny:
		return dom
	default: // both restricted: Unix cron fires when either matches
		return dom || dow
	}
}

var (
	monthNames = map[string]int{"JAN": 1, "FEB": 2, "MAR": 3, "APR": 4, "MAY": 5, "JUN": 6, "JUL": 7, "AUG": 8, "SEP": 9, "OCT": 10, "NOV": 11, "DEC": 12}
	dayNames   = map[string]int{"SUN": 0, "MON": 1, "TUE": 2, "WED": 3, "THU": 4, "FRI": 5, "SAT": 6}
	macros     = map[string]string{"@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *", "@weekly": "0 0 * * 0", "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *"}
)

func parse(expr string, d Dialect) (*spec, error) {
	e := strings.TrimSpace(expr)
	if d == AWS {
		low := strings.ToLower(e)
		if strings.HasPrefix(low, "cron(") && strings.HasSuffix(e, ")") {
			e = e[5 : len(e)-1]
		}
	}
	if m, ok := macros[strings.ToLower(e)]; ok {
		e = m
	}
	fields := strings.Fields(e)
	if d == Standard && len(fields) == 6 && strings.HasPrefix(fields[0], "CRON_TZ=") || len(fields) == 6 && strings.HasPrefix(fields[0], "TZ=") {
		fields = fields[1:]
	}
	want := 5
	if d == AWS {
		want = 6
	}
	if len(fields) != want {
		return nil, fmt.Errorf("cron %q: want %d fields, have %d", expr, want, len(fields))
	}
	s := &spec{}
	var err error
	if err = field(fields[0], 0, 59, nil, s.min[:], false); err != nil {
		return nil, fmt.Errorf("cron %q minute: %w", expr, err)
	}
	if err = field(fields[1], 0, 23, nil, s.hour[:], false); err != nil {
		return nil, fmt.Errorf("cron %q hour: %w", expr, err)
	}
	s.domAny = fields[2] == "*" || fields[2] == "?"
	if err = field(fields[2], 1, 31, nil, s.dom[:], false); err != nil {
		return nil, fmt.Errorf("cron %q day of month: %w", expr, err)
	}
	if err = field(fields[3], 1, 12, monthNames, s.mon[:], false); err != nil {
		return nil, fmt.Errorf("cron %q month: %w", expr, err)
	}
	s.dowAny = fields[4] == "*" || fields[4] == "?"
	if err = field(fields[4], 0, 7, dayNames, s.dow[:], d == AWS); err != nil {
		return nil, fmt.Errorf("cron %q day of week: %w", expr, err)
	}
	if s.dow[7] { // 7 is Sunday in Unix cron
		s.dow[0] = true
	}
	return s, nil
}

// field fills set from one cron field. awsDOW shifts AWS's 1=Sunday numbering to 0=Sunday.
func field(f string, lo, hi int, names map[string]int, set []bool, awsDOW bool) error {
	if f == "?" {
		f = "*"
	}
	for part := range strings.SplitSeq(f, ",") {
		step := 1
		if i := strings.IndexByte(part, '/'); i >= 0 {
			n, err := strconv.Atoi(part[i+1:])
			if err != nil || n <= 0 {
				return fmt.Errorf("bad step %q", part)
			}
			step, part = n, part[:i]
		}
		a, b := lo, hi
		if awsDOW && part == "*" {
			a, b = 0, 6
		}
		if part != "*" {
			if strings.ContainsAny(part, "LW#") {
				return fmt.Errorf("%q is not supported", part)
			}
			bounds := strings.SplitN(part, "-", 2)
			var err error
			if a, err = value(bounds[0], names, awsDOW); err != nil {
				return err
			}
			b = a
			if len(bounds) == 2 {
				if b, err = value(bounds[1], names, awsDOW); err != nil {
					return err
				}
			} else if step > 1 {
				b = hi
			}
		}
		if a < lo || b > hi || a > b {
			return fmt.Errorf("%q out of range %d-%d", part, lo, hi)
		}
		for v := a; v <= b; v += step {
			set[v] = true
		}
	}
	return nil
}

func value(s string, names map[string]int, awsDOW bool) (int, error) {
	if v, ok := names[strings.ToUpper(s)]; ok {
		return v, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Errorf("bad value %q", s)
	}
	if awsDOW {
		n-- // AWS: 1 = Sunday … 7 = Saturday
	}
	return n, nil
}
