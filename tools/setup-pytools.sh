#!/usr/bin/env bash
# Installs the Python tools the publishing tests read crawler's output with, from PyPI, into
# tools/py-env/venv (ignored by git): feedparser (Atom feeds) and Datasette (the SQLite
# dataset). warcio and pywb live in tools/pywb-env (tools/setup-pywb.sh). Fails loudly.
set -euo pipefail
cd "$(dirname "$0")"
ENV_DIR=py-env
if [ -x "$ENV_DIR/venv/bin/datasette" ] && "$ENV_DIR/venv/bin/python" -c 'import feedparser' 2>/dev/null; then
    echo "feedparser and datasette already installed in tools/$ENV_DIR"
    exit 0
fi
python3 -m venv "$ENV_DIR/venv"
"$ENV_DIR/venv/bin/pip" install -q --disable-pip-version-check "feedparser==6.0.11" "datasette==0.65.1"
"$ENV_DIR/venv/bin/python" -c 'import importlib.metadata as m; print("feedparser", m.version("feedparser"), "datasette", m.version("datasette"))'
