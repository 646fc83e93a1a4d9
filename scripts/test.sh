#!/usr/bin/env bash
# Runs every test: formatting and lints, the Rust tests, then the Node suites (CLI, packages,
# real databases, browser). Expects scripts/setup.sh test and scripts/build.sh to have run
# (`make test` does both).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
step() { printf '\n==> %s\n' "$*" >&2; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (native and wasm32)"
cargo clippy --quiet --all-targets -- -D warnings
cargo clippy --quiet --target wasm32-unknown-unknown --lib -- -D warnings

step "cargo test"
cargo test --quiet

# The database suites create many databases; on a tmpfs that is several times faster.
if [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ] \
  && [ "$(df -Pk /dev/shm | awk 'NR==2 {print $4}')" -gt 2000000 ]; then
  export TMPDIR=/dev/shm
fi

step "Node suites"
shopt -s nullglob
suites=(tests/*.test.mjs tests/db/*.test.mjs)
node --test --test-concurrency=1 "${suites[@]}"
