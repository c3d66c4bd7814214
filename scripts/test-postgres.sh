#!/usr/bin/env bash
# Start a throwaway PostgreSQL server for exodb's tests, on 127.0.0.1, and print its URL.
#
#   eval "$(scripts/test-postgres.sh start)"   # exports EXODB_TEST_POSTGRES_URL
#   scripts/test-postgres.sh stop
#
# The cluster lives in a temporary folder owned by the 'postgres' system user (the server
# refuses to run as root). It uses the C locale, so text sorts byte by byte as in SQLite.
#
# Like a real deployment, the application connects as a role without superuser rights: 'exodb'
# may log in and create databases (the tests create one per copy, from a template it owns), and
# is a member of no role that reaches the server's files, programs or other sessions. The
# superuser 'exodb_admin' exists only to set the server up.
set -euo pipefail

PORT="${EXODB_TEST_POSTGRES_PORT:-54329}"
ROOT="${EXODB_TEST_POSTGRES_DIR:-/tmp/exodb-test-postgres}"
BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"

as_postgres() {
  if [ "$(id -u)" = 0 ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi
}

install_server() {
  if [ -z "$BIN" ] || [ ! -x "$BIN/initdb" ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends postgresql >&2
    BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
  fi
}

case "${1:-start}" in
  start)
    install_server
    if ! as_postgres "'$BIN/pg_ctl' -D '$ROOT/data' status" >/dev/null 2>&1; then
      rm -rf "$ROOT"
      mkdir -p "$ROOT"
      chown postgres "$ROOT" 2>/dev/null || true
      as_postgres "'$BIN/initdb' -D '$ROOT/data' -U exodb_admin -A trust --locale=C -E UTF8" >&2
      as_postgres "'$BIN/pg_ctl' -D '$ROOT/data' -l '$ROOT/server.log' -w \
        -o \"-h 127.0.0.1 -p $PORT -k '$ROOT' -c fsync=off -c synchronous_commit=off\" start" >&2
    fi
    # Idempotent: a server started by an earlier run keeps its role.
    as_postgres "'$BIN/psql' -h 127.0.0.1 -p $PORT -U exodb_admin -d postgres -v ON_ERROR_STOP=1 -qAt" >&2 <<'SQL'
SELECT 'CREATE ROLE exodb LOGIN CREATEDB NOSUPERUSER NOCREATEROLE NOREPLICATION'
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'exodb') \gexec
SQL
    echo "export EXODB_TEST_POSTGRES_URL=postgresql+psycopg://exodb@127.0.0.1:$PORT/postgres"
    echo "export EXODB_TEST_POSTGRES_ADMIN_URL=postgresql+psycopg://exodb_admin@127.0.0.1:$PORT/postgres"
    ;;
  stop)
    as_postgres "'$BIN/pg_ctl' -D '$ROOT/data' -m fast stop" >&2 || true
    ;;
  *)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
