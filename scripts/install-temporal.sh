#!/usr/bin/env bash
# Provides the Temporal CLI (which embeds the Temporal dev server) used by `npm start` and
# the test suite. Idempotent: does nothing when a usable CLI is already there.
#
#   1. TEMPORAL_CLI_PATH set            -> use that executable, nothing else.
#   2. <cache>/stampflow/bin/temporal   -> use it when it is CLI v1.5.1.
#   3. otherwise build it from source with `go install` (the only way that needs no binary
#      download: the module proxy serves the source, Go compiles it; takes a few minutes).
#
# <cache> is $XDG_CACHE_HOME or ~/.cache. The result is also symlinked to .tools/bin/temporal
# in the work tree (ignored by git). With TEMPORAL_ADDRESS set, Stampflow uses that server and
# needs no CLI at all.
set -euo pipefail

readonly CLI_VERSION="1.5.1"
readonly CLI_MODULE="github.com/temporalio/cli"
readonly CLI_PACKAGE="${CLI_MODULE}/cmd/temporal"

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache_dir="${XDG_CACHE_HOME:-${HOME}/.cache}/stampflow"
bin_dir="${cache_dir}/bin"
cli="${bin_dir}/temporal"

say() { printf 'install-temporal: %s\n' "$*" >&2; }
die() { printf 'install-temporal: error: %s\n' "$*" >&2; exit 1; }

# 1. An explicit path wins, and is never replaced or linked.
if [[ -n "${TEMPORAL_CLI_PATH:-}" ]]; then
  if [[ -f "${TEMPORAL_CLI_PATH}" && -x "${TEMPORAL_CLI_PATH}" ]]; then
    say "using TEMPORAL_CLI_PATH=${TEMPORAL_CLI_PATH}"
    exit 0
  fi
  die "TEMPORAL_CLI_PATH=${TEMPORAL_CLI_PATH} is not an executable file (unset it to build the CLI, or point it at a Temporal CLI binary)"
fi

# Is "$1" Temporal CLI v1.5.1? Release builds (and ours, see the ldflags below) say so in
# `--version`; a plain `go install` build says 0.0.0-DEV, so ask Go's build info too.
is_wanted_cli() {
  local bin="$1" version
  [[ -f "${bin}" && -x "${bin}" ]] || return 1
  version="$("${bin}" --version 2>/dev/null)" || return 1
  if [[ "${version}" == *"version ${CLI_VERSION} "* || "${version}" == *"version ${CLI_VERSION}" ]]; then
    return 0
  fi
  if command -v go >/dev/null 2>&1; then
    go version -m "${bin}" 2>/dev/null | grep -Eq "^[[:space:]]*mod[[:space:]]+${CLI_MODULE}[[:space:]]+v${CLI_VERSION}([[:space:]]|$)" && return 0
  fi
  return 1
}

link_into_work_tree() {
  mkdir -p "${repo_root}/.tools/bin"
  ln -sfn "${cli}" "${repo_root}/.tools/bin/temporal"
}

if is_wanted_cli "${cli}"; then
  link_into_work_tree
  say "Temporal CLI ${CLI_VERSION} present at ${cli}"
  exit 0
fi

# Go may be installed but not on PATH (the official tarball's location).
if ! command -v go >/dev/null 2>&1 && [[ -x /usr/local/go/bin/go ]]; then
  export PATH="/usr/local/go/bin:${PATH}"
fi
if ! command -v go >/dev/null 2>&1; then
  if [[ -x "${cli}" ]] && "${cli}" --version >/dev/null 2>&1; then
    say "warning: cannot verify the version of ${cli} without Go; using it as it is"
    link_into_work_tree
    exit 0
  fi
  die "the Temporal CLI is missing and Go (>= 1.25) is not installed to build it.
  Either install Go (https://go.dev/doc/install) and run this again,
  or set TEMPORAL_CLI_PATH to an existing Temporal CLI binary,
  or set TEMPORAL_ADDRESS to a running Temporal server (host:port) so no local server is needed."
fi

mkdir -p "${bin_dir}"
# Two builds at once (say `npm start` and the tests) would only waste minutes: serialise.
if command -v flock >/dev/null 2>&1; then
  exec 9>"${cache_dir}/install-temporal.lock"
  if ! flock -n 9; then
    say "another install is running; waiting for it"
    flock 9
  fi
  if is_wanted_cli "${cli}"; then
    link_into_work_tree
    say "Temporal CLI ${CLI_VERSION} present at ${cli}"
    exit 0
  fi
fi

say "building Temporal CLI v${CLI_VERSION} from source with $(go version | cut -d' ' -f3) into ${bin_dir}"
say "(first build downloads modules and compiles for several minutes; later runs reuse it)"
started=${SECONDS}
if ! GOBIN="${bin_dir}" \
    go install -ldflags "-s -w -X ${CLI_MODULE}/temporalcli.Version=${CLI_VERSION}" "${CLI_PACKAGE}@v${CLI_VERSION}"; then
  die "go install ${CLI_PACKAGE}@v${CLI_VERSION} failed (see above). Alternatives: set TEMPORAL_CLI_PATH to a Temporal CLI binary, or TEMPORAL_ADDRESS to a running server."
fi
is_wanted_cli "${cli}" || die "built ${cli} but it does not report CLI v${CLI_VERSION}"
link_into_work_tree
say "built ${cli} in $((SECONDS - started))s"
