#!/usr/bin/env bash
# The Python client's tests, as `make test` runs them: a venv with PyNaCl from PyPI (made once, in
# Clients/python/.venv), the test vectors, then the node tests against HMN_BIN (a real `hmn start`).
set -euo pipefail
cd "$(dirname "$0")"
venv=.venv
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import nacl" 2>/dev/null; then
    rm -rf "$venv"
    if ! python3 -m venv "$venv" 2>/dev/null; then
        # Debian's python3 ships venv and pip separately.
        if [ "$(id -u)" = "0" ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv python3-pip;
        else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv python3-pip; fi
        rm -rf "$venv"
        python3 -m venv "$venv"
    fi
    "$venv/bin/pip" install -q --disable-pip-version-check -r requirements.txt
fi
: "${HMN_BIN:?set HMN_BIN to the hmn executable (swift build --show-bin-path)/hmn}"
export HMN_BIN
"$venv/bin/python" -m unittest discover -s tests -t . -v
