#!/usr/bin/env bash
# Installs pywb and warcio from PyPI into tools/pywb-env/venv (ignored by git), for the tests
# that run the crawler against a real pywb (tests/pywb.rs). Fails loudly when it cannot.
set -euo pipefail
cd "$(dirname "$0")"
ENV_DIR=pywb-env
if [ -x "$ENV_DIR/venv/bin/wayback" ] && "$ENV_DIR/venv/bin/python" -c 'import warcio' 2>/dev/null; then
    echo "pywb already installed in tools/$ENV_DIR"
    exit 0
fi
python3 -m venv "$ENV_DIR/venv"
"$ENV_DIR/venv/bin/pip" install -q --disable-pip-version-check "pywb==2.10.0" "warcio==1.8.1"
"$ENV_DIR/venv/bin/python" -c 'import importlib.metadata as m; print("pywb", m.version("pywb"), "warcio", m.version("warcio"))'
