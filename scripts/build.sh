#!/usr/bin/env bash
# Builds the wasm module into pkg/wasm/ (web target: an ES module with init() and initSync()),
# skipping the build when no input changed since the last one.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
out=pkg/wasm
stamp="$out/.build-stamp"
inputs=$(find src Cargo.toml Cargo.lock -type f -newer "$stamp" 2>/dev/null | head -1 || true)
if [ -f "$stamp" ] && [ -z "$inputs" ] && [ -f "$out/smartspec_data_migration_generator_bg.wasm" ]; then
  echo "==> wasm module is up to date ($out)" >&2
  exit 0
fi
echo "==> building the wasm module (wasm-pack, release)" >&2
# wasm-opt comes from the npm package binaryen (node_modules/.bin), never from Debian.
wasm-pack --log-level warn build --release --target web --no-pack \
  --out-dir "$out" --out-name smartspec_data_migration_generator >&2
wasm="$out/smartspec_data_migration_generator_bg.wasm"
raw=$(wc -c <"$wasm")
gz=$(gzip -9c "$wasm" | wc -c)
echo "==> wasm: $raw bytes raw, $gz bytes gzipped" >&2
touch "$stamp"
