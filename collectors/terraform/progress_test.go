package terraform

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestProgress(t *testing.T) {
	t.Parallel()
	t.Run("not a terminal", func(t *testing.T) {
		t.Parallel()
		var buf bytes.Buffer
		p := startProgress(&buf)
		p.set("x")
		p.done()
		if p != nil || buf.Len() > 0 {
			t.Fatalf("progress on a non-terminal: %q", buf.String())
		}
	})
	t.Run("fast scan shows nothing", func(t *testing.T) {
		t.Parallel()
		var buf bytes.Buffer
		p := runProgress(&buf, time.Hour)
		p.set("terraform: module 1/1 x")
		p.done()
		if buf.Len() > 0 {
			t.Fatalf("output before the delay: %q", buf.String())
		}
	})
	t.Run("slow scan shows and clears the status", func(t *testing.T) {
		t.Parallel()
		var buf bytes.Buffer
		p := runProgress(&buf, time.Millisecond)
		p.set("terraform: module 1/2 infra")
		time.Sleep(50 * time.Millisecond)
		p.done()
		out := buf.String()
		if !strings.Contains(out, "kaiji: terraform: module 1/2 infra") || !strings.HasSuffix(out, "\r\033[K") {
			t.Fatalf("output = %q", out)
		}
	})
}
