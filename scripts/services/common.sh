# Shared by the service scripts: cache and state folders outside the repository, and a wait helper.
LIMITEDCART_CACHE="${LIMITEDCART_CACHE:-$HOME/.cache/limitedcart}"
LIMITEDCART_STATE="${LIMITEDCART_STATE:-$LIMITEDCART_CACHE/state}"
mkdir -p "$LIMITEDCART_CACHE" "$LIMITEDCART_STATE" "$LIMITEDCART_CACHE/logs"

# wait_for DESCRIPTION SECONDS COMMAND...: polls COMMAND until it succeeds or the time runs out.
wait_for() {
  local what="$1" seconds="$2"; shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then echo "services: $what not ready after ${seconds}s" >&2; return 1; fi
    sleep 0.5
  done
}

apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  ((${#missing[@]} == 0)) && return 0
  echo "services: apt-get install ${missing[*]}" >&2
  if [ ! -f "$LIMITEDCART_STATE/apt-updated" ]; then apt-get update -qq >&2 && touch "$LIMITEDCART_STATE/apt-updated"; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
}
