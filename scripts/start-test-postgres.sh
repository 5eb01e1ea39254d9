#!/usr/bin/env bash
# Starts the machine's PostgreSQL 15 and makes the role the store's PostgreSQL
# contract tests use (postgres://colony:colony@127.0.0.1:5432/postgres).
# Needs root (or the postgres user) and Debian's postgresql package.
set -euo pipefail
pg_ctlcluster 15 main start 2>/dev/null || pg_ctlcluster 15 main status >/dev/null
for _ in $(seq 1 50); do
  su postgres -c "psql -qtAc 'select 1'" >/dev/null 2>&1 && break
  sleep 0.2
done
su postgres -c "psql -qtAc \"do \\\$\\\$ begin
  if not exists (select from pg_roles where rolname = 'colony') then
    create role colony login createdb password 'colony';
  end if;
end \\\$\\\$;\""
echo "postgres: ready at postgres://colony:colony@127.0.0.1:5432/postgres"
