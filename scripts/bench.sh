#!/usr/bin/env bash
# Records the project's speed and memory figures. Targets live in Go
# benchmarks, never in timed unit tests; this script runs them and prints the
# lines to paste into BENCHMARKS.md. PostgreSQL benchmarks need the server
# of the README (127.0.0.1:5432) and are skipped without it.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(go version) $(nproc) cores"
go test ./domain -run '^$' -bench 'Summarize' -benchtime 20x -benchmem
go test ./forms -run '^$' -bench 'WriteProblems' -benchtime 5x -benchmem
go test ./store -run '^$' -bench 'CreateCase|CasesFirstPage' -benchtime 200x -benchmem
