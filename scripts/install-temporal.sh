#!/usr/bin/env bash
# Provides the Temporal binaries Stampflow runs, built from source once and cached.
# Idempotent: does nothing when the wanted build is already there.
#
#   install-temporal.sh [cli]   the Temporal CLI v1.5.1, whose dev server (SQLite) backs
#                               `npm start` and `npm test`                 -> bin/temporal
#   install-temporal.sh server  Temporal Server v1.29.1 and its schema tool, for the
#                               production shape on Postgres (`npm run stack`)
#                                             -> bin/temporal-server, bin/temporal-sql-tool
#
# bin/ is <cache>/stampflow/bin, <cache> being $XDG_CACHE_HOME or ~/.cache, so a fresh clone
# finds an earlier build; each binary is also symlinked into .tools/bin in the work tree
# (ignored by git). `go install module/pkg@version` is the only way that needs no binary
# download: the module proxy serves the source and Go compiles it (a few minutes each).
#
# For the CLI, TEMPORAL_CLI_PATH set -> that executable is used and nothing is built; with
# TEMPORAL_ADDRESS set, Stampflow uses that server and needs no binary at all.
set -euo pipefail

readonly CLI_VERSION="1.5.1"
readonly CLI_MODULE="github.com/temporalio/cli"
readonly SERVER_VERSION="1.29.1"
readonly SERVER_MODULE="go.temporal.io/server"

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache_dir="${XDG_CACHE_HOME:-${HOME}/.cache}/stampflow"
bin_dir="${cache_dir}/bin"

say() { printf 'install-temporal: %s\n' "$*" >&2; }
die() { printf 'install-temporal: error: %s\n' "$*" >&2; exit 1; }

# name|module|package|version|ldflags — one line per binary of a target.
case "${1:-cli}" in
  cli)
    wanted=("temporal|${CLI_MODULE}|${CLI_MODULE}/cmd/temporal|${CLI_VERSION}|-s -w -X ${CLI_MODULE}/temporalcli.Version=${CLI_VERSION}")
    # 1. An explicit path wins, and is never replaced or linked.
    if [[ -n "${TEMPORAL_CLI_PATH:-}" ]]; then
      [[ -f "${TEMPORAL_CLI_PATH}" && -x "${TEMPORAL_CLI_PATH}" ]] ||
        die "TEMPORAL_CLI_PATH=${TEMPORAL_CLI_PATH} is not an executable file (unset it to build the CLI, or point it at a Temporal CLI binary)"
      say "using TEMPORAL_CLI_PATH=${TEMPORAL_CLI_PATH}"
      exit 0
    fi
    ;;
  server)
    wanted=(
      "temporal-server|${SERVER_MODULE}|${SERVER_MODULE}/cmd/server|${SERVER_VERSION}|-s -w"
      "temporal-sql-tool|${SERVER_MODULE}|${SERVER_MODULE}/cmd/tools/sql|${SERVER_VERSION}|-s -w"
    )
    ;;
  *) die "unknown target '$1' (known: cli, server)" ;;
esac

# Go may be installed but not on PATH (the official tarball's location).
if ! command -v go >/dev/null 2>&1 && [[ -x /usr/local/go/bin/go ]]; then
  export PATH="/usr/local/go/bin:${PATH}"
fi

# Is "$1" a build of module $2 at version $3? Go's build info says so; the CLI's release
# builds (and ours, see its ldflags) also say it in `--version`, which needs no Go.
is_wanted() {
  local bin="$1" module="$2" version="$3" printed
  [[ -f "${bin}" && -x "${bin}" ]] || return 1
  if command -v go >/dev/null 2>&1; then
    go version -m "${bin}" 2>/dev/null | grep -Eq "^[[:space:]]*mod[[:space:]]+${module}[[:space:]]+v${version}([[:space:]]|$)" && return 0
  fi
  printed="$("${bin}" --version 2>/dev/null)" || return 1
  [[ "${printed}" == *"version ${version} "* || "${printed}" == *"version ${version}" ]]
}

all_present() {
  local line name module package version flags
  for line in "${wanted[@]}"; do
    IFS='|' read -r name module package version flags <<<"${line}"
    is_wanted "${bin_dir}/${name}" "${module}" "${version}" || return 1
  done
}

link_into_work_tree() {
  local line name
  mkdir -p "${repo_root}/.tools/bin"
  for line in "${wanted[@]}"; do
    name="${line%%|*}"
    ln -sfn "${bin_dir}/${name}" "${repo_root}/.tools/bin/${name}"
    say "${name} present at ${bin_dir}/${name}"
  done
}

if all_present; then
  link_into_work_tree
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  die "Go (>= 1.25) is needed to build ${wanted[*]%%|*} and is not installed.
  Install Go (https://go.dev/doc/install) and run this again; for the CLI you may instead
  set TEMPORAL_CLI_PATH to a Temporal CLI binary, or TEMPORAL_ADDRESS to a running server."
fi

mkdir -p "${bin_dir}"
# Two builds at once (say `npm start` and the tests) would only waste minutes: serialise.
if command -v flock >/dev/null 2>&1; then
  exec 9>"${cache_dir}/install-temporal.lock"
  if ! flock -n 9; then
    say "another install is running; waiting for it"
    flock 9
  fi
  if all_present; then
    link_into_work_tree
    exit 0
  fi
fi

staging="$(mktemp -d "${cache_dir}/build.XXXXXX")"
trap 'rm -rf "${staging}"' EXIT
for line in "${wanted[@]}"; do
  IFS='|' read -r name module package version flags <<<"${line}"
  is_wanted "${bin_dir}/${name}" "${module}" "${version}" && continue
  say "building ${package}@v${version} with $(go version | cut -d' ' -f3) into ${bin_dir}/${name}"
  say "(the first build downloads modules and compiles for several minutes; later runs reuse it)"
  started=${SECONDS}
  GOBIN="${staging}" go install -ldflags "${flags}" "${package}@v${version}" ||
    die "go install ${package}@v${version} failed (see above)"
  # go install names the binary after the package's last element (temporal, server, sql).
  mv -f "${staging}/${package##*/}" "${bin_dir}/${name}"
  is_wanted "${bin_dir}/${name}" "${module}" "${version}" || die "built ${bin_dir}/${name} but it is not ${module} v${version}"
  say "built ${name} in $((SECONDS - started))s"
done
link_into_work_tree
