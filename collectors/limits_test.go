package collectors

import (
	"strings"
	"testing"
)

func TestNestingDepth(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		data string
		max  int
		want int
	}{
		{"flat", `a = 1`, 2, 0},
		{"at the limit", `a = [[1]]`, 2, 0},
		{"over the limit", "a = 1\nb = [[[1]]]", 2, 2},
		{"strings do not count", `a = "[[[[" # ((((`, 2, 0},
		{"escaped quote stays in the string", `a = "\"[[[["`, 2, 0},
		{"line comments", "// [[[[\na = 1", 2, 0},
		{"block comments", "/* [[[[\n(((( */ a = [1]", 2, 0},
		{"closing brackets are counted", "[[]][[]][[]]", 2, 0},
		{"bracket bomb", "x = " + strings.Repeat("[", 10000), 100, 1},
		{"line of the excess", "\n\n\n" + strings.Repeat("{", 5), 4, 4},
		{"unterminated string", `a = "[[[[`, 2, 0},
		{"unterminated comment", `/* [[[[`, 2, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := NestingDepth([]byte(tt.data), tt.max); got != tt.want {
				t.Errorf("NestingDepth(%q, %d) = %d, want %d", tt.data, tt.max, got, tt.want)
			}
		})
	}
}
