package policies

import "testing"

func BenchmarkTmpLoad(b *testing.B) {
	for b.Loop() {
		if _, err := Load(FS, "policies", LoadOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
