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
# The case list at city scale (200,000 cases, 100 towns): equality scope and
# keyset paging against the old LIKE + OFFSET query, in the same run; then the
# list's query plans (TestExplain fails on a whole-table scan in SQLite's).
go test ./store -run '^$' -bench 'CaseListTown' -benchtime 2s -benchmem -timeout 60m
ZHENGZHI_EXPLAIN_CASES=200000 go test ./store -run 'TestExplain' -v -timeout 30m
