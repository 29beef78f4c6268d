# The README's two commands are `make demo` and `make test`; both bootstrap
# a fresh Debian machine (packages when root, .venv, the project) first.
SHELL := /bin/bash

.PHONY: demo test bench lint screenshots bootstrap

bootstrap:
	@bash scripts/bootstrap.sh

demo:
	@bash scripts/demo.sh

test:
	@bash scripts/run-tests.sh $(ARGS)

bench:
	@bash scripts/run-bench.sh

lint: bootstrap
	@bash scripts/lint.sh

screenshots:
	@bash scripts/screenshots.sh
