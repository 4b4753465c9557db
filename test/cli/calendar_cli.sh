#!/bin/sh
# The exact output formats and exit codes of `zhifa calendar …` and `zhifa rules list` (scripts
# depend on them). Usage: calendar_cli.sh PATH_TO_ZHIFA. Uses a throwaway data directory.
set -u
BIN=$1
DIR=$(mktemp -d "${TMPDIR:-/tmp}/zhifa-cli-cal.XXXXXX")
trap 'rm -rf "$DIR"' EXIT
export ZHIFA_DATA_DIR="$DIR/data"
unset ZHIFA_DB ZHIFA_CONFIG
fail=0

expect() { # expect NAME WANT_STDOUT WANT_RC -- ARGS…
  name=$1 want=$2 want_rc=$3
  shift 4
  got=$("$BIN" "$@" 2>"$DIR/err")
  rc=$?
  if [ "$got" != "$want" ] || [ "$rc" != "$want_rc" ]; then
    echo "FAIL $name: got '$got' rc=$rc, want '$want' rc=$want_rc; stderr: $(cat "$DIR/err")"
    fail=1
  fi
}
expect_err() { # expect_err NAME PATTERN -- ARGS… (exit 2, stderr matches PATTERN)
  name=$1 pattern=$2
  shift 3
  "$BIN" "$@" >/dev/null 2>"$DIR/err"
  rc=$?
  if [ "$rc" != 2 ] || ! grep -q -- "$pattern" "$DIR/err"; then
    echo "FAIL $name: rc=$rc, stderr: $(cat "$DIR/err")"
    fail=1
  fi
}

# No database yet: the shipped years, and nothing is created.
expect add 2025-10-16 0 -- calendar add-working-days 2025-09-30 7
expect add0 2025-10-01 0 -- calendar add-working-days 2025-10-01 0
expect is-holiday false 0 -- calendar is-working-day 2025-10-01
expect is-makeup true 0 -- calendar is-working-day 2025-10-11
expect count 7 0 -- calendar count-working-days 2025-09-30 2025-10-16
[ -e "$DIR/data" ] && { echo "FAIL: a query created the data directory"; fail=1; }
expect provisional 2027-01-04 0 -- calendar add-working-days 2026-12-28 5
grep -q "provisional" "$DIR/err" || { echo "FAIL: no provisional note on stderr"; fail=1; }
expect_err bad-date "DATE" -- calendar add-working-days 2023-02-30 1
expect_err negative-n "N" -- calendar add-working-days 2023-02-03 -1
expect_err huge-n "N" -- calendar add-working-days 2023-02-03 99999999
expect_err reversed "B" -- calendar count-working-days 2023-02-03 2023-01-01
expect_err bad-is "DATE" -- calendar is-working-day 2023-13-01

# Loading a year: line/field errors (exit 2), then a good file; queries then use the database.
cat >"$DIR/2027.json" <<'JSON'
{
  "year": 2027,
  "papers": [],
  "days": [
    {"name": "元旦", "date": "2027-01-01", "isOffDay": true},
    {"name": "春节", "date": "2027-02-06",
     "isOffDay": "yes"}
  ]
}
JSON
expect_err load-bad "line 7 days\[1\].isOffDay: expected a boolean" -- calendar load "$DIR/2027.json"
sed -i 's/"yes"/true/' "$DIR/2027.json"
"$BIN" calendar load "$DIR/2027.json" >/dev/null 2>&1 || { echo "FAIL: load"; fail=1; }
expect_err load-again "replace" -- calendar load "$DIR/2027.json"
"$BIN" calendar load --replace "$DIR/2027.json" >/dev/null 2>&1 || { echo "FAIL: load --replace"; fail=1; }
expect after-load 2027-01-05 0 -- calendar add-working-days 2026-12-28 5
grep -q "provisional" "$DIR/err" && { echo "FAIL: still provisional after loading 2027"; fail=1; }
"$BIN" calendar years | grep -q "^2027	database" || { echo "FAIL: years does not list 2027 from the database"; fail=1; }

# The rule table.
"$BIN" rules list | grep -q "penalty.decision .*《行政处罚法》第六十条" || { echo "FAIL: rules list"; fail=1; }
"$BIN" rules list --json | grep -q '"citation": "《行政强制法》第二十五条"' || { echo "FAIL: rules list --json"; fail=1; }

[ $fail = 0 ] && echo "calendar CLI: ok"
exit $fail
