#!/usr/bin/env bash
# Installs the workspace, builds it and starts examples/basic on embedded SQLite
# (http://127.0.0.1:3000/health). Stop it with Ctrl-C.
set -euo pipefail
source "$(dirname "$0")/toolchain.sh"
cd "$BACKLEX_ROOT"
pnpm install --frozen-lockfile
pnpm build
cd examples/basic
exec pnpm run dev
