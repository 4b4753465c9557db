# Shared by the bench scripts (sourced). Waits for a zhifa started in the background.
#   zhifa_wait_healthy BASE_URL PID LOG TRIES — polls BASE_URL/healthz every 20 ms; returns 0 once
#   it answers, exits 1 (with the log's tail) when the process dies or TRIES polls pass.
zhifa_wait_healthy() {
  local base=$1 pid=$2 log=$3 tries=$4
  for _ in $(seq 1 "$tries"); do
    curl -fs -o /dev/null "$base/healthz" && return 0
    kill -0 "$pid" 2>/dev/null || { echo "zhifa exited on start:" >&2; tail -20 "$log" >&2; exit 1; }
    sleep 0.02
  done
  echo "zhifa did not answer $base/healthz" >&2
  exit 1
}
