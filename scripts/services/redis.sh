#!/usr/bin/env bash
# Installs redis-server from Debian's packages and starts it on 127.0.0.1:6379 without persistence (reusing a
# running one); prints `REDIS_URL=...`.
set -euo pipefail
source "$(dirname "$0")/common.sh"

apt_install redis-server
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no \
    --logfile "$LIMITEDCART_CACHE/logs/redis.log" >&2
fi
wait_for "redis" 20 redis-cli -h 127.0.0.1 -p 6379 ping
echo "REDIS_URL=redis://127.0.0.1:6379"
