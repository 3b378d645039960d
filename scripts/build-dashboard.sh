#!/usr/bin/env bash
# Builds Clay's web dashboard (src/Clay.Dashboard: TypeScript bundled by esbuild) into
# artifacts/dashboard, or into the folder given as the first argument. clay-server embeds the
# result, so the dashboard needs nothing from the network at run time. Node.js and npm come from
# Debian's packages when missing; the npm packages are the ones pinned in package-lock.json.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
src="$root/src/Clay.Dashboard"
out="${1:-$root/artifacts/dashboard}"
mkdir -p "$root/artifacts"

if ! command -v npm >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Node.js and npm (Debian packages) to build the dashboard ..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
  else
    echo "error: building the dashboard needs Node.js and npm (install them, or build with -p:ClayDashboard=false)" >&2
    exit 1
  fi
fi

# One build at a time: parallel builds of the server would otherwise share node_modules.
exec 9>"$root/artifacts/.dashboard.lock"
flock 9

cd "$src"
stamp=node_modules/.clay-installed
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ] || [ package.json -nt "$stamp" ]; then
  # esbuild's install script only checks its binary, which npm installs as a package of its own.
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
  touch "$stamp"
fi
node_modules/.bin/tsc --noEmit -p .
node build.mjs "$out"
echo "Dashboard built into $out"
