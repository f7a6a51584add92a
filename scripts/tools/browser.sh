#!/usr/bin/env bash
# Installs Debian's Chromium for the storefront's browser tests (driven by playwright-core; no browser
# download) and prints `CHROMIUM_PATH=...`.
set -euo pipefail
source "$(dirname "$0")/../services/common.sh"

apt_install chromium
echo "CHROMIUM_PATH=$(command -v chromium)"
