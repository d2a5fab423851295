#!/usr/bin/env bash
# Starts a local PostgreSQL for the contract tests and prints the JDBC URL to export as
# KERNELWISE_TEST_POSTGRES_URL. Idempotent; run as root (installs the Debian package if needed).
set -euo pipefail

if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq postgresql >/dev/null
fi

version="$(ls /usr/lib/postgresql | sort -V | tail -1)"
cluster="main"
if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "$version $cluster"; then
  pg_createcluster "$version" "$cluster" >/dev/null
fi
if ! pg_lsclusters -h | awk -v v="$version" -v c="$cluster" '$1==v && $2==c {print $4}' | grep -qx online; then
  pg_ctlcluster "$version" "$cluster" start
fi
port="$(pg_lsclusters -h | awk -v v="$version" -v c="$cluster" '$1==v && $2==c {print $3}')"

# Wait until it accepts connections.
for _ in $(seq 1 30); do
  if su postgres -c "pg_isready -q -p $port"; then break; fi
  sleep 1
done

psql_admin() { su postgres -c "psql -p $port -v ON_ERROR_STOP=1 -tAc \"$1\""; }
if [ "$(psql_admin "SELECT 1 FROM pg_roles WHERE rolname='kernelwise'")" != "1" ]; then
  psql_admin "CREATE ROLE kernelwise LOGIN PASSWORD 'kernelwise'"
fi
if [ "$(psql_admin "SELECT 1 FROM pg_database WHERE datname='kernelwise'")" != "1" ]; then
  psql_admin "CREATE DATABASE kernelwise OWNER kernelwise"
fi

echo "jdbc:postgresql://localhost:${port}/kernelwise?user=kernelwise&password=kernelwise"
