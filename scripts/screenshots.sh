#!/usr/bin/env bash
# `make screenshots`: the main screens on synthetic demo data -> docs/screenshots/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
QT_QPA_PLATFORM=offscreen .venv/bin/python -m ui.screenshots
