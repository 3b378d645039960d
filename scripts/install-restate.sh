#!/usr/bin/env bash
# Installs what the side-by-side benchmark with Restate needs into benchmarks/Restate/node_modules
# (not committed): the Restate server binary and its TypeScript SDK, from npm, at the versions
# pinned in benchmarks/Restate/package.json. Idempotent: does nothing when they are there.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="$root/benchmarks/Restate"
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "Node.js and npm are needed for the Restate benchmark; installing them from Debian ..."
  apt-get update -qq && apt-get install -y -qq nodejs npm >/dev/null
fi
if [ -x "$dir/node_modules/@restatedev/restate-server-linux-x64/bin/restate-server" ] \
   && [ -f "$dir/node_modules/@restatedev/restate-sdk/package.json" ]; then
  exit 0
fi
echo "Installing Restate (server and SDK) into $dir/node_modules ..."
(cd "$dir" && npm install --no-audit --no-fund --no-package-lock --loglevel=error)
