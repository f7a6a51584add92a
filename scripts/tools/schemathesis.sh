#!/usr/bin/env bash
# Installs schemathesis (PyPI) into a virtualenv in the cache and prints `SCHEMATHESIS_BIN=...`. Idempotent: a
# second run finds the pinned version and takes well under a second.
set -euo pipefail
source "$(dirname "$0")/../services/common.sh"

SCHEMATHESIS_VERSION=4.32.5
venv="$LIMITEDCART_CACHE/schemathesis-$SCHEMATHESIS_VERSION"
if ! "$venv/bin/schemathesis" --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION"; then
  echo "schemathesis: installing $SCHEMATHESIS_VERSION into $venv" >&2
  rm -rf "$venv"
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION" >&2
fi

echo "SCHEMATHESIS_BIN=$venv/bin/schemathesis"
