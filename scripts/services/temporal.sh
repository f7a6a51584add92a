#!/usr/bin/env bash
# Builds the Temporal CLI (which embeds the dev server) from source into the cache on first use, starts
# `temporal server start-dev` on 127.0.0.1:7233 with a SQLite store under the state folder (reusing a server
# that already answers) and prints `TEMPORAL_ADDRESS=...` for the caller to export.
#
# The CLI is built with `go install` because it is the registry route: release binaries are downloads from
# GitHub. v1.5.1 is pinned because later tags carry a `replace` directive, which `go install pkg@version`
# refuses. The first build takes several minutes; later runs find the cached binary.
set -euo pipefail
source "$(dirname "$0")/common.sh"

TEMPORAL_CLI_VERSION="${LIMITEDCART_TEMPORAL_CLI_VERSION:-v1.5.1}"
TEMPORAL_IP=127.0.0.1
TEMPORAL_PORT="${LIMITEDCART_TEMPORAL_PORT:-7233}"
address="$TEMPORAL_IP:$TEMPORAL_PORT"
bin_dir="$LIMITEDCART_CACHE/bin"
temporal="$bin_dir/temporal"
mkdir -p "$bin_dir"

build_cli() {
  local go_bin
  go_bin="$(command -v go || true)"
  [ -n "$go_bin" ] || { [ -x /usr/local/go/bin/go ] && go_bin=/usr/local/go/bin/go; }
  if [ -z "$go_bin" ]; then
    echo "services: temporal needs Go (>= 1.23) to build the CLI; install it from go.dev/dl or a Go image" >&2
    return 1
  fi
  # Build into a scratch GOBIN and move the result in, so a build killed half-way never leaves a broken binary
  # at the path the next run would trust.
  local scratch
  scratch="$(mktemp -d "$bin_dir/.temporal-build.XXXXXX")"
  echo "services: building temporal CLI $TEMPORAL_CLI_VERSION with $("$go_bin" version) (several minutes)" >&2
  if ! GOBIN="$scratch" "$go_bin" install "github.com/temporalio/cli/cmd/temporal@$TEMPORAL_CLI_VERSION" \
    >>"$LIMITEDCART_CACHE/logs/temporal-build.log" 2>&1; then
    rm -rf "$scratch"
    echo "services: temporal CLI build failed; see $LIMITEDCART_CACHE/logs/temporal-build.log" >&2
    return 1
  fi
  mv "$scratch/temporal" "$temporal"
  rm -rf "$scratch"
}

healthy() {
  "$temporal" operator cluster health --address "$address" --command-timeout 3s 2>/dev/null | grep -q SERVING
}

# Parallel callers (several test runs at once) serialise on a lock: one builds and starts, the others reuse.
# The server started below must not inherit the lock's descriptor (9>&-), or it would hold the lock for life.
exec 9>"$LIMITEDCART_STATE/temporal-start.lock"
flock 9

[ -x "$temporal" ] || build_cli

start_server() {
  # setsid + nohup: the server outlives this script and the test run that started it, like the other services.
  setsid nohup "$temporal" server start-dev --headless --ip "$TEMPORAL_IP" --port "$TEMPORAL_PORT" \
    --db-filename "$LIMITEDCART_STATE/temporal.db" --log-level warn \
    >>"$LIMITEDCART_CACHE/logs/temporal.log" 2>&1 </dev/null 9>&- &
  echo $! >"$pid_file"
}

if ! healthy; then
  pid_file="$LIMITEDCART_STATE/temporal.pid"
  if [ -f "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null; then
    # Our server is alive but not answering: still opening its store, or shutting down. Wait for one or the
    # other; if it exits instead of answering, start a new one.
    for _ in $(seq 60); do
      healthy && break
      kill -0 "$(cat "$pid_file")" 2>/dev/null || break
      sleep 1
    done
    healthy || kill -0 "$(cat "$pid_file")" 2>/dev/null || start_server
  else
    start_server
  fi
  wait_for "temporal" 60 healthy
fi
echo "TEMPORAL_ADDRESS=$address"
