#!/usr/bin/env bash
# HTTP throughput side by side: nginx (2 workers, small static file) vs zhifa /healthz vs an
# authenticated JSON read (GET /api/v1/units/{id} as a supervisor with city scope), with wrk
# -t2 -c64 -d10s --latency. zhifa runs twice: access log off (server.access_log = false via
# ZHIFA_CONFIG) and on (the default). Each cell is the median of REPS runs (default 3); besides
# req/s and latency it reports the server's CPU time per request (from /proc/PID/stat).
#
#   bench/http.sh [--bin build/release/zhifa] [--reps 3] [--duration 10s] [--conns 64]
#                 [--phases "off on"] [--zhifa-env VAR=VALUE]...   (environment for zhifa only,
#                 e.g. GLIBC_TUNABLES=glibc.malloc.trim_threshold=1073741824 or LD_PRELOAD=…)
#                 [--pin]   the load generator on its own core: nginx (1 worker) and zhifa run
#                           on CPU 0 (`taskset`; zhifa then starts one I/O thread), wrk -t1 on
#                           CPU 1. Without it all three share every core, and wrk's threads
#                           preempting the server's set the p99 (nginx's own p99 is 5–8 ms so).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=$ROOT/build/release/zhifa
REPS=3
DUR=10s
CONNS=64
PHASES="off on"
ZENV=()
SERVER_RUN=()   # command prefix for nginx and zhifa
WRK_RUN=()      # command prefix for wrk
WRK_THREADS=2
NGINX_WORKERS=2
while [[ $# -gt 0 ]]; do
  case $1 in
    --bin) BIN=$2; shift 2 ;;
    --reps) REPS=$2; shift 2 ;;
    --duration) DUR=$2; shift 2 ;;
    --conns) CONNS=$2; shift 2 ;;
    --phases) PHASES=$2; shift 2 ;;
    --zhifa-env) ZENV+=("$2"); shift 2 ;;
    --pin) SERVER_RUN=(taskset -c 0); WRK_RUN=(taskset -c 1); WRK_THREADS=1; NGINX_WORKERS=1; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
API="python3 $ROOT/bench/zhifa_api.py"
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
T=$(mktemp -d /tmp/zhifa-http-XXXXXX)
NGINX_PID=""; ZHIFA_PID=""
cleanup() {
  [[ -n $ZHIFA_PID ]] && kill "$ZHIFA_PID" 2>/dev/null && wait "$ZHIFA_PID" 2>/dev/null || true
  [[ -n $NGINX_PID ]] && kill "$NGINX_PID" 2>/dev/null && wait "$NGINX_PID" 2>/dev/null || true
  rm -rf "$T"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
NGINX_PORT=$(free_port)
ZHIFA_PORT=$(free_port)
ADMIN_PW='Zf-Bench-2026!x'

# ---- nginx: private config, not a daemon, 2 workers -----------------------------------------
mkdir -p "$T/nginx/www" "$T/nginx/tmp"
printf 'ok\n' >"$T/nginx/www/healthz"
chmod 755 "$T" "$T/nginx" "$T/nginx/www"; chmod 644 "$T/nginx/www/healthz"  # workers may drop to nobody
cat >"$T/nginx/nginx.conf" <<EOF
worker_processes $NGINX_WORKERS;
daemon off;
pid $T/nginx/nginx.pid;
error_log $T/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $T/nginx/tmp/body;
  proxy_temp_path $T/nginx/tmp/proxy;
  fastcgi_temp_path $T/nginx/tmp/fastcgi;
  uwsgi_temp_path $T/nginx/tmp/uwsgi;
  scgi_temp_path $T/nginx/tmp/scgi;
  keepalive_requests 1000000;
  default_type text/plain;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    root $T/nginx/www;
  }
}
EOF
${SERVER_RUN[@]+"${SERVER_RUN[@]}"} nginx -c "$T/nginx/nginx.conf" -p "$T/nginx" >"$T/nginx/stdout.log" 2>&1 &
NGINX_PID=$!

# ---- zhifa ----------------------------------------------------------------------------------
start_zhifa() {  # $1 = true|false (access log)
  printf '[server]\naccess_log = %s\n' "$1" >"$T/zhifa-$1.toml"
  ZHIFA_CONFIG="$T/zhifa-$1.toml" ZHIFA_DATA_DIR="$T/data" ZHIFA_LISTEN="127.0.0.1:$ZHIFA_PORT" \
    ZHIFA_ADMIN_PASSWORD="$ADMIN_PW" env ${ZENV[@]+"${ZENV[@]}"} ${SERVER_RUN[@]+"${SERVER_RUN[@]}"} "$BIN" serve >>"$T/zhifa-$1.log" 2>&1 &
  ZHIFA_PID=$!
  zhifa_wait_healthy "http://127.0.0.1:$ZHIFA_PORT" "$ZHIFA_PID" "$T/zhifa-$1.log" 3000
}
stop_zhifa() {
  kill -TERM "$ZHIFA_PID"; wait "$ZHIFA_PID" 2>/dev/null || true; ZHIFA_PID=""
}

$API wait "http://127.0.0.1:$NGINX_PORT" 10 2>/dev/null || {
  # nginx serves /healthz as a static file, so the same waiter works.
  cat "$T/nginx/error.log" >&2; exit 1; }

start_zhifa false
read -r COOKIE ROOT_ID DISTRICT_ID < <($API reader-session "http://127.0.0.1:$ZHIFA_PORT" "$ADMIN_PW")
echo "reader session ready: root unit $ROOT_ID, district $DISTRICT_ID" >&2
ROOT_BYTES=$(curl -s -H "Cookie: zhifa_session=$COOKIE" "http://127.0.0.1:$ZHIFA_PORT/api/v1/units/$ROOT_ID" | wc -c)
DISTRICT_BYTES=$(curl -s -H "Cookie: zhifa_session=$COOKIE" "http://127.0.0.1:$ZHIFA_PORT/api/v1/units/$DISTRICT_ID" | wc -c)

RESULTS=$T/results.tsv
: >"$RESULTS"
# CPU time (user + system, clock ticks) of the processes in $@ (nginx: master and workers).
cpu_ticks() {
  local p sum=0
  for p in "$@"; do
    [[ -r /proc/$p/stat ]] && sum=$((sum + $(awk '{print $14 + $15}' "/proc/$p/stat")))
  done
  echo "$sum"
}
server_pids() {  # $1 = url: the server behind it
  if [[ $1 == *":$NGINX_PORT/"* ]]; then echo "$NGINX_PID $(pgrep -P "$NGINX_PID" | tr '\n' ' ')"; else echo "$ZHIFA_PID"; fi
}
TICK=$(getconf CLK_TCK)
# run_wrk NAME URL [header] — appends "NAME rps p50ms p99ms non2xx cpu_us_per_request" to
# RESULTS. The last is the server's own CPU time per answered request: less sensitive than req/s
# to what else runs on the machine (it still moves with cache and scheduler effects).
run_wrk() {
  local name=$1 url=$2 out pids c0 c1
  shift 2
  read -r -a pids <<<"$(server_pids "$url")"
  c0=$(cpu_ticks "${pids[@]}")
  if [[ $# -gt 0 ]]; then
    out=$(${WRK_RUN[@]+"${WRK_RUN[@]}"} wrk -t"$WRK_THREADS" -c"$CONNS" -d"$DUR" --latency -H "$1" "$url")
  else
    out=$(${WRK_RUN[@]+"${WRK_RUN[@]}"} wrk -t"$WRK_THREADS" -c"$CONNS" -d"$DUR" --latency "$url")
  fi
  c1=$(cpu_ticks "${pids[@]}")
  echo "$out" >>"$T/wrk-raw.log"
  echo "$out" | awk -v name="$name" -v ticks=$((c1 - c0)) -v hz="$TICK" '
    function ms(v) { if (v ~ /us$/) return v/1000; if (v ~ /ms$/) return v+0; if (v ~ /s$/) return v*1000; return v }
    /requests in/ { n=$1 }
    /Requests\/sec:/ { rps=$2 }
    /^ +50%/ { p50=ms($2) }
    /^ +99%/ { p99=ms($2) }
    /Non-2xx/ { bad=$NF }
    END { printf "%s\t%.0f\t%.3f\t%.3f\t%d\t%.1f\n", name, rps, p50, p99, bad+0, n ? ticks / hz * 1e6 / n : 0 }' >>"$RESULTS"
  tail -1 "$RESULTS" >&2
}

Z=http://127.0.0.1:$ZHIFA_PORT
AUTH="Cookie: zhifa_session=$COOKIE"
phase() {  # $1 = log state label
  local lg=$1
  for r in $(seq 1 "$REPS"); do
    run_wrk "nginx static file" "http://127.0.0.1:$NGINX_PORT/healthz"
    run_wrk "zhifa /healthz (log $lg)" "$Z/healthz"
    run_wrk "zhifa GET unit, 12 children (log $lg)" "$Z/api/v1/units/$DISTRICT_ID" "$AUTH"
    run_wrk "zhifa GET unit, 57 children (log $lg)" "$Z/api/v1/units/$ROOT_ID" "$AUTH"
  done
}
RSS_AFTER_OFF=""; METRICS=""
first=1
for lg in $PHASES; do
  if [[ $first == 0 || $lg == on ]]; then stop_zhifa; start_zhifa "$([[ $lg == on ]] && echo true || echo false)"; fi
  first=0
  phase "$lg"
  if [[ $lg == off ]]; then
    RSS_AFTER_OFF=$(awk '/VmRSS/ {print $2}' /proc/$ZHIFA_PID/status)
    METRICS=$(curl -s "$Z/metrics" | grep -E '(units/\{id\}|healthz).*(_sum|_count)' | head -20 || true)
  fi
done
stop_zhifa
echo
if [[ ${#WRK_RUN[@]} -gt 0 ]]; then WHERE="nginx ($NGINX_WORKERS worker) and zhifa on CPU 0, wrk on CPU 1"; else WHERE="$(nproc) cores shared by wrk, nginx and zhifa"; fi
echo "wrk -t$WRK_THREADS -c$CONNS -d$DUR --latency; median of $REPS runs; $WHERE${ZENV[*]+; zhifa environment: ${ZENV[*]}}"
echo "response sizes: district unit (12 children) $DISTRICT_BYTES B, root unit (57 children) $ROOT_BYTES B; zhifa RSS after the log-off runs: ${RSS_AFTER_OFF:-n/a} kB"
python3 - "$RESULTS" <<'EOF'
import statistics, sys
rows = {}
order = []
for line in open(sys.argv[1]):
    name, rps, p50, p99, bad, cpu = line.rstrip("\n").split("\t")
    if name not in rows:
        rows[name] = []
        order.append(name)
    rows[name].append((float(rps), float(p50), float(p99), int(bad), float(cpu)))
med = {n: (statistics.median(r[0] for r in v), statistics.median(r[1] for r in v),
           statistics.median(r[2] for r in v), sum(r[3] for r in v),
           statistics.median(r[4] for r in v)) for n, v in rows.items()}
base = med["nginx static file"][0]
print("| %-44s | %9s | %8s | %8s | %8s | %6s | %10s | %s |" % ("what", "req/s", "p50 ms", "p99 ms", "× nginx", "non2xx", "CPU µs/req", "target"))
print("|" + "-" * 46 + "|" + "-" * 11 + "|" + "-" * 10 + "|" + "-" * 10 + "|" + "-" * 10 + "|" + "-" * 8 + "|" + "-" * 12 + "|---|")
for n in order:
    rps, p50, p99, bad, cpu = med[n]
    ratio = rps / base if base else 0
    if n.startswith("zhifa /healthz"):
        tgt = "≥ 0.8× nginx: %s" % ("PASS" if ratio >= 0.8 else "FAIL")
    elif n.startswith("zhifa GET"):
        ok = ratio >= 0.5 and p99 < 5
        tgt = "≥ 0.5× nginx, p99 < 5 ms: %s" % ("PASS" if ok else "FAIL")
    else:
        tgt = "baseline"
    print("| %-44s | %9.0f | %8.2f | %8.2f | %8.2f | %6d | %10.1f | %s |" % (n, rps, p50, p99, ratio, bad, cpu, tgt))
EOF
if [[ -n $METRICS ]]; then echo; echo "/metrics (after the log-off runs):"; echo "$METRICS"; fi
