#!/usr/bin/env bash
# Installs Clay from this checkout into artifacts/bin, laid out as the `clay` .NET tool is: the
# native clay, the clay-server it starts beside it, and packages/ with Clay's NuGet packages
# (Clay.Sdk and the other libraries), from which `clay app build` restores Clay.Sdk offline.
# It packs everything first (scripts/pack.sh: artifacts/packages), then copies what the tool
# package holds, so the clay of a checkout is the clay of the package.
# Usage: scripts/publish.sh [--version VERSION]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="$root/artifacts/bin"
# The server embeds its dashboard; its build runs this too, and finds it done.
"$root/scripts/build-dashboard.sh" >/dev/null
"$root/scripts/pack.sh" "$@"
echo "Installing clay into $bin ..."
rm -rf "$bin.new"
cp -R "$root/artifacts/obj/pack/tool" "$bin.new"
rm -rf "$bin"
mv "$bin.new" "$bin"
# The power-cut layer the power-loss tests preload into clay-server (Linux only).
"$root/scripts/build-powercut.sh"
touch "$bin/.built"
