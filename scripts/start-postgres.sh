#!/usr/bin/env bash
# Starts (idempotently) a throwaway PostgreSQL 15 cluster on 127.0.0.1:5432 for the backend tests,
# creates database c2c_test, and prints TEST_DATABASE_URL=… as its last line.
# Uses Debian's postgresql-15 binaries; as root the server runs as the `postgres` user.
set -euo pipefail

PGBIN="${PGBIN:-/usr/lib/postgresql/15/bin}"
PGPORT="${PGPORT:-5432}"
BASE="${C2C_PG_DIR:-/tmp/c2c-postgres}"
DATA="$BASE/data"
SOCKETS="$BASE/sockets"
LOG="$BASE/server.log"
PASSWORD="c2c-test"
URL="postgres://postgres:${PASSWORD}@127.0.0.1:${PGPORT}/c2c_test"

if [[ ! -x "$PGBIN/postgres" ]]; then
  echo "start-postgres: $PGBIN/postgres not found; install Debian's postgresql-15 package" >&2
  exit 1
fi

as_owner() {
  if [[ "$(id -u)" == 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

if [[ "$(id -u)" == 0 ]] && ! id postgres >/dev/null 2>&1; then
  useradd --system --home-dir "$BASE" --shell /usr/sbin/nologin postgres
fi

mkdir -p "$BASE" "$SOCKETS"
if [[ "$(id -u)" == 0 ]]; then chown postgres: "$BASE" "$SOCKETS"; fi

if [[ ! -s "$DATA/PG_VERSION" ]]; then
  pwfile="$(mktemp)"
  echo "$PASSWORD" >"$pwfile"
  chmod 644 "$pwfile"
  as_owner "$PGBIN/initdb" -D "$DATA" -U postgres --auth=scram-sha-256 --pwfile="$pwfile" \
    --encoding=UTF8 --no-locale >"$BASE/initdb.log" 2>&1 || {
    rm -f "$pwfile"
    echo "start-postgres: initdb failed, see $BASE/initdb.log" >&2
    exit 1
  }
  rm -f "$pwfile"
fi

if ! as_owner "$PGBIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
  # Tests open many short-lived databases and connections; durability does not matter here.
  as_owner "$PGBIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t 30 \
    -o "-h 127.0.0.1 -p $PGPORT -k $SOCKETS -c max_connections=300 -c fsync=off -c full_page_writes=off" \
    start >/dev/null || {
    echo "start-postgres: server did not start, see $LOG" >&2
    exit 1
  }
fi

export PGPASSWORD="$PASSWORD"
if ! "$PGBIN/psql" -h 127.0.0.1 -p "$PGPORT" -U postgres -d postgres -tAc \
  "select 1 from pg_database where datname = 'c2c_test'" | grep -q 1; then
  "$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U postgres c2c_test
fi

echo "TEST_DATABASE_URL=$URL"
