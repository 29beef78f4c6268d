# The README's two commands are `make demo` and `make test`; both bootstrap
# a fresh Debian machine (packages when root, .venv, the project) first.
SHELL := /bin/bash

.PHONY: demo test test-fast bench bench-council lint screenshots console-screenshots bootstrap package test-package

bootstrap:
	@bash scripts/bootstrap.sh

demo:
	@bash scripts/demo.sh

test:
	@bash scripts/run-tests.sh $(ARGS)

# The same suite without the tests marked `slow` (the long property and
# randomised runs), for a quick check while working; CI runs `make test`.
test-fast:
	@bash scripts/run-tests.sh -m "not slow" $(ARGS)

bench:
	@bash scripts/run-bench.sh

# A council's morning (bench/council.py): a million records by default,
# minutes to load, so not part of `make bench`; its own throwaway
# PostgreSQL, stopped afterwards. COUNCIL_RECORDS, COUNCIL_CHILDREN,
# COUNCIL_WORKERS scale it down.
bench-council: bootstrap
	@bash -c '. scripts/services.sh && start_postgres && .venv/bin/python bench/council.py'

lint: bootstrap
	@bash scripts/lint.sh

screenshots:
	@bash scripts/screenshots.sh

# The web console's pages as the browser tests see them, into
# docs/screenshots/console/ (tests/console/browser.py: only when asked).
console-screenshots:
	@CONSOLE_SCREENSHOTS=1 SKIP_LINT=1 bash scripts/run-tests.sh tests/console -k "browser and sqlite" -n 0 -q

# The desktop app frozen with PyInstaller into dist/caseworker/, and the
# test that starts it (offscreen, to the lock screen) and syncs it with a
# running central record. Minutes, so outside `make test`; .ci/run runs both.
package:
	@bash scripts/package.sh

test-package: package
	@SKIP_LINT=1 CASEWORKER_FROZEN_APP=dist/caseworker/caseworker bash scripts/run-tests.sh tests/package
