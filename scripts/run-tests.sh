#!/usr/bin/env bash
# `make test`: bootstrap, start PostgreSQL and a Secret Service keyring,
# run the whole suite offscreen, stop everything.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
. scripts/services.sh

export QT_QPA_PLATFORM=offscreen
export PYTHONDONTWRITEBYTECODE=1
start_postgres

if [ -z "${SKIP_LINT:-}" ]; then
    bash scripts/lint.sh || { echo "run-tests: lint found problems (SKIP_LINT=1 skips it)" >&2; exit 1; }
fi

workers=${PYTEST_WORKERS:-2}
# Test databases hold (synthetic) case data: they live in one temporary
# directory that is removed after the run, pass or fail.
basetemp=$(mktemp -d /tmp/caseworker-pytest.XXXXXX)
set +e
dbus-run-session -- bash scripts/in-keyring.sh \
    .venv/bin/python -m pytest -p no:cacheprovider -n "$workers" --dist loadfile --durations=15 \
    --basetemp "$basetemp" "$@"
rc=$?
set -e
rm -rf "$basetemp"
if [ "$rc" -eq 5 ]; then
    echo "run-tests: pytest collected no tests; that is a failure" >&2
fi
exit "$rc"
