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
# 附件1 XLSX vs encoding/csv of the same cells, alternated in one run (the
# ratio is the target: ≤ 3), at 100,000 and 1,000,000 rows.
go test ./forms -run '^$' -bench 'Att1XLSXvsCSV' -benchtime 10x -count 3 -rows 100000
go test ./forms -run '^$' -bench 'Att1XLSXvsCSV' -benchtime 2x -rows 1000000
# Peak heap growth (HeapInuse sampled every 5 ms) and time to the first
# byte while 1,000,000 rows of 附件1 go to a discarding writer: flat, ≤ 100 MiB.
go test ./forms -run '^$' -bench 'Att1XLSXHeap' -benchtime 1x -rows 1000000
go test ./store -run '^$' -bench 'CreateCase|CasesFirstPage' -benchtime 200x -benchmem
# The case list at city scale (200,000 cases, 100 towns): equality scope and
# keyset paging against the old LIKE + OFFSET query, in the same run; then the
# list's query plans (TestExplain fails on a whole-table scan in SQLite's).
go test ./store -run '^$' -bench 'CaseListTown' -benchtime 2s -benchmem -timeout 60m
ZHENGZHI_EXPLAIN_CASES=200000 go test ./store -run 'TestExplain' -v -timeout 30m
