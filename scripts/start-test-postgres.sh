#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster for the store suite and prints its URL on the last
# line of stdout, so that a run reads:
#
#   DATABASE_URL=$(scripts/start-test-postgres.sh | tail -n 1) npx jest __tests__/db
#   scripts/start-test-postgres.sh stop
#
# Usage: scripts/start-test-postgres.sh [start] [port]   (port default 54329, or $TEST_POSTGRES_PORT)
#        scripts/start-test-postgres.sh stop
#        scripts/start-test-postgres.sh pause|resume   (stop/start the server, keeping its data:
#                                                       the fault tests use it for an outage)
# TEST_POSTGRES_STATE names the state file, so a second, independent cluster can run.
#
# Needs the server binaries (Debian: `apt-get install -y postgresql`). The cluster lives in a
# temp dir (data, socket, log) and trusts connections from 127.0.0.1 only: it holds test data
# and is deleted by `stop`. PostgreSQL refuses to run as root, so as root the server runs as
# the `postgres` user.
set -euo pipefail

STATE_FILE=${TEST_POSTGRES_STATE:-/tmp/app-test-postgres.dir}
DB_NAME=app_test
DB_USER=postgres

command=start
if [[ "${1:-}" == start || "${1:-}" == stop || "${1:-}" == pause || "${1:-}" == resume ]]; then
  command=$1
  shift
fi
PORT=${1:-${TEST_POSTGRES_PORT:-54329}}

log() { echo "start-test-postgres: $*" >&2; }

find_bindir() {
  local dir
  # Newest installed major version first (sort -V orders 9.6 < 15 < 16).
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [[ -x "$dir/initdb" && -x "$dir/pg_ctl" ]]; then
      echo "$dir"
      return 0
    fi
  done
  if command -v initdb >/dev/null && command -v pg_ctl >/dev/null; then
    dirname "$(command -v initdb)"
    return 0
  fi
  log "no PostgreSQL server binaries found (looked in /usr/lib/postgresql/*/bin and PATH)."
  log "install them, e.g. on Debian: apt-get update && apt-get install -y postgresql"
  return 1
}

# Runs a server binary as the user that owns the cluster.
as_owner() {
  if [[ "$(id -u)" == 0 ]]; then
    if command -v runuser >/dev/null; then
      runuser -u postgres -- "$@"
    else
      su postgres -s /bin/sh -c '"$0" "$@"' -- "$@"
    fi
  else
    "$@"
  fi
}

url() { echo "postgres://${DB_USER}@127.0.0.1:$1/${DB_NAME}"; }

is_running() {
  [[ -f "$STATE_FILE" ]] || return 1
  local dir
  dir=$(cat "$STATE_FILE")
  [[ -d "$dir/data" ]] && as_owner "$BINDIR/pg_ctl" -D "$dir/data" status >/dev/null 2>&1
}

stop_cluster() {
  if [[ ! -f "$STATE_FILE" ]]; then
    log "no test cluster recorded in $STATE_FILE; nothing to stop."
    return 0
  fi
  local dir
  dir=$(cat "$STATE_FILE")
  if [[ -d "$dir/data" ]]; then
    as_owner "$BINDIR/pg_ctl" -D "$dir/data" -m fast -w stop >&2 || log "pg_ctl stop failed; removing $dir anyway."
  fi
  # Only ever delete a directory this script created.
  case "$dir" in
    /tmp/app-test-postgres.*) rm -rf -- "$dir" ;;
    *) log "not removing unexpected directory $dir" ;;
  esac
  rm -f -- "$STATE_FILE"
  log "stopped."
}

# fsync off: the data is thrown away anyway, and tests run faster without it.
run_server() {
  local options="-c listen_addresses=127.0.0.1 -p $2 -k $1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  as_owner "$BINDIR/pg_ctl" -D "$1/data" -l "$1/postgres.log" -o "$options" -w -t 30 start >&2
}

pause_cluster() {
  local dir
  dir=$(cat "$STATE_FILE")
  # fast, not immediate: with fsync and synchronous_commit off, an immediate stop can lose
  # the last commits (the seed), and the "outage" would come back as an empty database.
  as_owner "$BINDIR/pg_ctl" -D "$dir/data" -m fast -w stop >&2
}

resume_cluster() {
  local dir
  dir=$(cat "$STATE_FILE")
  run_server "$dir" "$(cat "$dir/port")"
}

start_cluster() {
  if is_running; then
    local dir
    dir=$(cat "$STATE_FILE")
    log "already running from $dir."
    url "$(cat "$dir/port")"
    return 0
  fi
  rm -f -- "$STATE_FILE"

  if [[ "$(id -u)" == 0 ]] && ! id postgres >/dev/null 2>&1; then
    log "running as root, but there is no 'postgres' user to run the server as."
    return 1
  fi

  local dir
  dir=$(mktemp -d /tmp/app-test-postgres.XXXXXX)
  if [[ "$(id -u)" == 0 ]]; then chown postgres: "$dir"; fi
  echo "$PORT" >"$dir/port"

  as_owner "$BINDIR/initdb" -D "$dir/data" -U "$DB_USER" --auth=trust --encoding=UTF8 --no-locale >"$dir/initdb.log" 2>&1 || {
    log "initdb failed:"
    cat "$dir/initdb.log" >&2
    rm -rf -- "$dir"
    return 1
  }

  if ! run_server "$dir" "$PORT"; then
    log "the server did not start (is port $PORT taken?). Its log:"
    cat "$dir/postgres.log" >&2 || true
    rm -rf -- "$dir"
    return 1
  fi
  echo "$dir" >"$STATE_FILE"

  local attempt
  for attempt in $(seq 1 30); do
    if "$BINDIR/pg_isready" -q -h 127.0.0.1 -p "$PORT" -U "$DB_USER"; then break; fi
    if [[ "$attempt" == 30 ]]; then
      log "the server is not accepting connections after 30s."
      return 1
    fi
    sleep 1
  done

  "$BINDIR/createdb" -h 127.0.0.1 -p "$PORT" -U "$DB_USER" "$DB_NAME"
  log "running from $dir (log: $dir/postgres.log); stop with: $0 stop"
  url "$PORT"
}

BINDIR=$(find_bindir)
case "$command" in
  start) start_cluster ;;
  stop) stop_cluster ;;
  pause) pause_cluster ;;
  resume) resume_cluster ;;
esac
