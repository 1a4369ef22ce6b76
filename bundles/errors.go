package bundles

import "errors"

// ErrTooLarge means a bundle, or a file in it, exceeds the configured size
// limit: kaiji refuses it rather than reading an unbounded stream.
var ErrTooLarge = errors.New("bundle too large")

// ErrNotBundle means the bytes are not a gzip-compressed tar archive.
var ErrNotBundle = errors.New("not a bundle archive (want .tar.gz)")

// ErrVerify means a bundle's signature is missing, does not verify against
// the configured key, or does not cover the bundle's files exactly.
var ErrVerify = errors.New("bundle signature verification failed")

// ErrNoEntrypoint means a bundle has no package kaiji.main, so it cannot
// answer data.kaiji.main.result: not a bundle of kaiji's policies.
var ErrNoEntrypoint = errors.New("bundle has no package kaiji.main (not built by kaiji bundle build?)")
