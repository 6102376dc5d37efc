#!/usr/bin/env bash
# Idempotent set-up for a fresh Debian machine: system packages, a virtualenv, and this project with its dev extras.
# Usage: setup.sh [--browser]   (--browser also installs Chromium and fonts for the end-to-end tests)
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v dot >/dev/null 2>&1 || need_apt+=(graphviz)  # drawing graphs as SVG
if [ "${1:-}" = "--browser" ]; then
  [ -x /usr/bin/chromium ] || need_apt+=(chromium)
  [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need_apt+=(fonts-dejavu-core)
  [ -f /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ] || need_apt+=(fonts-noto-color-emoji)
fi
if ((${#need_apt[@]})); then
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" </dev/null
fi

PYTHON="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
# pip takes seconds even when there is nothing to do, so install only when pyproject.toml (or where this checkout
# lives) changed since the last install into this .venv. The install is editable: code changes need none.
stamp=.venv/.hitl-notebook-installed
wanted="$( { cat pyproject.toml; pwd; } | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
  .venv/bin/python -m pip install -q --upgrade pip </dev/null
  .venv/bin/python -m pip install -q -e '.[dev]' </dev/null
  echo "$wanted" >"$stamp"
fi
