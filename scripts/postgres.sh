#!/usr/bin/env bash
# A local PostgreSQL for Clay's tests, benchmarks and development: installs the Debian packages when
# the server is missing, creates a database cluster of its own under artifacts/postgres, and runs it
# on a loopback port. Idempotent: running it again reuses what is there.
#
# Usage: scripts/postgres.sh [start|stop|status|url]
#   start   install, initialise and start when needed; prints the connection URL (the default)
#   stop    stops the server through its postmaster.pid (pg_ctl stop), never by process name
#   status  says whether it runs and where; exit 0 when it runs, 3 when it does not
#   url     prints the connection URL (postgres://clay:PASSWORD@127.0.0.1:PORT/clay); exit 3 when stopped
#
# The URL is also written to artifacts/postgres/url, where Clay's PostgreSQL tests look for it
# (CLAY_TEST_POSTGRES overrides it). Settings: CLAY_POSTGRES_DIR (the cluster's directory, default
# artifacts/postgres, or /tmp/clay-postgres-HASH when the server's user cannot reach the
# repository), CLAY_POSTGRES_PORT (default: the first free port from 55432; the next one when a
# connection's own end holds it).
#
# PostgreSQL refuses to run as root: as root the server runs as the 'postgres' system user that the
# Debian package creates; as any other user it runs as that user.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
url_file="$root/artifacts/postgres/url"
command="${1:-start}"

# Where the cluster lives: CLAY_POSTGRES_DIR, else artifacts/postgres — unless the server's user
# cannot reach the repository (a clone under a private home directory, say), then under /tmp.
choose_state() {
  state="${CLAY_POSTGRES_DIR:-$root/artifacts/postgres}"
  if [ -z "${CLAY_POSTGRES_DIR:-}" ] && [ "$(id -u)" -eq 0 ] && id postgres >/dev/null 2>&1 \
     && ! runuser -u postgres -- test -x "$root"; then
    state="/tmp/clay-postgres-$(printf '%s' "$root" | md5sum | cut -c1-12)"
  fi
  data="$state/data"
  log="$state/postgres.log"
}
choose_state

say() { echo "postgres: $*" >&2; }
fail() { say "$*"; exit 1; }

# The server's binaries: Debian keeps them in /usr/lib/postgresql/VERSION/bin, outside PATH.
find_bindir() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -n "$dir" ] && [ -x "$dir/pg_ctl" ] && [ -x "$dir/initdb" ]; then echo "$dir"; return; fi
  if command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then dirname "$(command -v pg_ctl)"; return; fi
  echo ""
}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo -n "$@"
  else fail "installing PostgreSQL needs root (or sudo): run 'apt-get install postgresql' as root"; fi
}

install_server() {
  command -v apt-get >/dev/null 2>&1 || fail "PostgreSQL is not installed and this is not a Debian-like system: install PostgreSQL 13 or later, or set CLAY_TEST_POSTGRES to a server's URL"
  say "installing PostgreSQL (Debian packages)"
  # Clay runs its own cluster; keep the package from creating and starting a system-wide one on 5432.
  if [ ! -e /etc/postgresql-common/createcluster.conf ]; then
    as_root mkdir -p /etc/postgresql-common
    echo "create_main_cluster = false" | as_root tee /etc/postgresql-common/createcluster.conf >/dev/null
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql postgresql-client >/dev/null
}

bindir=$(find_bindir)

# Runs a server program as the user that owns the cluster.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

is_running() {
  [ -n "$bindir" ] && [ -f "$data/PG_VERSION" ] && as_owner "$bindir/pg_ctl" status -D "$data" >/dev/null 2>&1
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# The first port from $1 on that nobody listens on.
next_free_port() {
  local port=$1
  while port_in_use "$port"; do port=$((port + 1)); done
  echo "$port"
}

choose_port() {
  if [ -n "${CLAY_POSTGRES_PORT:-}" ]; then echo "$CLAY_POSTGRES_PORT"; return; fi
  if [ -f "$state/port" ]; then cat "$state/port"; return; fi
  next_free_port 55432
}

url() { echo "postgres://clay:$(cat "$state/password")@127.0.0.1:$(cat "$state/port")/clay"; }

initialise() {
  mkdir -p "$state"
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin postgres
    chown postgres: "$state"
    runuser -u postgres -- test -w "$state" || fail "the postgres user cannot write $state (a parent directory is closed to it): set CLAY_POSTGRES_DIR to a directory it can reach, e.g. /tmp/clay-postgres"
  fi
  if [ ! -f "$state/password" ]; then
    (umask 077; head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' > "$state/password")
  fi
  local pwfile
  pwfile=$(mktemp)
  cp "$state/password" "$pwfile"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$pwfile"
  say "creating a database cluster in $data"
  as_owner "$bindir/initdb" -D "$data" -U clay --pwfile="$pwfile" --auth=scram-sha-256 \
    --encoding=UTF8 --locale=C.UTF-8 --data-checksums >"$state/initdb.log" 2>&1 \
    || { rm -f "$pwfile"; cat "$state/initdb.log" >&2; fail "initdb failed"; }
  rm -f "$pwfile"
}

start() {
  if [ -z "$bindir" ]; then install_server; bindir=$(find_bindir); choose_state; fi
  [ -n "$bindir" ] || fail "PostgreSQL's server programs (initdb, pg_ctl) were not found after installing"
  mkdir -p "$state" "$(dirname "$url_file")"
  exec 9>"$(dirname "$url_file")/.lock"
  flock 9
  if ! is_running; then
    [ -f "$data/PG_VERSION" ] || initialise
    local port attempt logged
    port=$(choose_port)
    port_in_use "$port" && fail "port $port is taken by another program: set CLAY_POSTGRES_PORT"
    for attempt in 1 2 3 4 5; do
      echo "$port" > "$state/port"
      logged=$(stat -c %s "$log" 2>/dev/null || echo 0)
      # Loopback TCP only (no Unix socket to place); fsync and synchronous commit stay on: Clay's
      # durability rests on them.
      if as_owner "$bindir/pg_ctl" start -D "$data" -l "$log" -w -t 60 -s 9>&- \
           -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories='' -c max_connections=200"; then
        break
      fi
      # A port nobody listens on may still be the local end of an outgoing connection (the
      # default ports lie in Linux's ephemeral range): then the next free one, unless it was given.
      # Only what this attempt added to the log is read.
      if [ -z "${CLAY_POSTGRES_PORT:-}" ] && [ "$attempt" -lt 5 ] \
           && tail -c +"$((logged + 1))" "$log" | grep -q "Address already in use"; then
        say "port $port is held by a connection; trying the next one"
        port=$(next_free_port $((port + 1)))
        continue
      fi
      tail -n 20 "$log" >&2 || true
      fail "the server did not start (log: $log)"
    done
    if ! PGPASSWORD="$(cat "$state/password")" "$bindir/psql" -h 127.0.0.1 -p "$port" -U clay -d postgres -tAq \
         -c "SELECT 1 FROM pg_database WHERE datname = 'clay'" | grep -q 1; then
      PGPASSWORD="$(cat "$state/password")" "$bindir/psql" -h 127.0.0.1 -p "$port" -U clay -d postgres -q -c "CREATE DATABASE clay" >/dev/null
    fi
    say "running on 127.0.0.1:$port (data: $data, log: $log)"
  fi
  url > "$url_file.new" && chmod 600 "$url_file.new" && mv -f "$url_file.new" "$url_file"
  url
}

stop() {
  if is_running; then
    as_owner "$bindir/pg_ctl" stop -D "$data" -m fast -w -s
    say "stopped"
  fi
  rm -f "$url_file"
}

case "$command" in
  start) start ;;
  stop) stop ;;
  status)
    if is_running; then say "running on 127.0.0.1:$(cat "$state/port") (data: $data)"; url; else say "not running"; exit 3; fi ;;
  url)
    if is_running; then url; else say "not running: start it with scripts/postgres.sh start"; exit 3; fi ;;
  *) fail "unknown command '$command' (expected start, stop, status or url)" ;;
esac
