#!/usr/bin/env bash
# Builds Ory Hydra v2 from the Go module proxy only and caches the binary
# outside the repository (issue 8). Idempotent: a cached binary that answers
# `hydra version` is kept. Prints the binary's path on stdout.
#
#   HYDRA_VERSION   module version to build (default v2.3.0)
#   HYDRA_CACHE     cache root (default ~/.cache/lightgate)
#   GO              go command (default: go on PATH, else /usr/local/go/bin/go)
set -euo pipefail

HYDRA_VERSION="${HYDRA_VERSION:-v2.3.0}"
CACHE="${HYDRA_CACHE:-${HOME}/.cache/lightgate}"
BIN_DIR="${CACHE}/hydra/${HYDRA_VERSION}"
BIN="${BIN_DIR}/hydra"
BUILD_DIR="${CACHE}/hydra-build/${HYDRA_VERSION}"

if [ -z "${GO:-}" ]; then
  if command -v go >/dev/null 2>&1; then GO="$(command -v go)"; else GO=/usr/local/go/bin/go; fi
fi
if [ ! -x "${GO}" ] && ! command -v "${GO}" >/dev/null 2>&1; then
  echo "install.sh: Go not found (set GO=/path/to/go)" >&2
  exit 2
fi

if [ -x "${BIN}" ] && "${BIN}" version >/dev/null 2>&1; then
  echo "${BIN}"
  exit 0
fi

log() { echo "install.sh: $*" >&2; }

# One build at a time (test files start Hydra in parallel).
mkdir -p "${CACHE}"
exec 9>"${CACHE}/hydra-build.lock"
flock 9
if [ -x "${BIN}" ] && "${BIN}" version >/dev/null 2>&1; then
  echo "${BIN}"
  exit 0
fi

# Only the module proxy configured on this machine: drop the VCS fallback
# ("direct") so nothing but Go modules is fetched; checksums as usual.
PROXY="$("${GO}" env GOPROXY | tr ',|' '\n\n' | grep -vE '^(direct|off)?$' | paste -sd, -)"
if [ -z "${PROXY}" ]; then
  log "no Go module proxy configured (go env GOPROXY)"; exit 1
fi
export GOPROXY="${PROXY}"
export GOFLAGS="-mod=mod -buildvcs=false"
export CGO_ENABLED="${CGO_ENABLED:-1}"

mkdir -p "${BUILD_DIR}" "${BIN_DIR}"
cd "${BUILD_DIR}"

# Hydra's own go.mod carries `replace` directives, which Go ignores in a
# dependency; read them from the module as downloaded and reproduce the
# non-local ones in our tool module. The local one (hydra-client-go =>
# ./internal/httpclient) is dropped: the required published version is used.
log "downloading github.com/ory/hydra/v2@${HYDRA_VERSION} go.mod"
MODFILE="$("${GO}" mod download -json "github.com/ory/hydra/v2@${HYDRA_VERSION}" \
  | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p')"
if [ -z "${MODFILE}" ] || [ ! -f "${MODFILE}" ]; then
  log "could not locate Hydra's go.mod"; exit 1
fi

{
  echo "module lightgate.local/hydra-build"
  echo
  echo "go 1.24"
  echo
  echo "require github.com/ory/hydra/v2 ${HYDRA_VERSION}"
  echo
  # single-line replaces: `replace A => B vX` (skip local paths)
  grep -E '^replace [^ ]+( v[^ ]+)? => [^ .][^ ]* v[^ ]+$' "${MODFILE}" || true
  # block replaces: `replace ( ... )`
  awk '/^replace \($/{b=1;next} b&&/^\)/{b=0} b{print}' "${MODFILE}" \
    | grep -E '=> [^ .][^ ]* v[^ ]+$' | sed 's/^[[:space:]]*/replace /' || true
} > go.mod.new
if ! cmp -s go.mod.new go.mod 2>/dev/null; then
  mv go.mod.new go.mod
  rm -f go.sum
else
  rm -f go.mod.new
fi
log "tool module go.mod:"; sed 's/^/  /' go.mod >&2

cat > tools.go <<'GO'
//go:build tools

package tools

import _ "github.com/ory/hydra/v2"
GO

log "resolving modules (this can take a while)"
"${GO}" mod tidy >&2 || "${GO}" get "github.com/ory/hydra/v2@${HYDRA_VERSION}" >&2

log "building (several minutes on 2 cores)"
"${GO}" build -trimpath -ldflags "-s -w -X github.com/ory/hydra/v2/driver/config.Version=${HYDRA_VERSION}" \
  -o "${BIN}.tmp" github.com/ory/hydra/v2
mv "${BIN}.tmp" "${BIN}"
"${BIN}" version >&2
echo "${BIN}"
