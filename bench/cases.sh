#!/usr/bin/env bash
# The case list over HTTP and the server's memory, on a database filled by
# `zhifa demo --cases N` (issue 5; bench/README.md "Cases (issue 5)"). For each of the UI's
# filters: wrk -t2 -cCONNS -dDUR --latency with a demo user's session cookie → req/s, p50, p99;
# then all filters in turn (bench/cases_list.lua) while the server's RSS is sampled.
#
#   bench/cases.sh --db URL --data-dir DIR [--bin build/release/zhifa] [--duration 10s]
#                  [--conns 16] [--user sfj1] [--password Demo-2026-zhifa] [--only REGEX]
# DIR is the ZHIFA_DATA_DIR the demo ran with (it holds the field-encryption key).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=$ROOT/build/release/zhifa
DB=""; DATA=""; DUR=10s; CONNS=16; USER_NAME=sfj1; PASSWORD=Demo-2026-zhifa; ONLY=.
while [[ $# -gt 0 ]]; do
  case $1 in
    --db) DB=$2; shift 2 ;;
    --data-dir) DATA=$2; shift 2 ;;
    --bin) BIN=$2; shift 2 ;;
    --duration) DUR=$2; shift 2 ;;
    --conns) CONNS=$2; shift 2 ;;
    --user) USER_NAME=$2; shift 2 ;;
    --password) PASSWORD=$2; shift 2 ;;
    --only) ONLY=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[[ -n $DB && -n $DATA ]] || { echo "--db and --data-dir are required" >&2; exit 2; }
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
T=$(mktemp -d /tmp/zhifa-cases-XXXXXX)
ZHIFA_PID=""; SAMPLER=""
cleanup() {
  [[ -n $SAMPLER ]] && kill "$SAMPLER" 2>/dev/null || true
  [[ -n $ZHIFA_PID ]] && kill "$ZHIFA_PID" 2>/dev/null && wait "$ZHIFA_PID" 2>/dev/null || true
  rm -rf "$T"
}
trap cleanup EXIT
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
Z=http://127.0.0.1:$PORT
printf '[server]\naccess_log = false\n' >"$T/zhifa.toml"
ZHIFA_CONFIG="$T/zhifa.toml" ZHIFA_DB="$DB" ZHIFA_DATA_DIR="$DATA" ZHIFA_LISTEN="127.0.0.1:$PORT" \
  "$BIN" serve >"$T/zhifa.log" 2>&1 &
ZHIFA_PID=$!
zhifa_wait_healthy "$Z" "$ZHIFA_PID" "$T/zhifa.log" 6000
rss() { awk '/VmRSS/ {print $2}' "/proc/$ZHIFA_PID/status"; }
RSS_START=$(rss)
COOKIE=$(python3 "$ROOT/bench/cases_http.py" session "$Z" "$USER_NAME" "$PASSWORD")
python3 "$ROOT/bench/cases_http.py" paths "$Z" "$COOKIE" "$T/paths.tsv" >/dev/null
cut -f2 "$T/paths.tsv" >"$T/paths.txt"
while read -r p; do curl -fs -o /dev/null -H "Cookie: zhifa_session=$COOKIE" "$Z$p"; done <"$T/paths.txt"
RSS_IDLE=$(rss)

RESULTS=$T/results.tsv
: >"$RESULTS"
parse_wrk() {  # $1 = name; wrk output on stdin → "name rps p50 p99 non2xx"
  awk -v name="$1" '
    function ms(v) { if (v ~ /us$/) return v/1000; if (v ~ /ms$/) return v+0; if (v ~ /s$/) return v*1000; return v }
    /Requests\/sec:/ { rps=$2 }
    /^ +50%/ { p50=ms($2) }
    /^ +99%/ { p99=ms($2) }
    /Non-2xx/ { bad=$NF }
    END { printf "%s\t%.0f\t%.2f\t%.2f\t%d\n", name, rps, p50, p99, bad+0 }'
}
while IFS=$'\t' read -r name path; do
  [[ $name =~ $ONLY ]] || continue
  wrk -t2 -c"$CONNS" -d"$DUR" --latency -H "Cookie: zhifa_session=$COOKIE" "$Z$path" \
    | tee -a "$T/wrk-raw.log" | parse_wrk "$name" >>"$RESULTS"
  tail -1 "$RESULTS" >&2
done <"$T/paths.tsv"

# All filters in turn, RSS sampled every 100 ms.
( max=0; while kill -0 "$ZHIFA_PID" 2>/dev/null; do
    r=$(rss); (( r > max )) && max=$r && echo "$max" >"$T/rss-max"; sleep 0.1; done ) &
SAMPLER=$!
wrk -t2 -c"$CONNS" -d"$DUR" --latency -s "$ROOT/bench/cases_list.lua" "$Z" -- "$T/paths.txt" "$COOKIE" \
  | tee -a "$T/wrk-raw.log" | parse_wrk "all filters in turn (mixed)" >>"$RESULTS"
kill "$SAMPLER" 2>/dev/null || true; SAMPLER=""
RSS_LOAD=$(cat "$T/rss-max" 2>/dev/null || echo n/a)
HWM=$(awk '/VmHWM/ {print $2}' "/proc/$ZHIFA_PID/status")

echo
echo "$(date -u '+%F %T UTC'); uptime: $(uptime | sed 's/.*load average/load average/'); $(nproc) cores shared by wrk and zhifa"
echo "database: ${DB%%\?*}; user $USER_NAME; wrk -t2 -c$CONNS -d$DUR --latency"
echo
echo "| filter | req/s | p50 ms | p99 ms | non-2xx | p99 < 50 ms |"
echo "|---|---:|---:|---:|---:|---|"
while IFS=$'\t' read -r name rps p50 p99 bad; do
  verdict=$(awk -v p="$p99" 'BEGIN { print (p < 50 ? "PASS" : "FAIL") }')
  echo "| $name | $rps | $p50 | $p99 | $bad | $verdict |"
done <"$RESULTS"
echo
echo "zhifa RSS: after start ${RSS_START} kB; idle after one request of each filter ${RSS_IDLE} kB;"
echo "  max while serving the mixed run ${RSS_LOAD} kB; peak (VmHWM) ${HWM} kB"
