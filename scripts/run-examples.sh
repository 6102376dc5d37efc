#!/usr/bin/env bash
# Set up (if needed) and open the example notebooks in JupyterLab on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
extra=()
[ "$(id -u)" = 0 ] && extra+=(--allow-root)  # JupyterLab refuses root unless told
exec .venv/bin/jupyter lab --ip=127.0.0.1 --notebook-dir=examples "${extra[@]}" "$@"
