#!/usr/bin/env bash
# Runs Clay's whole test suite: builds everything (warnings are errors) and runs every test
# project, then prints one summary line "N passed, N failed, N skipped".
# Usage: ./test.sh [extra dotnet test arguments, e.g. --filter FullyQualifiedName~Wave]
set -uo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

if [ -x scripts/install-prerequisites.sh ]; then
  scripts/install-prerequisites.sh || { echo "prerequisites could not be installed"; echo "0 passed, 1 failed"; exit 1; }
fi

# The dashboard's tests drive Debian's Chromium.
scripts/install-browser.sh || { echo "Chromium could not be installed"; echo "0 passed, 1 failed"; exit 1; }
# The PostgreSQL storage tests need a server: CLAY_TEST_POSTGRES names one, or the local one that
# scripts/postgres.sh runs (started here when it is not running, and stopped again at the end).
started_postgres=0
if [ -z "${CLAY_TEST_POSTGRES:-}" ]; then
  if url=$(scripts/postgres.sh url 2>/dev/null); then
    export CLAY_TEST_POSTGRES="$url"
  elif url=$(scripts/postgres.sh start); then
    export CLAY_TEST_POSTGRES="$url"
    started_postgres=1
  else
    echo "PostgreSQL could not be started (see above): the PostgreSQL storage tests will fail; set CLAY_TEST_POSTGRES to use another server"
  fi
fi
stop_postgres() { if [ $started_postgres -eq 1 ]; then scripts/postgres.sh stop >/dev/null 2>&1; fi; }
trap stop_postgres EXIT

results=artifacts/test-results
rm -rf "$results"
mkdir -p "$results"

dotnet build Clay.slnx -c Release -nologo -v:q -clp:ErrorsOnly
build_rc=$?
if [ $build_rc -ne 0 ]; then
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

# The end-to-end tests drive the published clay and clay-server executables as real processes.
if ! scripts/publish.sh; then
  echo "publishing clay failed"
  echo "0 passed, 1 failed"
  exit 1
fi

# A test that hangs is stopped after 20 minutes (its test host killed, the run counted as failed) so that
# the run ends with its summary rather than at an outside time limit; no test comes near it.
dotnet test Clay.slnx -c Release --no-build -nologo -v:q \
  --blame-hang-timeout 20m --blame-hang-dump-type none \
  --logger "trx" --results-directory "$results" \
  --logger "console;verbosity=minimal" "$@"
test_rc=$?

# The runner prints one summary per project; sum the TRX counters into one line.
passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  e=$(sed -n 's/.* error="\([0-9]*\)".*/\1/p' <<<"$counters")
  t=$(sed -n 's/.* total="\([0-9]*\)".*/\1/p' <<<"$counters")
  x=$(sed -n 's/.* executed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0} + ${e:-0})); skipped=$((skipped + ${t:-0} - ${x:-0}))
done
if [ $test_rc -ne 0 ] && [ $failed -eq 0 ]; then
  # A crashed test host reports no failures in its TRX; count it.
  failed=1
fi
echo "$passed passed, $failed failed, $skipped skipped"
exit $test_rc
