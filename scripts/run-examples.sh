#!/usr/bin/env bash
# Set up (if needed) and open the example notebooks in JupyterLab on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
extra=()
[ "$(id -u)" = 0 ] && extra+=(--allow-root)  # JupyterLab refuses root unless told
# No "Would you like to get notified about official Jupyter news?" toast over the panels' buttons: a default
# setting kept in this repository (scripts/jupyter-config/labconfig), added to Jupyter's config path for this
# server only: this script writes nothing to your home (JupyterLab itself keeps its open tabs there, in
# ~/.jupyter/lab/workspaces; open a URL ending in ?reset for a clean layout), and a choice you save in
# JupyterLab's settings still wins.
export JUPYTER_CONFIG_PATH="$PWD/scripts/jupyter-config${JUPYTER_CONFIG_PATH:+:$JUPYTER_CONFIG_PATH}"
exec .venv/bin/jupyter lab --ip=127.0.0.1 --notebook-dir=examples "${extra[@]}" "$@"
