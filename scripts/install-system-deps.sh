#!/usr/bin/env bash
# System packages the test suite needs: Debian's chromium for the browser tests.
# (Playwright drives it at /usr/bin/chromium; never `playwright install`.)
set -euo pipefail
if [ ! -x /usr/bin/chromium ]; then
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  $sudo_cmd apt-get install -y -qq chromium
fi
