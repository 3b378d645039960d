#!/usr/bin/env bash
# The seed workload against Clay and against Restate 1.7, side by side in one run.
# Everything (both servers, the Restate cart service, the load client) runs in a network namespace
# of its own: Restate listens on its default ports and looks for updates when it starts.
# Usage: scripts/benchmark-vs-restate.sh [--components 10 --workers 1000 --clients 64 --random 10000 --warmup 2000 --rounds 1]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
"$root/scripts/install-restate.sh"
command -v ip >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq iproute2 >/dev/null; }
[ -x "$root/artifacts/bin/clay-server" ] && [ -x "$root/artifacts/bin/clay" ] || "$root/scripts/publish.sh"
dotnet build "$root/benchmarks/Clay.Benchmarks/Clay.Benchmarks.csproj" -c Release -nologo -v:q -clp:ErrorsOnly >/dev/null
dll="$root/benchmarks/Clay.Benchmarks/bin/Release/net10.0/Clay.Benchmarks.dll"
# unshare -n needs root; elsewhere a user namespace maps the caller to root inside it.
netns=(unshare -n)
[ "$(id -u)" -eq 0 ] || netns=(unshare -rn)
exec "${netns[@]}" bash -c 'ip link set lo up && exec dotnet "$0" vs-restate "$@"' "$dll" "$@"
