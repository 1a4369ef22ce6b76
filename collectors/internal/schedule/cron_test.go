package schedule

import "testing"

func TestMaxInterval(t *testing.T) {
	t.Parallel()
	tests := []struct {
		expr    string
		dialect Dialect
		want    int64
		wantErr bool
	}{
		{"cron(0 5 ? * * *)", AWS, Day, false},
		{"cron(0 5 * * ? *)", AWS, Day, false},
		{"cron(0 12 ? * SUN *)", AWS, Week, false},
		{"cron(0 12 ? * 1 *)", AWS, Week, false},
		{"cron(0 3 1 * ? *)", AWS, Month, false},
		{"cron(0 */4 ? * * *)", AWS, 4 * Hour, false},
		{"0 0 * * *", Standard, Day, false},
		{"@daily", Standard, Day, false},
		{"@hourly", Standard, Hour, false},
		{"*/5 * * * *", Standard, 5 * Minute, false},
		{"0 1 * * 1-5", Standard, 3 * Day, false}, // Friday to Monday
		{"0 0 1,15 * *", Standard, 17 * Day, false},
		{"0 0 1 1 *", Standard, Year, false},
		{"0 0 * * 7", Standard, Week, false},
		{"0 0 * *", Standard, 0, true},
		{"0 0 30 2 *", Standard, 0, true},
		{"cron(0 5 L * ? *)", AWS, 0, true},
		{"x 0 * * *", Standard, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			t.Parallel()
			got, err := MaxInterval(tt.expr, tt.dialect)
			if (err != nil) != tt.wantErr {
				t.Fatalf("MaxInterval(%q) error = %v, wantErr %v", tt.expr, err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("MaxInterval(%q) = %d, want %d", tt.expr, got, tt.want)
			}
		})
	}
}

func FuzzMaxInterval(f *testing.F) {
	for _, s := range []string{"0 0 * * *", "cron(0 5 ? * * *)", "*/7 1-3 1,15 */2 MON-FRI", "@weekly"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, expr string) {
		for _, d := range []Dialect{Standard, AWS} {
			if v, err := MaxInterval(expr, d); err == nil && v <= 0 {
				t.Fatalf("MaxInterval(%q) = %d with no error", expr, v)
			}
		}
	})
}
