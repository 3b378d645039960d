#!/usr/bin/env bash
# Publishes Clay into artifacts/bin: the `clay` CLI, the `clay-server` executable it starts, and
# the Clay SDK assemblies that component projects reference (so templates build offline).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="$root/artifacts/bin"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
mkdir -p "$bin"
echo "Building Clay into $bin ..."
dotnet publish "$root/src/Clay.Server/Clay.Server.csproj" -c Release -o "$bin" -nologo -v:q -clp:ErrorsOnly
if [ -x "$root/scripts/publish-cli.sh" ]; then
  "$root/scripts/publish-cli.sh" "$bin"
else
  dotnet publish "$root/src/Clay.Cli/Clay.Cli.csproj" -c Release -o "$bin" -nologo -v:q -clp:ErrorsOnly
fi
touch "$bin/.built"
