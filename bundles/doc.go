// Package bundles builds, signs and verifies standard OPA bundles of kaiji's
// policies and data, so that OPA servers and Gatekeeper can run them unchanged.
package bundles
