#!/usr/bin/env bash
# `make lint`, and the first step of `make test` unless SKIP_LINT is set:
# every check runs, so one run shows all the problems; any of them fails it.
set -uo pipefail
cd "$(dirname "$0")/.."

failed=()
.venv/bin/ruff check . || failed+=("ruff check")
.venv/bin/ruff format --check . || failed+=("ruff format (run: .venv/bin/ruff format .)")
# desktop, sync and ui, as [tool.mypy] in pyproject.toml says.
.venv/bin/mypy || failed+=("mypy")

if [ ${#failed[@]} -gt 0 ]; then
    printf 'lint: failed: %s\n' "${failed[@]}" >&2
    exit 1
fi
