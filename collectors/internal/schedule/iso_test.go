package schedule

import "testing"

func TestISODuration(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want int64
		err  bool
	}{
		{"PT1M", Minute, false},
		{"PT5M", 5 * Minute, false},
		{"P7D", 7 * Day, false},
		{"P1Y", Year, false},
		{"PT1H30M", Hour + 30*Minute, false},
		{"P1W", Week, false},
		{"1d", 0, true},
		{"P", 0, true},
		{"PT", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := ISODuration(tt.in)
			if (err != nil) != tt.err || got != tt.want {
				t.Fatalf("ISODuration(%q) = %d, %v; want %d, err %v", tt.in, got, err, tt.want, tt.err)
			}
		})
	}
}

func TestSecondsString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want int64
		err  bool
	}{{"300s", 300, false}, {"60s", 60, false}, {"3.5s", 3, false}, {"300", 0, true}, {"s", 0, true}}
	for _, tt := range tests {
		got, err := SecondsString(tt.in)
		if (err != nil) != tt.err || got != tt.want {
			t.Errorf("SecondsString(%q) = %d, %v; want %d, err %v", tt.in, got, err, tt.want, tt.err)
		}
	}
}
