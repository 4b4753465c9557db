#!/usr/bin/env bash
# Throwaway PostgreSQL 15 cluster for tests.
#
#   scripts/pg-test-cluster.sh start [DIR]   initialise (if needed) and start a cluster in DIR
#                                            (a new mktemp directory when DIR is omitted), create
#                                            database zhifa_test, print its URL
#   scripts/pg-test-cluster.sh url DIR       print the URL of the running cluster in DIR
#   scripts/pg-test-cluster.sh stop DIR      stop the cluster and remove DIR
#
# Usage in a shell:  export ZHIFA_TEST_PG_URL=$(scripts/pg-test-cluster.sh start /tmp/zhifa-pg)
# The cluster listens on 127.0.0.1 only, on a free port, with trust authentication; its socket
# lives in DIR/sock. Run as root (CI), the server runs as user postgres; otherwise as the caller.
# start is idempotent: on a running cluster it prints the URL again; stop on a missing DIR is ok.
set -euo pipefail

die() {
  echo "pg-test-cluster: $*" >&2
  exit 1
}

find_bin() {
  local name=$1
  for d in "${PG_BINDIR:-}" /usr/lib/postgresql/15/bin; do
    if [[ -n $d && -x $d/$name ]]; then
      echo "$d/$name"
      return
    fi
  done
  command -v "$name" || die "$name not found (install postgresql-15 or set PG_BINDIR)"
}

# Runs a command as the cluster owner: postgres when we are root, else ourselves.
as_owner() {
  if [[ $(id -u) -eq 0 ]]; then
    if command -v runuser >/dev/null; then
      runuser -u postgres -- "$@"
    else
      su postgres -s /bin/sh -c "$(printf '%q ' "$@")"
    fi
  else
    "$@"
  fi
}

free_port() {
  local port
  for _ in $(seq 1 200); do
    port=$((20000 + RANDOM % 30000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return
    fi
  done
  die "no free port found"
}

is_running() {
  local dir=$1
  [[ -f $dir/data/postmaster.pid ]] || return 1
  as_owner "$PG_CTL" -D "$dir/data" status >/dev/null 2>&1
}

cmd_start() {
  local dir=${1:-}
  if [[ -z $dir ]]; then
    dir=$(mktemp -d "${TMPDIR:-/tmp}/zhifa-pg.XXXXXX")
    echo "pg-test-cluster: cluster in $dir (stop it with: $0 stop $dir)" >&2
  fi
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  if [[ $(id -u) -eq 0 ]]; then
    id postgres >/dev/null 2>&1 || die "user postgres does not exist (needed when run as root)"
    chown postgres: "$dir"
    chmod 700 "$dir"
  fi

  if is_running "$dir"; then
    cat "$dir/url"
    return
  fi

  if [[ ! -f $dir/data/PG_VERSION ]]; then
    as_owner mkdir -p "$dir/data" "$dir/sock"
    as_owner "$INITDB" -D "$dir/data" --auth=trust -E UTF8 --locale=C.UTF-8 -U postgres \
      >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
  fi
  as_owner mkdir -p "$dir/sock"

  local port tries=0
  while :; do
    port=$(free_port)
    if as_owner "$PG_CTL" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-p $port -k $dir/sock -c listen_addresses=127.0.0.1 -c fsync=on" start \
      >/dev/null 2>&1; then
      break
    fi
    tries=$((tries + 1))
    # Lost a race for the port, or a real failure: retry a few times, then show the log.
    if ((tries >= 3)); then
      tail -n 20 "$dir/server.log" >&2 || true
      die "pg_ctl start failed"
    fi
  done

  local psql
  psql=$(find_bin psql)
  if ! as_owner "$psql" -h "$dir/sock" -p "$port" -U postgres -d postgres -tAq \
    -c "SELECT 1 FROM pg_database WHERE datname = 'zhifa_test'" | grep -q 1; then
    as_owner "$psql" -h "$dir/sock" -p "$port" -U postgres -d postgres -q \
      -c "CREATE DATABASE zhifa_test TEMPLATE template0 ENCODING 'UTF8'" >/dev/null
  fi

  local url="postgresql://postgres@127.0.0.1:$port/zhifa_test"
  echo "$url" >"$dir/url"
  echo "$url"
}

cmd_url() {
  local dir=${1:?usage: $0 url DIR}
  [[ -f $dir/url ]] || die "no cluster in $dir"
  is_running "$dir" || die "cluster in $dir is not running"
  cat "$dir/url"
}

cmd_stop() {
  local dir=${1:?usage: $0 stop DIR}
  [[ -d $dir ]] || return 0
  if [[ -f $dir/data/postmaster.pid ]]; then
    as_owner "$PG_CTL" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  # Refuse to delete anything that does not look like one of our clusters.
  if [[ -f $dir/data/PG_VERSION || -f $dir/url || -z $(ls -A "$dir") ]]; then
    rm -rf "$dir"
  else
    die "$dir does not look like a test cluster; not removing it"
  fi
}

INITDB=$(find_bin initdb)
PG_CTL=$(find_bin pg_ctl)

case "${1:-}" in
  start) cmd_start "${2:-}" ;;
  url) cmd_url "${2:-}" ;;
  stop) cmd_stop "${2:-}" ;;
  *)
    echo "usage: $0 start [DIR] | url DIR | stop DIR" >&2
    exit 2
    ;;
esac
