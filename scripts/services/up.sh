#!/usr/bin/env bash
# Starts every service the full test suite talks to and writes their URLs to $LIMITEDCART_STATE/services.env.
# Each service script is idempotent: a service that already runs is reused. Any failure is fatal: a suite
# that silently skips because its broker is missing would hide exactly the bugs it exists to catch.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/common.sh"

env_file="$LIMITEDCART_STATE/services.env"
: > "$env_file.tmp"
for service in ${LIMITEDCART_SERVICES:-postgres redis kafka temporal}; do
  script="$here/$service.sh"
  [ -f "$script" ] || continue
  started=$SECONDS
  bash "$script" | grep -E '^[A-Z_]+=' | sed 's/^/export /' >> "$env_file.tmp"
  echo "services: $service ready in $((SECONDS - started))s" >&2
done
mv "$env_file.tmp" "$env_file"
cat "$env_file"
