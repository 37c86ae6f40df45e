# Builds a Go command from the Go module proxy through a throw-away wrapper module.
# shellcheck shell=bash
#
# go_build_from_proxy OUT PACKAGE LDFLAGS REQUIRE [REPLACE...]
#   OUT      absolute path of the binary to write
#   PACKAGE  import path of the main package to build
#   LDFLAGS  linker flags
#   REQUIRE  module@version the wrapper requires
#   REPLACE  old=new@version replace directives the wrapper repeats (a dependency's own
#            replace directives are ignored by Go, so the wrapper must state them)
# Progress goes to stderr; the build log is kept next to OUT when the build fails.
go_build_from_proxy() {
  local out=$1 package=$2 ldflags=$3 require=$4
  shift 4
  have go || die "Go is needed to build $(basename "$out") and is not on PATH." \
    "Install Go (apt-get install golang), or put a prebuilt $(basename "$out") on PATH."
  local work log
  work=$(mktemp -d "$PIPELINE_BUILD/wrapper.XXXXXX")
  log="$out.build.log"
  mkdir -p "$(dirname "$out")"
  (
    cd "$work" || exit 1
    export GOFLAGS=-mod=mod CGO_ENABLED=0 GOWORK=off
    go mod init pipeline.local/wrapper >/dev/null 2>&1
    go mod edit -require="$require"
    for r in "$@"; do go mod edit -replace="$r"; done
    echo "go build $package ($require)" >"$log"
    # Heartbeat so that a long first build does not look hung.
    (while sleep 30; do printf '[%s]   ... still building %s\n' "${LOG_PREFIX:-pipeline}" "$(basename "$out")" >&2; done) &
    local beat=$!
    go build -trimpath -ldflags "$ldflags" -o "$out.tmp" "$package" >>"$log" 2>&1
    local rc=$?
    kill "$beat" 2>/dev/null
    wait "$beat" 2>/dev/null
    exit $rc
  ) || {
    rm -rf "$work" "$out.tmp"
    die "building $(basename "$out") from the Go module proxy failed; see $log" \
      "Check that the Go module proxy is reachable (go env GOPROXY) and run scripts/setup again."
  }
  mv "$out.tmp" "$out"
  rm -rf "$work" "$log"
}
