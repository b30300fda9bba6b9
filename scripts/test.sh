#!/usr/bin/env bash
# Installs the workspace and runs the whole test suite, stage by stage: build, lint, typecheck,
# package checks, every Vitest project and the consumer check (what `pnpm test` runs). Each
# stage prints a header and its result; the first failing stage stops the run and fails the
# script with its exit code. The summary lists every stage, tests per Vitest project and why
# tests were skipped; its last line is `tests: N passed, N failed, N skipped` for CI tools.
# PostgreSQL tests run when TEST_DATABASE_URL is set, or when PostgreSQL answers on
# 127.0.0.1:5432.
set -euo pipefail
source "$(dirname "$0")/toolchain.sh"
cd "$BACKLEX_ROOT"

if [ -z "${TEST_DATABASE_URL:-}" ] && (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; then
  export TEST_DATABASE_URL="postgres://postgres@127.0.0.1:5432/test"
fi
if [ -n "${TEST_DATABASE_URL:-}" ]; then
  echo "test: PostgreSQL tests run against ${TEST_DATABASE_URL%%@*}@…" >&2
else
  echo "test: PostgreSQL does not answer on 127.0.0.1:5432 and TEST_DATABASE_URL is unset; PostgreSQL tests are skipped" >&2
fi

echo "==> install: pnpm install --frozen-lockfile"
pnpm install --frozen-lockfile || {
  code=$?
  echo "<== install: FAILED with exit code $code"
  echo "tests: 0 passed, 1 failed, 0 skipped"
  exit "$code"
}

results="$(mktemp -d "${TMPDIR:-/tmp}/backlex-test.XXXXXX")"
trap 'rm -rf "$results"' EXIT
stages=(build lint typecheck "package checks" "unit tests" "consumer check")
status=0

# run_stage <number> <name> <shown> <command...>: a header, the command, a result line; records
# the result for the summary.
run_stage() {
  local number=$1 name=$2 shown=$3
  shift 3
  echo
  echo "==> [$number/${#stages[@]}] $name: $shown"
  local started=$SECONDS code=0
  "$@" || code=$?
  local took=$((SECONDS - started))
  if [ "$code" -eq 0 ]; then
    echo "<== $name: ok (${took} s)"
    printf '%s\tok\t%s\n' "$name" "$took" >>"$results/stages.tsv"
  else
    echo "<== $name: FAILED with exit code $code (${took} s)"
    printf '%s\tFAILED\t%s\n' "$name" "$took" >>"$results/stages.tsv"
  fi
  return "$code"
}

unit_tests() {
  pnpm test:unit --reporter=default --reporter=json --outputFile.json="$results/vitest.json"
}
consumer_check() {
  pnpm test:consumer 2>&1 | tee "$results/consumer-check.log"
}
package_checks() {
  pnpm check:packages && pnpm check:release
}

commands=("pnpm build" "pnpm lint" "pnpm typecheck" package_checks unit_tests consumer_check)
shown=("pnpm build" "pnpm lint" "pnpm typecheck" "pnpm check:packages && pnpm check:release"
  "pnpm test:unit" "pnpm test:consumer")
for i in "${!stages[@]}"; do
  if [ "$status" -ne 0 ]; then
    printf '%s\tnot run\t\n' "${stages[$i]}" >>"$results/stages.tsv"
    continue
  fi
  # shellcheck disable=SC2086 # "pnpm build" and the like are meant to split into words
  run_stage "$((i + 1))" "${stages[$i]}" "${shown[$i]}" ${commands[$i]} || status=$?
done

# The summary only reports: the stages' exit codes alone decide the script's.
node scripts/test-summary.ts "$results/stages.tsv" "$results/vitest.json" \
  "$results/consumer-check.log" || echo "test: the summary could not be printed" >&2
exit "$status"
