#!/usr/bin/env bash
# Builds the wasm module into pkg/wasm/, skipping the build when no input changed since the last one:
#   smartspec_data_migration_generator.js         ES module glue (web target: init() and initSync())
#   smartspec_data_migration_generator_bg.wasm    the module, optimised by wasm-opt
#   smartspec_data_migration_generator.cjs        CommonJS glue for Node's require(), which loads
#                                                 the same _bg.wasm (the package ships it once)
#   snippets/<crate>-<hash>/src/wasm/edge.js          the JavaScript half of the edge (src/wasm/edge.js),
#                                                 imported by the glue, and edge.cjs for require()
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
out=pkg/wasm
name=smartspec_data_migration_generator
stamp="$out/.build-stamp"
wasm="$out/${name}_bg.wasm"
cjs="$out/$name.cjs"
# The module as cargo wrote it, before wasm-bindgen (wasm-pack builds it there).
raw="${CARGO_TARGET_DIR:-target}/wasm32-unknown-unknown/release/$name.wasm"

# The CommonJS glue: wasm-bindgen's nodejs target run on the same cargo output. Both targets give a
# module with the same imports and exports; they differ only in the name of the module the imports
# come from ('wbg' for the web target, '__wbindgen_placeholder__' for nodejs), so the nodejs glue,
# given that one name, instantiates the web target's optimised _bg.wasm. Loading it here proves it.
build_cjs() {
  local tmp
  tmp=$(mktemp -d)
  wasm-bindgen --target nodejs --out-dir "$tmp" --out-name "$name" "$raw" >&2
  local glue="$tmp/$name.js"
  local from="imports['__wbindgen_placeholder__']"
  if [ "$(grep -cF "$from" "$glue")" != 1 ]; then
    echo "error: the nodejs glue of wasm-bindgen $(wasm-bindgen --version) does not name its import module as expected ($from); scripts/build.sh needs updating" >&2
    rm -rf "$tmp"
    exit 1
  fi
  # The glue require()s the JavaScript snippets (src/wasm/edge.js) that wasm-bindgen copies as they are,
  # ES modules; each gets a CommonJS copy (.cjs) beside it, so require() works on any Node.
  local snippets
  # wasm-bindgen writes the path as String.raw`…` or as '…', depending on the glue.
  snippets=$(grep -oE "require\((String\.raw\`|')\./snippets/[^\`']*\.js(\`|')\)" "$glue" | sed -E "s/^require\((String\.raw\`|')\.\/(.*)(\`|')\)$/\2/" || true)
  for rel in $snippets; do
    local from="$out/$rel" to="$out/${rel%.js}.cjs"
    if [ ! -f "$from" ]; then
      echo "error: $glue requires $rel, which wasm-bindgen did not write to $out" >&2
      rm -rf "$tmp"
      exit 1
    fi
    # The snippets export plain functions and import nothing; anything else needs this updated.
    if grep -Eq '^(import|export) ' "$from" && grep -E '^(import|export) ' "$from" | grep -Evq '^export function [A-Za-z_$][A-Za-z0-9_$]*\('; then
      echo "error: $from has imports or exports other than 'export function'; scripts/build.sh cannot make it CommonJS" >&2
      rm -rf "$tmp"
      exit 1
    fi
    sed -E 's/^export function ([A-Za-z_$][A-Za-z0-9_$]*)\(/exports.\1 = function \1(/' "$from" >"$to.tmp"
    mv -f "$to.tmp" "$to"
  done
  sed -E -e "s/imports\['__wbindgen_placeholder__'\]/imports['wbg']/" \
    -e "s#require\((String\.raw\`|')(\./snippets/[^\`']*)\.js(\`|')\)#require(\1\2.cjs\3)#" "$glue" >"$cjs.tmp"
  rm -rf "$tmp"
  mv -f "$cjs.tmp" "$cjs"
  if ! node -e 'const m = require(process.argv[1]); if (typeof m.generate !== "function" || !m.version() || !m.generate(JSON.stringify({ run_id: "build-check", diffs: [] })).nothing_to_do) process.exit(1);' \
    "$PWD/$cjs" >&2; then
    rm -f "$cjs"
    echo "error: $cjs does not load $wasm" >&2
    exit 1
  fi
  echo "==> CommonJS glue: $cjs (loads ${name}_bg.wasm)" >&2
}

inputs=$(find src Cargo.toml Cargo.lock scripts/build.sh -type f -newer "$stamp" 2>/dev/null | head -1 || true)
if [ -f "$stamp" ] && [ -z "$inputs" ] && [ -f "$wasm" ]; then
  if [ -f "$cjs" ]; then
    echo "==> wasm module is up to date ($out)" >&2
    exit 0
  fi
  # Built before the CommonJS glue existed: add it from the same cargo output, when that is there.
  if [ -f "$raw" ] && [ ! "$raw" -nt "$stamp" ]; then
    build_cjs
    exit 0
  fi
fi
echo "==> building the wasm module (wasm-pack, release)" >&2
# Snippets of an earlier build would stay behind otherwise.
rm -rf "$out/snippets"
# wasm-opt comes from the npm package binaryen (node_modules/.bin), never from Debian.
wasm-pack --log-level warn build --release --target web --no-pack \
  --out-dir "$out" --out-name "$name" >&2
# wasm-pack writes a .gitignore of `*` here, which npm would read as "ship none of the snippets"
# (the repository's own .gitignore keeps pkg/wasm/ out of git).
rm -f "$out/.gitignore"
raw_bytes=$(wc -c <"$wasm")
# Gzipped as tests/size-budget.test.mjs and the benchmark measure it (zlib level 9; the gzip
# command's output differs from it by about a kilobyte).
gz=$(node -e 'const z = require("node:zlib"); process.stdout.write(String(z.gzipSync(require("node:fs").readFileSync(process.argv[1]), { level: 9 }).length))' "$wasm")
echo "==> wasm: $raw_bytes bytes raw, $gz bytes gzipped (zlib level 9; budget in bench/size-budget.json)" >&2
build_cjs
touch "$stamp"
