#!/usr/bin/env bash
# Installs the browser the dashboard's tests drive: Debian's Chromium (/usr/bin/chromium), run
# headless by Playwright. Does nothing when it is there already.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "error: the dashboard tests need Chromium at /usr/bin/chromium (Debian package 'chromium'); install it as root" >&2
  exit 1
fi
echo "Installing Chromium (Debian package) for the dashboard tests ..."
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
/usr/bin/chromium --version
