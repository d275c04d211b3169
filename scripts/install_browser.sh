#!/usr/bin/env bash
# Make sure the Chromium that the browser tests drive (tests/browser/, `make browser`) is installed.
#
# The tests use the system's Chromium through Playwright's `executable_path`; Playwright never downloads a
# browser (`playwright install` is not used: the tests must run without internet access once installed).
#   - already there ($CHROMIUM, default /usr/bin/chromium; GitHub's ubuntu-24.04 runners have one): nothing to do;
#   - Debian/Ubuntu as root, or with password-less sudo: apt-get install chromium;
#   - otherwise: stop with a message that says what to install.
set -euo pipefail

CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"

if [ -x "$CHROMIUM" ]; then
  echo "install_browser.sh: using $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"
  exit 0
fi

if [ "$CHROMIUM" != /usr/bin/chromium ]; then
  echo "install_browser.sh: CHROMIUM=$CHROMIUM is not an executable file." >&2
  exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install_browser.sh: no /usr/bin/chromium and no apt-get here. Install Chromium with your package" >&2
  echo "manager, or point CHROMIUM at a Chromium/Chrome binary, then rerun." >&2
  exit 1
fi

if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  SUDO=(sudo -n)
else
  echo "install_browser.sh: /usr/bin/chromium is missing and installing it needs root. Run:" >&2
  echo "    sudo apt-get update && sudo apt-get install -y chromium" >&2
  echo "(or set CHROMIUM to a Chromium/Chrome binary), then rerun." >&2
  exit 1
fi

echo "install_browser.sh: installing Debian's chromium with apt-get"
"${SUDO[@]}" apt-get update
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium

if [ ! -x "$CHROMIUM" ]; then
  echo "install_browser.sh: apt-get finished but $CHROMIUM is still missing (on Ubuntu the chromium package" >&2
  echo "may be a snap wrapper elsewhere); set CHROMIUM to the browser binary and rerun." >&2
  exit 1
fi
echo "install_browser.sh: installed $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"
