#!/usr/bin/env bash
# Builds the power-cut layer (tools/Clay.Reliability/PowerCut/clay-powercut.c) into
# artifacts/powercut/libclay-powercut.so: a library preloaded into a test server so that a test can
# drop every write not yet synced (see docs/reliability.md). Rebuilt only when the source changed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source="$root/tools/Clay.Reliability/PowerCut/clay-powercut.c"
out="$root/artifacts/powercut/libclay-powercut.so"
if [ "$(uname -s)" != "Linux" ]; then
  echo "the power-cut layer needs Linux; skipped"
  exit 0
fi
if ! command -v gcc >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    apt-get install -y -q gcc libc6-dev >/dev/null
  else
    echo "the power-cut layer needs gcc (apt-get install gcc)" >&2
    exit 1
  fi
fi
mkdir -p "$(dirname "$out")"
if [ ! -f "$out" ] || [ "$source" -nt "$out" ]; then
  gcc -O2 -g -Wall -Wextra -Werror -Wno-format-truncation -shared -fPIC -o "$out.new" "$source" -ldl -lpthread
  mv -f "$out.new" "$out"
fi
