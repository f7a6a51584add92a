#!/usr/bin/env bash
# Installs PostgreSQL from Debian's packages, starts the default cluster on 127.0.0.1:5432 (reusing it when it
# already runs) and prints `DATABASE_URL=...` for the caller to export.
set -euo pipefail
source "$(dirname "$0")/common.sh"

PG_PASSWORD="${LIMITEDCART_PG_PASSWORD:-limitedcart}"
apt_install postgresql
version="$(ls /usr/lib/postgresql | sort -n | tail -1)"
if ! pg_lsclusters -h | awk -v v="$version" '$1==v && $2=="main"' | grep -q .; then
  pg_createcluster "$version" main >&2
fi
# A drop opens many pooled connections across the test workers; the default of 100 is too tight.
cat > "/etc/postgresql/$version/main/conf.d/limitedcart.conf" <<CONF
listen_addresses = '127.0.0.1'
max_connections = 400
shared_buffers = 256MB
CONF
if ! pg_lsclusters -h | awk -v v="$version" '$1==v && $2=="main" {print $4}' | grep -q online; then
  pg_ctlcluster "$version" main start >&2
fi
wait_for "postgres" 30 su postgres -c "psql -qAtc 'select 1'"
su postgres -c "psql -qAtc \"ALTER USER postgres PASSWORD '$PG_PASSWORD'\"" >/dev/null
echo "DATABASE_URL=postgres://postgres:$PG_PASSWORD@127.0.0.1:5432/postgres"
