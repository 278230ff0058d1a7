#!/usr/bin/env bash
# Installs Debian's chromium for the report's browser test (tests/e2e). playwright-core drives it
# at /usr/bin/chromium; `npx playwright install` cannot download browsers on machines like ours.
# Idempotent: does nothing when chromium is already there.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
SUDO=''
if [ "$(id -u)" -ne 0 ]; then
  SUDO='sudo'
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
/usr/bin/chromium --version
