#!/usr/bin/env bash
# Installs Debian's headless-capable Chromium (package `chromium`) for the tests that render
# crawler's HTML pages and Datasette's pages and look at them (screenshots). Fails loudly.
set -euo pipefail
if command -v chromium >/dev/null; then
    chromium --version
    exit 0
fi
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
chromium --version
