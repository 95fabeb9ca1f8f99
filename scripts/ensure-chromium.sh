#!/usr/bin/env bash
# Browser tests need a Chromium; Playwright may not download one here. Use CHROMIUM_PATH or
# Debian's /usr/bin/chromium, installing it with apt when missing (needs root, as on CI).
set -euo pipefail
browser="${CHROMIUM_PATH:-/usr/bin/chromium}"
[ -x "$browser" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "No Chromium at $browser. Install it (sudo apt-get install -y chromium) or set CHROMIUM_PATH." >&2
  exit 1
fi
echo "Installing Debian's Chromium..."
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq chromium > /dev/null
