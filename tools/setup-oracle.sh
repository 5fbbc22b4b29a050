#!/usr/bin/env bash
# Installs the pinned reference pipeline (Readability.js 0.3.0 on jsdom 16, html2text 2020.1.16)
# into tools/oracle-env/ (ignored by git), for differential tests and the Python speed baseline.
# It is a measuring aid: the product never runs Python or Node.
# Usage: bash tools/setup-oracle.sh        Prints the env's path on success.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
env_dir="${ORACLE_ENV:-$root/tools/oracle-env}"
mkdir -p "$env_dir"
if [ ! -d "$env_dir/node_modules/@mozilla/readability" ] || [ ! -d "$env_dir/node_modules/jsdom" ]; then
  (cd "$env_dir" && npm install --silent --no-audit --no-fund --prefix "$env_dir" jsdom@16 @mozilla/readability@0.3.0 >/dev/null)
fi
if [ ! -x "$env_dir/venv/bin/python" ] || ! "$env_dir/venv/bin/python" -c 'import html2text, bs4, lxml, readability' 2>/dev/null; then
  python3 -m venv "$env_dir/venv"
  "$env_dir/venv/bin/pip" install -q html2text==2020.1.16 beautifulsoup4 lxml readability-lxml
fi
echo "$env_dir"
