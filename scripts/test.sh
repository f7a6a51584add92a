#!/usr/bin/env bash
# The test command: on a fresh machine it installs the toolchain, the dependencies and the services, then
# runs every suite against real Postgres, Redis, Kafka and Temporal. Extra arguments go to vitest.
# Ends with one line `tests: N passed, N failed, N skipped` read from vitest's JSON report.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
source scripts/bootstrap.sh
pnpm install --frozen-lockfile --reporter=silent
source <(bash scripts/services/up.sh)
source <(bash scripts/tools/deploy-tools.sh | sed 's/^/export /')
source <(bash scripts/tools/browser.sh | sed 's/^/export /')
source <(bash scripts/tools/faults.sh | sed 's/^/export /')

report="${LIMITEDCART_STATE:-$LIMITEDCART_CACHE/state}/vitest-report.json"
rm -f "$report"
status=0
NO_COLOR=1 pnpm exec vitest run --reporter=default --reporter=json --outputFile.json="$report" "$@" || status=$?
node scripts/test-summary.mjs "$report" || status=1
exit "$status"
