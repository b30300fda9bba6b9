#!/usr/bin/env bash
# Installs the workspace and runs the whole test suite: build, lint, typecheck,
# package checks and every Vitest project. PostgreSQL tests run when
# TEST_DATABASE_URL is set, or when PostgreSQL answers on 127.0.0.1:5432.
set -euo pipefail
source "$(dirname "$0")/toolchain.sh"
cd "$BACKLEX_ROOT"

if [ -z "${TEST_DATABASE_URL:-}" ] && (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; then
  export TEST_DATABASE_URL="postgres://postgres@127.0.0.1:5432/test"
fi
if [ -n "${TEST_DATABASE_URL:-}" ]; then
  echo "test: PostgreSQL tests run against ${TEST_DATABASE_URL%%@*}@…" >&2
else
  echo "test: PostgreSQL does not answer on 127.0.0.1:5432; PostgreSQL tests are skipped" >&2
fi

pnpm install --frozen-lockfile
pnpm test
