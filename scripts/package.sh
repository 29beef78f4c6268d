#!/usr/bin/env bash
# `make package`: the desktop app, frozen with PyInstaller into
# dist/caseworker/ (one folder; run dist/caseworker/caseworker).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
.venv/bin/python -m pip install -q -e '.[package]'
rm -rf dist/caseworker build/pyinstaller
.venv/bin/pyinstaller --noconfirm --log-level WARN --distpath dist --workpath build/pyinstaller \
    packaging/caseworker.spec
du -sh dist/caseworker | awk '{print "package: dist/caseworker (" $1 ")"}'
