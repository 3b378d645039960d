#!/usr/bin/env bash
# Publishes Clay into artifacts/bin: the `clay` CLI (native, ahead-of-time compiled, so each
# command starts in a few milliseconds), the `clay-server` executable it starts, and the Clay SDK
# assemblies that component projects reference (so templates build offline).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="$root/artifacts/bin"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
mkdir -p "$bin"
echo "Building Clay into $bin ..."
# The server embeds its dashboard; its build runs this too, and finds it done.
"$root/scripts/build-dashboard.sh" >/dev/null
dotnet publish "$root/src/Clay.Server/Clay.Server.csproj" -c Release -o "$bin" -nologo -v:q -clp:ErrorsOnly

rid="linux-x64"
case "$(uname -s)-$(uname -m)" in
  Linux-aarch64) rid="linux-arm64" ;;
  Darwin-arm64) rid="osx-arm64" ;;
  Darwin-x86_64) rid="osx-x64" ;;
esac
linker=()
if ! command -v clang >/dev/null 2>&1 && command -v gcc >/dev/null 2>&1; then linker=(-p:CppCompilerAndLinker=gcc); fi
aot_log="$root/artifacts/cli-aot.log"
if dotnet publish "$root/src/Clay.Cli/Clay.Cli.csproj" -c Release -r "$rid" -p:PublishAot=true "${linker[@]}" \
     -o "$root/artifacts/cli-native" -nologo -v:q -clp:ErrorsOnly >"$aot_log" 2>&1; then
  cp "$root/artifacts/cli-native/clay" "$bin/clay.new" && mv -f "$bin/clay.new" "$bin/clay"
  rm -f "$bin/clay.dll" "$bin/clay.deps.json" "$bin/clay.runtimeconfig.json"
else
  echo "native compilation of clay failed (see $aot_log); using the portable build"
  dotnet publish "$root/src/Clay.Cli/Clay.Cli.csproj" -c Release -o "$bin" -p:PublishReadyToRun=true -r "$rid" --self-contained false \
    -nologo -v:q -clp:ErrorsOnly
fi
touch "$bin/.built"
