#!/usr/bin/env bash
# Install Debian's chromium for the browser tests when /usr/bin/chromium is missing.
# Non-interactive, for a fresh Debian machine as root (or with passwordless sudo). Never `playwright install`.
set -euo pipefail

CHROMIUM=/usr/bin/chromium
if [ -x "$CHROMIUM" ]; then
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
  else
    echo "ensure-chromium: $CHROMIUM is missing and this is not root; run: apt-get install -y chromium" >&2
    exit 1
  fi
fi

export DEBIAN_FRONTEND=noninteractive
echo "ensure-chromium: installing Debian's chromium" >&2
# An old or empty package list finds nothing: refresh it first, once, and retry the install once on failure.
$SUDO apt-get update -q
if ! $SUDO apt-get install -y -q chromium; then
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q chromium
fi

if [ ! -x "$CHROMIUM" ]; then
  echo "ensure-chromium: chromium installed but $CHROMIUM is not there" >&2
  exit 1
fi
"$CHROMIUM" --version >&2 || true
