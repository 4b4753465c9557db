#!/usr/bin/env bash
# The whole default test suite (make test). $1 = build directory.
# Starts a throwaway PostgreSQL 15 cluster, runs every suite against the real binary, stops the
# cluster. Exits non-zero when any suite fails; the last line sums up.
set -uo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build/release}
export ZHIFA_BIN="$PWD/$BUILD/zhifa"

PGDIR=$(mktemp -d /tmp/zhifa-pg.XXXXXX)
chmod 755 "$PGDIR"
cleanup() { scripts/pg-test-cluster.sh stop "$PGDIR" >/dev/null 2>&1 || true; }
trap cleanup EXIT
if ! ZHIFA_TEST_PG_URL=$(scripts/pg-test-cluster.sh start "$PGDIR"); then
  echo "test-all: could not start PostgreSQL" >&2
  exit 1
fi
export ZHIFA_TEST_PG_URL ZHIFA_REQUIRE_PG=1
echo "test-all: PostgreSQL at $ZHIFA_TEST_PG_URL"

passed=0
failed=0
failures=()
suite() {
  local name=$1
  shift
  echo
  echo "=== $name ==="
  if "$@"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    failures+=("$name")
  fi
}

rm -f "$BUILD/Testing/Temporary/LastTestsFailed.log"
suite "unit, storage conformance, SQL golden (SQLite + PostgreSQL), kill -9 durability" \
  ctest --test-dir "$BUILD" --output-on-failure -j2
if [ -d test/http ]; then
  suite "HTTP functional (real binary)" node --test --test-concurrency=1 test/http/*.test.mjs
fi
if [ -d test/e2e ]; then
  suite "browser e2e (Playwright + Chromium)" node --test --test-concurrency=1 test/e2e/*.test.mjs
fi

echo
if ((failed)); then
  # CI shows only the tail of the output: name the failed ctest cases here as well.
  if [ -s "$BUILD/Testing/Temporary/LastTestsFailed.log" ]; then
    echo "test-all: failed ctest cases:"
    sed 's/^/  /' "$BUILD/Testing/Temporary/LastTestsFailed.log"
  fi
  echo "test-all: failed suites: ${failures[*]}"
fi
echo "suites: $passed passed, $failed failed"
exit $((failed > 0))
