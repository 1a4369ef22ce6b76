// Package version reports the kaiji build.
package version

import "runtime/debug"

// Version is set at build time with -ldflags "-X …/internal/version.Version=v1.2.3";
// otherwise it comes from the module build information.
var Version = ""

// String returns the version of this binary.
func String() string {
	if Version != "" {
		return Version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}
