#!/usr/bin/env bash
# Installs what the fault battery (apps/reference-server/test/faults) needs besides the shared services: Debian's
# PostgreSQL cluster tools for a private cluster it stops and kills, redis-server for a private Redis, and
# faketime to run a process ahead of the machine's clock. Prints `FAKETIME_BIN=...` and `PG_CLUSTER_VERSION=...`.
set -euo pipefail
source "$(dirname "$0")/../services/common.sh"

apt_install postgresql redis-server faketime
echo "FAKETIME_BIN=$(command -v faketime)"
echo "PG_CLUSTER_VERSION=$(ls /usr/lib/postgresql | sort -n | tail -1)"
