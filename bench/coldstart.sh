#!/usr/bin/env bash
# Cold start to the first answered request, and idle RSS.
#   - warm data dir: start the binary on an existing, migrated and seeded data directory;
#   - empty data dir: first start (migrations + seeding the org tree + one argon2id hash for the
#     administrators' password), a fresh directory each run.
# Time is measured from spawning the process to the first HTTP 200 on /healthz, polling with a raw
# socket in a tight loop (no curl fork per poll). RUNS starts of each (default 10); median, min,
# max reported. Then VmRSS from /proc/PID/status right after start and after a wrk run
# (wrk -t2 -c64 -d10s on /healthz, then on an authenticated GET /api/v1/units/{id}).
#
#   bench/coldstart.sh [--bin build/release/zhifa] [--runs 10]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=$ROOT/build/release/zhifa
RUNS=10
while [[ $# -gt 0 ]]; do
  case $1 in
    --bin) BIN=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
T=$(mktemp -d /tmp/zhifa-cold-XXXXXX)
trap 'rm -rf "$T"' EXIT
ADMIN_PW='Zf-Cold-2026!x'

python3 - "$BIN" "$T" "$RUNS" "$ADMIN_PW" "$ROOT" <<'PY'
import os, signal, socket, statistics, subprocess, sys, time
bin_, tmp, runs, pw, root = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
sys.path.insert(0, os.path.join(root, "bench"))
import zhifa_api

def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p

def healthy(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            return s.recv(64).startswith(b"HTTP/1.1 200")
    except OSError:
        return False

def start(data_dir, port):
    env = dict(os.environ, ZHIFA_DATA_DIR=data_dir, ZHIFA_LISTEN="127.0.0.1:%d" % port,
               ZHIFA_ADMIN_PASSWORD=pw)
    env.pop("ZHIFA_CONFIG", None)
    log = open(os.path.join(tmp, "server.log"), "ab")
    t0 = time.perf_counter()
    p = subprocess.Popen([bin_, "serve"], env=env, stdout=log, stderr=log)
    while not healthy(port):
        if p.poll() is not None:
            raise SystemExit("server exited with %s; see log" % p.returncode)
        if time.perf_counter() - t0 > 60:
            raise SystemExit("no answer within 60 s")
    return p, (time.perf_counter() - t0) * 1000

def stop(p):
    p.send_signal(signal.SIGTERM); p.wait(30)

def rss_kb(pid):
    for line in open("/proc/%d/status" % pid):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])

def summary(name, xs):
    print("%-48s median %7.1f ms   min %7.1f   max %7.1f   (n=%d)" %
          (name, statistics.median(xs), min(xs), max(xs), len(xs)))

empty = []
for i in range(runs):
    d = os.path.join(tmp, "empty-%d" % i)
    p, ms = start(d, free_port()); stop(p); empty.append(ms)
warm_dir = os.path.join(tmp, "empty-0")
warm = []
for i in range(runs):
    p, ms = start(warm_dir, free_port()); stop(p); warm.append(ms)
summary("cold start, existing migrated data dir", warm)
summary("first start, empty data dir (migrate+seed+argon2)", empty)

port = free_port()
p, _ = start(warm_dir, port)
time.sleep(1.0)
rss_idle = rss_kb(p.pid)
base = "http://127.0.0.1:%d" % port
cookie, root_id, district_id = zhifa_api.reader_session(base, pw)
rss_after_login = rss_kb(p.pid)
subprocess.run(["wrk", "-t2", "-c64", "-d10s", base + "/healthz"], check=True,
               stdout=subprocess.DEVNULL)
subprocess.run(["wrk", "-t2", "-c64", "-d10s", "-H", "Cookie: zhifa_session=" + cookie,
                base + "/api/v1/units/%d" % root_id], check=True, stdout=subprocess.DEVNULL)
time.sleep(2.0)
rss_after = rss_kb(p.pid)
stop(p)
print("%-48s %7d kB" % ("VmRSS idle after start", rss_idle))
print("%-48s %7d kB" % ("VmRSS after reader set-up (logins: argon2id)", rss_after_login))
print("%-48s %7d kB" % ("VmRSS after wrk (healthz + unit read), idle 2 s", rss_after))
PY
