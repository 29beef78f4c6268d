#!/usr/bin/env bash
# `make demo`: an embedded central record with synthetic caseloads, a demo
# worker enrolled on a throwaway profile, the first sync, then the app.
# Closing the window stops the service and removes the demo's files.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ -z "${QT_QPA_PLATFORM:-}" ]; then
    echo "make demo: no display found (DISPLAY/WAYLAND_DISPLAY unset)." >&2
    echo "  Run it from a desktop session, or under Xvfb: xvfb-run -a make demo" >&2
    exit 2
fi
exec .venv/bin/python -m ui.demo "$@"
