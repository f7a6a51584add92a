#!/usr/bin/env bash
# Installs Node 22 LTS and pnpm from the npm registry into a cache folder outside the repository and puts
# them first on PATH. Source it (`source scripts/bootstrap.sh`) so the PATH change sticks; running it
# directly only installs. Idempotent: a second run finds the cached toolchain and takes well under a second.
set -euo pipefail

LIMITEDCART_CACHE="${LIMITEDCART_CACHE:-$HOME/.cache/limitedcart}"
NODE_MAJOR=22
PNPM_MAJOR=12
toolchain="$LIMITEDCART_CACHE/node$NODE_MAJOR"

node_ok() {
  [ -x "$toolchain/bin/node" ] && [ -x "$toolchain/bin/pnpm" ] &&
    "$toolchain/bin/node" -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a===22&&b>=12?0:1)'
}

if ! node_ok; then
  command -v npm >/dev/null || { echo "bootstrap: npm is required to fetch Node $NODE_MAJOR" >&2; exit 1; }
  echo "bootstrap: installing node@$NODE_MAJOR and pnpm@$PNPM_MAJOR into $toolchain" >&2
  mkdir -p "$toolchain"
  npm install --global --prefix "$toolchain" --no-audit --no-fund --loglevel=error "node@$NODE_MAJOR" "pnpm@$PNPM_MAJOR" >&2
  node_ok || { echo "bootstrap: node $NODE_MAJOR did not install correctly" >&2; exit 1; }
fi

export LIMITEDCART_CACHE
export PATH="$toolchain/bin:$PATH"
