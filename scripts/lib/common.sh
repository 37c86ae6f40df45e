# Shared shell helpers for scripts/*. Source it; it defines paths and functions, runs nothing.
# shellcheck shell=bash

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# Everything built or started by scripts/setup lives here, outside the repository, so clones share it.
PIPELINE_HOME=${CDKTF_PIPELINE_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/cdktf-deployment-pipeline}
PIPELINE_BIN=$PIPELINE_HOME/bin
PIPELINE_MIRROR=$PIPELINE_HOME/providers
PIPELINE_RUN=$PIPELINE_HOME/run
PIPELINE_BUILD=$PIPELINE_HOME/build
PIPELINE_ENV_FILE=$REPO_ROOT/pipeline.env

# Pinned versions. Change them here only.
OPENTOFU_VERSION=1.12.6
# OpenTofu's go.mod replaces hashicorp/hcl with its fork; a wrapper module must repeat that replace.
OPENTOFU_HCL_VERSION=v2.20.2-0.20251021132045-587d123c2828
# kreuzwerker/docker: the Go module proxy serves this one revision (the v4.6.0 release line,
# commit 96d331c98ff4); its go.mod declares the terraform-providers module path.
DOCKER_PROVIDER_VERSION=4.6.0
DOCKER_PROVIDER_MODULE_VERSION=v0.0.0-20260916201441-96d331c98ff4
REGISTRY_ADDRESS=127.0.0.1:5000

# cpu_mark FILE: writes this shell's CPU time so far, its own and its finished children's (the
# builtin `times`, which must run in this shell, not in a $(...) subshell). cpu_seconds FILE
# prints that total in seconds.
cpu_mark() { times >"$1"; }
cpu_seconds() {
  awk '{ for (i = 1; i <= NF; i++) { split($i, p, "m"); sub("s", "", p[2]); t += p[1] * 60 + p[2] } }
    END { printf "%.1f", t }' "$1"
}

# machine_mark FILE: the machine's CPU time so far, busy and idle (jiffies of every core, from
# /proc/stat). machine_busy BEFORE AFTER prints the share of the cores that were busy in between,
# whoever used them: the Docker engine and the containers too, which cpu_mark does not see.
machine_mark() { awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 + $9, $5 + $6 }' /proc/stat >"$1"; }
machine_busy() {
  awk 'NR == FNR { b = $1; i = $2; next } { db = $1 - b; di = $2 - i }
    END { printf "%.2f", ((db + di) > 0 ? db / (db + di) : 0) }' "$1" "$2"
}

log() { printf '[%s] %s\n' "${LOG_PREFIX:-pipeline}" "$*"; }

die() {
  printf '[%s] error: %s\n' "${LOG_PREFIX:-pipeline}" "$1" >&2
  [ -n "${2:-}" ] && printf '[%s] fix: %s\n' "${LOG_PREFIX:-pipeline}" "$2" >&2
  exit 1
}

# step NAME FUNCTION: runs FUNCTION and prints one line with its outcome and duration.
# FUNCTION runs in this shell (so it can set variables) and prints its one-line outcome on stdout.
step() {
  local name=$1 fn=$2 start out
  start=$(date +%s.%N)
  out=$(mktemp)
  "$fn" >"$out" || exit 1
  printf '[%s] %-9s %-70s %6.1fs\n' "${LOG_PREFIX:-pipeline}" "$name" "$(tail -n 1 "$out")" \
    "$(awk "BEGIN { print $(date +%s.%N) - $start }")"
  rm -f "$out"
}

have() { command -v "$1" >/dev/null 2>&1; }

is_root() { [ "$(id -u)" = 0 ]; }

# pid_alive FILE: the pid recorded in FILE belongs to a running process.
pid_alive() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# stop_daemon NAME PIDFILE: stops the process PIDFILE records (SIGTERM, then SIGKILL after 30 s)
# and removes PIDFILE. Nothing to do when it does not run.
stop_daemon() {
  local name=$1 pidfile=$2 pid
  # Read once, before anything else: a daemon may remove its own pid file as it exits (dockerd
  # does), so the file may be gone by the next line.
  pid=$(cat "$pidfile" 2>/dev/null) || pid=
  if [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; then
    rm -f "$pidfile"
    return 0
  fi
  log "stopping $name (pid $pid)"
  kill "$pid"
  for _ in $(seq 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
  kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
  rm -f "$pidfile"
}

# The Docker engine scripts/setup starts reads its settings from this file; they are reloaded
# with SIGHUP, without a restart.
DOCKERD_CONFIG=$PIPELINE_RUN/dockerd.json

# engine_live_restore true|false: turns the engine's live-restore on or off (containers keep
# running, and serving once it is back, while the engine is down; Swarm refuses it). Only for the
# engine scripts/setup started; prints what it did.
engine_live_restore() {
  local want=$1 pidfile=$PIPELINE_RUN/dockerd.pid
  if ! pid_alive "$pidfile" || ! tr '\0' ' ' <"/proc/$(cat "$pidfile")/cmdline" | grep -qF -- "--config-file $DOCKERD_CONFIG"; then
    echo "live-restore left as it is ($(docker info --format '{{.LiveRestoreEnabled}}'): an engine scripts/setup did not start"
    return 0
  fi
  if [ "$(docker info --format '{{.LiveRestoreEnabled}}')" = "$want" ]; then
    echo "live-restore $want"
    return 0
  fi
  printf '{ "live-restore": %s }\n' "$want" >"$DOCKERD_CONFIG"
  kill -HUP "$(cat "$pidfile")"
  for _ in $(seq 50); do
    [ "$(docker info --format '{{.LiveRestoreEnabled}}' 2>/dev/null)" = "$want" ] && { echo "live-restore turned $want"; return 0; }
    sleep 0.2
  done
  die "the engine did not take live-restore=$want within 10 s; see $PIPELINE_RUN/dockerd.log" \
    "Read the log; scripts/teardown then scripts/setup starts the engine afresh."
}

# wait_for SECONDS COMMAND...: polls COMMAND once a second until it succeeds.
wait_for() {
  local seconds=$1
  shift
  for _ in $(seq "$seconds"); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 1
  done
  return 1
}

# use_toolchain: the environment scripts/setup wrote, and the project's node_modules/.bin.
use_toolchain() {
  [ -f "$PIPELINE_ENV_FILE" ] || die "$PIPELINE_ENV_FILE is missing." "Run scripts/setup (npm run setup) first."
  # shellcheck disable=SC1090
  source "$PIPELINE_ENV_FILE"
  export PATH="$REPO_ROOT/node_modules/.bin:$PATH"
  cd "$REPO_ROOT"
}
