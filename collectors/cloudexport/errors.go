package cloudexport

import "errors"

// errDepth: a JSON document nests deeper than maxDepth; it becomes a diagnostic.
var errDepth = errors.New("JSON nests deeper than an export does")
