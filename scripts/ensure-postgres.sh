#!/usr/bin/env bash
# Make sure a PostgreSQL server answers, then print the database URL the test suite should use.
# CI machines already run PostgreSQL on 127.0.0.1:5432 with trust auth; a fresh Debian gets its own cluster.
set -euo pipefail
if psql -h 127.0.0.1 -U postgres -d postgres -Atqc 'select 1' >/dev/null 2>&1; then
  echo "postgresql://postgres@127.0.0.1:5432/kho"; exit 0
fi
if ! pg_isready -q 2>/dev/null; then
  version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -1)
  [ -n "$version" ] || { echo "PostgreSQL chưa cài / not installed: apt-get install postgresql" >&2; exit 5; }
  pg_ctlcluster --skip-systemctl-redirect "$version" main start >&2
  for _ in $(seq 30); do pg_isready -q && break; sleep 1; done
fi
user=$(id -un)
su postgres -c "psql -Atqc \"select 1 from pg_roles where rolname='$user'\"" | grep -q 1 \
  || su postgres -c "createuser --superuser $user" >&2
echo "postgresql://$user@%2Fvar%2Frun%2Fpostgresql/kho"
