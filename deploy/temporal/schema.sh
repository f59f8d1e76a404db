#!/bin/sh
# Creates Temporal's two databases on Postgres when they are missing and brings their
# schemas to the version the server needs, with `temporal-sql-tool` (built from the same
# Temporal release as the server, whose schemas it embeds). Safe to run at every start:
# an existing database is kept and an up-to-date schema is left alone.
#
# Used by `npm run stack` (server/temporal/temporal-server.ts) and by the `temporal-schema`
# service of docker-compose.yml. Reads the same variables as stampflow.yaml:
#   TEMPORAL_DB_HOST (127.0.0.1)  TEMPORAL_DB_PORT (5432)  TEMPORAL_DB_USER (postgres)
#   TEMPORAL_DB_PASSWORD ('')     TEMPORAL_DB (temporal)   TEMPORAL_VISIBILITY_DB (temporal_visibility)
#   TEMPORAL_SQL_TOOL             the tool's path (default: temporal-sql-tool on PATH)
set -eu

tool="${TEMPORAL_SQL_TOOL:-temporal-sql-tool}"

sql_tool() {
  "${tool}" --plugin postgres12 \
    --endpoint "${TEMPORAL_DB_HOST:-127.0.0.1}" --port "${TEMPORAL_DB_PORT:-5432}" \
    --user "${TEMPORAL_DB_USER:-postgres}" --password "${TEMPORAL_DB_PASSWORD:-}" "$@"
}

# $1: database, $2: the embedded schema (postgresql/v12/temporal or .../visibility)
prepare() {
  if ! output="$(sql_tool --database "$1" create-database 2>&1)"; then
    case "${output}" in
      *"already exists"*) ;;
      *) printf '%s\n' "${output}" >&2; echo "temporal schema: could not create database $1" >&2; exit 1 ;;
    esac
  fi
  # The version table first (a no-op when present), then every versioned step not yet
  # applied. The tool logs each statement; its log is shown only when a step fails.
  for step in "setup-schema --version 0.0" "update-schema --schema-name $2"; do
    # shellcheck disable=SC2086 # the step's words are meant to split
    if ! output="$(sql_tool --database "$1" ${step} 2>&1)"; then
      printf '%s\n' "${output}" >&2
      echo "temporal schema: ${step} failed on database $1" >&2
      exit 1
    fi
  done
  echo "temporal schema: database $1 is ready ($2)"
}

prepare "${TEMPORAL_DB:-temporal}" postgresql/v12/temporal
prepare "${TEMPORAL_VISIBILITY_DB:-temporal_visibility}" postgresql/v12/visibility
