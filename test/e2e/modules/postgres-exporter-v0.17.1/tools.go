//go:build tools

// A wrapper module pinning postgres_exporter (and, through go.sum, every dependency) for the real-servers suite:
// test/e2e/install.sh builds its main package from the Go module proxy. Nothing here is built into the product.
package pgexporterwrapper

import _ "github.com/prometheus-community/postgres_exporter/cmd/postgres_exporter"
