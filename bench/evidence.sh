#!/usr/bin/env bash
# End-to-end evidence upload and download of one large file over HTTP, with the server's peak
# RSS (GNU time -v) to show that memory stays bounded whatever the file size.
#   bench/evidence.sh [--size-mib 1024] [--bin build/release/zhifa]
# Prints upload and download throughput (curl) and the server's "Maximum resident set size".
set -euo pipefail
SIZE_MIB=1024
BIN=build/release/zhifa
while [[ $# -gt 0 ]]; do
  case "$1" in
    --size-mib) SIZE_MIB="$2"; shift 2 ;;
    --bin) BIN="$2"; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
WORK=$(mktemp -d /tmp/evid-bench.XXXXXX)
PORT=$((20000 + RANDOM % 20000))
PW='Zf-Bench#Pw2026x'
cleanup() { [[ -n "${SRV:-}" ]] && pkill -TERM -P "$SRV" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
# A valid MP4 header followed by pseudo-random bytes.
python3 - "$WORK/video.mp4" "$SIZE_MIB" <<'PY'
import os, sys
path, mib = sys.argv[1], int(sys.argv[2])
block = os.urandom(1 << 20)
with open(path, 'wb') as f:
    f.write(b'\0\0\0\x18ftypisom' + block[12:])
    for i in range(1, mib):
        f.write(block[:8] + i.to_bytes(8, 'little') + block[16:])
PY
cat > "$WORK/zhifa.toml" <<TOML
[auth]
attempts_per_minute_per_ip = 100000
require_admin_totp = false
[server]
access_log = false
[evidence]
max_bytes = $(( (SIZE_MIB + 1) << 20 ))
TOML
ZHIFA_CONFIG="$WORK/zhifa.toml" ZHIFA_DATA_DIR="$WORK/data" ZHIFA_LISTEN="127.0.0.1:$PORT" \
  ZHIFA_ADMIN_PASSWORD="$PW" /usr/bin/time -v -o "$WORK/time.txt" "$BIN" serve >"$WORK/log" 2>&1 &
SRV=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
python3 bench/zhifa_api.py evidence-bench "http://127.0.0.1:$PORT" "$PW" "$WORK/video.mp4" "$WORK"
# Stop zhifa itself (the child of GNU time), so that time reports its usage.
pkill -TERM -P "$SRV"; wait "$SRV" || true; SRV=
grep -E "Maximum resident set size" "$WORK/time.txt"
