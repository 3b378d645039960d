#!/usr/bin/env bash
# Installs the .NET diagnostic tools the benchmarks' investigations use into artifacts/tools (not
# committed): dotnet-counters (live runtime counters), dotnet-trace (CPU sampling), dotnet-gcdump
# (what the heap holds, by type), dotnet-dump (timers, threads, objects of a live process).
# Idempotent: a tool already there is left as it is.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$root/artifacts/tools"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
mkdir -p "$tools"
for tool in dotnet-counters dotnet-trace dotnet-gcdump dotnet-dump; do
  [ -x "$tools/$tool" ] || dotnet tool install "$tool" --tool-path "$tools" --version 10.0.750501 >/dev/null
done
echo "$tools"
