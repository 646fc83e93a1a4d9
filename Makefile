# Two commands for a fresh machine (rustup, Node and npm present):
#   make demo   set up, build, and run the CLI on the shipped example
#   make test   set up and run every test
.PHONY: demo test build setup setup-test bench clean

setup:
	@scripts/setup.sh build

setup-test:
	@scripts/setup.sh test

build: setup
	@scripts/build.sh
	@scripts/build-www.sh

demo: build
	@node pkg/bin/cli.js --validation-report examples/run-123/summary.json

test: setup-test
	@scripts/build.sh
	@scripts/build-www.sh
	@scripts/test.sh

# A benchmark, not a test: prints numbers and ratios (BENCHMARKS.md holds the table).
bench: build
	@node --expose-gc bench/run.mjs

clean:
	rm -rf target pkg/wasm www/pkg .spec tests/.tmp tests/artifacts
