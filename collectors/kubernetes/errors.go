package kubernetes

import "errors"

// Errors of the manifest reader and the Kustomize build. They reach users as
// diagnostic messages; tests match them with errors.Is.
var (
	// errDepth: a document nests deeper than maxDepth.
	errDepth = errors.New("document nests deeper than the reader allows")
	// errBudget: a document expands, through aliases, to more values than its budget.
	errBudget = errors.New("document expands to more values than the reader allows (alias bomb?)")
	// errDuplicateKey: a mapping sets the same key twice.
	errDuplicateKey = errors.New("mapping key already defined")
	// errRemote refuses a kustomization that would reach the network.
	errRemote = errors.New("refers to a remote resource, which kaiji does not fetch")
	// errWrite refuses writes: a build only reads.
	errWrite = errors.New("kustomize build is read-only in kaiji")
)
