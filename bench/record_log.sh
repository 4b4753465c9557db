#!/usr/bin/env bash
# The record log's three measured targets (issue 4), in one run, each beside its baseline taken in
# the same minutes (bench/README.md, "Record log on the database"):
#   1. append: BM_CommandBus/in_flight:64 (durable and synchronous=OFF), then in the batch size
#      the bus produced, durable: BM_RawSqliteInsertMatched (a one-row insert) and
#      BM_RawSqliteCommandEquivalentMatched (the SQL a command runs), --reps times, with both
#      ratios to raw durable SQLite inserts printed per run;
#   2. `zhifa verify` bytes hashed per second (BM_Verify, 2 threads and 1) between two runs of
#      `openssl speed -evp sm3`;
#   3. inclusion proofs from a 1M- and a 10M-entry stored tree (BM_DbInclusionProof).
# `uptime` is printed before each part: on a shared machine every number moves with the load.
#
#   bench/record_log.sh [--bin-dir build/release/bench] [--reps 3] [--no-10m]
#
# The 10M-entry database (≈ 2 GB) is built once under $TMPDIR (minutes) and removed at the end.
# Keep $TMPDIR on a real disk (not tmpfs), or the durable numbers mean nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=build/release/bench
REPS=3
TEN_M=1
while [[ $# -gt 0 ]]; do
  case $1 in
    --bin-dir) BIN=$2; shift 2 ;;
    --reps) REPS=$2; shift 2 ;;
    --no-10m) TEN_M=0; shift ;;
    *) echo "usage: $0 [--bin-dir DIR] [--reps N] [--no-10m]" >&2; exit 2 ;;
  esac
done
for b in zhifa_bench record_log_bench; do
  [[ -x $BIN/$b ]] || { echo "$BIN/$b missing: ninja -C build/release zhifa_bench record_log_bench" >&2; exit 1; }
done
KEEP=$(mktemp -d "${TMPDIR:-/tmp}/zhifa-rlkeep-XXXXXX")
trap 'rm -rf "$KEEP"' EXIT
strip() { grep -E '^BM_' | sed -E 's/ +[0-9.]+ [mu]s +[0-9.]+ [mu]s +[0-9]+ / /'; }

echo "## 1. append (zhifa_bench), $REPS runs"
for i in $(seq 1 "$REPS"); do
  echo "# run $i — $(date -u +%H:%M:%S) $(uptime | sed 's/.*load/load/')"
  "$BIN/zhifa_bench" \
    --benchmark_filter='BM_CommandBus/in_flight:64|BM_RawSqliteInsertMatched|BM_RawSqliteCommandEquivalentMatched' \
    --benchmark_out="$KEEP/append.json" --benchmark_out_format=json | strip
  python3 - "$KEEP/append.json" <<'PY'
import json, sys
rate = {b["name"].split("/real_time")[0]: b.get("commands_per_s", 0)
        for b in json.load(open(sys.argv[1]))["benchmarks"]}
a = rate.get("BM_CommandBus/in_flight:64/per_iter:4096/durable:1", 0)
for name, what in (("BM_RawSqliteInsertMatched", "(b)  one-row raw insert"),
                   ("BM_RawSqliteCommandEquivalentMatched", "(b') the command's SQL, raw")):
    b = rate.get(name, 0)
    print(f"ratio (a) {a:,.0f}/s : {what} {b:,.0f}/s = {a / b:.2f}x" if a and b else
          f"ratio (a) : {what}: missing")
PY
done

echo "## 2. verify (record_log_bench BM_Verify) between two openssl speed runs"
echo "# $(date -u +%H:%M:%S) $(uptime | sed 's/.*load/load/')"
openssl speed -seconds 2 -evp sm3 2>/dev/null | tail -2
for i in $(seq 1 "$REPS"); do
  "$BIN/record_log_bench" --benchmark_filter='BM_Verify' | grep -E '^BM_'
done
openssl speed -seconds 2 -evp sm3 2>/dev/null | tail -1

echo "## 3. inclusion proofs (record_log_bench BM_DbInclusionProof)"
echo "# $(date -u +%H:%M:%S) $(uptime | sed 's/.*load/load/')"
sizes=(1000000)
[[ $TEN_M == 1 ]] && sizes+=(10000000)
for n in "${sizes[@]}"; do  # one size per process: one database open at a time
  ZHIFA_RLBENCH_KEEP=$KEEP "$BIN/record_log_bench" --benchmark_filter="Proof/entries:$n/" \
    --benchmark_min_time=3 | grep -E '^BM_'
  echo "# $(date -u +%H:%M:%S) $(uptime | sed 's/.*load/load/')"
done
