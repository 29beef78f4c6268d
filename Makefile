# The README's two commands are `make demo` and `make test`; both bootstrap
# a fresh Debian machine (packages when root, .venv, the project) first.
SHELL := /bin/bash

.PHONY: demo test test-fast bench lint screenshots bootstrap

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

lint: bootstrap
	@bash scripts/lint.sh

screenshots:
	@bash scripts/screenshots.sh
