#!/usr/bin/env bash
# Builds Clay's NuGet packages into artifacts/packages, a local feed:
#   - every packable library under src/: Clay.Sdk (with its source generator and determinism
#     analyzer under analyzers/dotnet/cs), Clay.Client, Clay.Runtime, Clay.Testing, …;
#   - the `clay` .NET tool: Clay.Cli, a pointer package, and Clay.Cli.<rid> for this machine, which
#     holds the native clay, clay-server beside it, and the library packages in packages/ (the
#     feed `clay app` restores Clay.Sdk from, so applications build offline).
# Install it with:  dotnet tool install -g Clay.Cli --add-source artifacts/packages
# Needs nothing beyond an ordinary restore.
#
# Usage: scripts/pack.sh [--version VERSION]
# Without --version the packages are numbered <Version>.<seconds since 2025-01-01> (Version from
# Directory.Build.props): each pack is a new version, so no NuGet cache serves an older build of
# Clay under the same number. A release passes its own, e.g. --version 0.1.0.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/artifacts/packages"
work="$root/artifacts/obj/pack"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

version=""
while [ $# -gt 0 ]; do
  case "$1" in
    --version) version="${2:?--version needs a value}"; shift 2 ;;
    *) echo "usage: scripts/pack.sh [--version VERSION]" >&2; exit 2 ;;
  esac
done
if [ -z "$version" ]; then
  base="$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$root/Directory.Build.props" | head -n 1)"
  version="$base.$(( $(date -u +%s) - 1735689600 ))"
fi

rid="linux-x64"
case "$(uname -s)-$(uname -m)" in
  Linux-aarch64) rid="linux-arm64" ;;
  Darwin-arm64) rid="osx-arm64" ;;
  Darwin-x86_64) rid="osx-x64" ;;
esac
quiet=(-nologo -v:q -clp:ErrorsOnly)

rm -rf "$out" "$work"
mkdir -p "$out" "$work/feed"
echo "Packing Clay $version into $out ..."

# 1. The libraries: every project under src/ but the CLI, in one build; those that are not
#    packages (IsPackable false: clay-server and its parts) are only built. Compiler extensions
#    (*.Analyzers) are no packages of their own: they ship inside the library they serve (Clay.Sdk).
{
  echo "<Solution>"
  for project in "$root"/src/*/*.csproj; do
    case "$(basename "$project")" in Clay.Cli.csproj|*.Analyzers.csproj) continue ;; esac
    echo "  <Project Path=\"../../../src/$(basename "$(dirname "$project")")/$(basename "$project")\" />"
  done
  echo "</Solution>"
} >"$work/libraries.slnx"
dotnet pack "$work/libraries.slnx" -c Release -p:PackageVersion="$version" -p:PackageOutputPath="$work/feed/" "${quiet[@]}"
cp "$work"/feed/*.nupkg "$out/"

# 2. clay-server, which the tool carries beside clay, precompiled (ReadyToRun): a server and each
#    component host it starts begin with native code instead of compiling every method they run
#    first (docs/benchmarks.md, "ReadyToRun"). The compiler comes from NuGet as an ordinary package.
#    --opt-cross-module:* lets it inline small methods of other assemblies (the framework's among
#    them) into Clay's and Orleans' code, as the JIT would; the runtime checks at load that each
#    inlined method's IL is still the one compiled against, and compiles the caller itself if not
#    (docs/benchmarks.md, "Precompiled code that inlines across assemblies").
dotnet publish "$root/src/Clay.Server/Clay.Server.csproj" -c Release -r "$rid" --self-contained false -p:PublishReadyToRun=true -p:PublishReadyToRunCrossgen2ExtraArgs=--opt-cross-module:%2A \
  -o "$work/server" "${quiet[@]}"

# 3. The tool for this machine's runtime, natively compiled (a portable build where no native
#    toolchain is installed), then the pointer package naming it. What the package holds is also
#    left in artifacts/obj/pack/tool (scripts/publish.sh installs it into artifacts/bin).
tool=(-c Release -p:ClayToolPackage=true -p:ClayToolRuntimeIdentifiers="$rid" -p:PackageVersion="$version" -p:PackageOutputPath="$out/")
linker=()
if ! command -v clang >/dev/null 2>&1 && command -v gcc >/dev/null 2>&1; then linker=(-p:CppCompilerAndLinker=gcc); fi
aot_log="$root/artifacts/cli-aot.log"
if ! dotnet pack "$root/src/Clay.Cli/Clay.Cli.csproj" -r "$rid" "${tool[@]}" "${linker[@]}" \
       -p:ClayServerDirectory="$work/server/" -p:ClayFeedDirectory="$work/feed/" -p:PublishDir="$work/tool/" "${quiet[@]}" >"$aot_log" 2>&1; then
  echo "native compilation of clay failed (see $aot_log); packing the portable build"
  # Portable, clay and clay-server share their common assemblies (the same build of each).
  dotnet pack "$root/src/Clay.Cli/Clay.Cli.csproj" -r "$rid" "${tool[@]}" -p:PublishAot=false -p:ErrorOnDuplicatePublishOutputFiles=false \
    -p:ClayServerDirectory="$work/server/" -p:ClayFeedDirectory="$work/feed/" -p:PublishDir="$work/tool/" "${quiet[@]}"
fi
dotnet pack "$root/src/Clay.Cli/Clay.Cli.csproj" "${tool[@]}" "${quiet[@]}"

ls "$out"
