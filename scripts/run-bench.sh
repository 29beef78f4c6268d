#!/usr/bin/env bash
# `make bench`: every bench/bench_*.py, each printing `name: value unit` lines,
# with the same real services as the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
. scripts/services.sh
export QT_QPA_PLATFORM=offscreen
start_postgres
only=${BENCH:-}
rc=0
for b in bench/bench_*.py; do
    if [ -n "$only" ] && [[ "$b" != *"$only"* ]]; then continue; fi
    dbus-run-session -- bash scripts/in-keyring.sh .venv/bin/python "$b" || { echo "run-bench: $b failed" >&2; rc=1; }
done
exit "$rc"
