#!/usr/bin/env bash
# Installs the manifest checkers into the cache (kustomize from the Go module proxy, kubernetes-validate with
# its bundled Kubernetes JSON schemas from PyPI, so validation needs no network at run time) and prints
# `KUSTOMIZE_BIN=...` and `KUBERNETES_VALIDATE_BIN=...`.
set -euo pipefail
source "$(dirname "$0")/../services/common.sh"

KUSTOMIZE_VERSION=v5.7.1   # v5.8+ needs Go 1.27
KUBERNETES_VALIDATE_VERSION=1.37.0
bin="$LIMITEDCART_CACHE/bin"
mkdir -p "$bin"

if ! "$bin/kustomize" version 2>/dev/null | grep -q "${KUSTOMIZE_VERSION}"; then
  echo "deploy-tools: building kustomize $KUSTOMIZE_VERSION" >&2
  (cd "$LIMITEDCART_CACHE" && GOBIN="$bin" go install "sigs.k8s.io/kustomize/kustomize/v5@${KUSTOMIZE_VERSION}") >&2
fi

venv="$LIMITEDCART_CACHE/kubernetes-validate-$KUBERNETES_VALIDATE_VERSION"
if [ ! -x "$venv/bin/kubernetes-validate" ]; then
  echo "deploy-tools: installing kubernetes-validate $KUBERNETES_VALIDATE_VERSION" >&2
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION" >&2
fi

echo "KUSTOMIZE_BIN=$bin/kustomize"
echo "KUBERNETES_VALIDATE_BIN=$venv/bin/kubernetes-validate"
