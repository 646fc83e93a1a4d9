#!/usr/bin/env bash
# Copies what the static page in www/ needs from pkg/ into www/pkg/ (git-ignored), so that www/
# can be served as it is by any static file server:
#   www/pkg/wasm/   the wasm module and its ES module glue (built by scripts/build.sh)
#   www/pkg/lib/    the package's browser-safe modules (those that import nothing from node:)
#   www/pkg/precache.js   the list of the page's files and a version (a SHA-256 of their bytes),
#                   read by the service worker (www/sw.js), which keeps them for offline use and
#                   replaces them when the version changes
# Idempotent: a file whose bytes are unchanged is not copied again, and a file that is no longer
# in pkg/ is removed from www/pkg/.
set -euo pipefail
cd "$(dirname "$0")/.."

src=pkg
dst=www/pkg
glue="$src/wasm/smartspec_data_migration_generator.js"
wasm="$src/wasm/smartspec_data_migration_generator_bg.wasm"
if [ ! -f "$glue" ] || [ ! -f "$wasm" ]; then
  echo "error: $glue or $wasm is missing: run scripts/build.sh first" >&2
  exit 1
fi

want=()
for f in "$src"/wasm/*.js "$src"/wasm/*.wasm; do
  [ -f "$f" ] && want+=("${f#"$src"/}")
done
# The JavaScript snippets the glue imports (src/wasm/edge.js), ES modules only.
if [ -d "$src/wasm/snippets" ]; then
  while IFS= read -r -d '' f; do
    want+=("${f#"$src"/}")
  done < <(find "$src/wasm/snippets" -type f -name '*.js' -print0 | sort -z)
fi
if [ -d "$src/lib" ]; then
  for f in "$src"/lib/*.js; do
    [ -f "$f" ] || continue
    # Node-only modules (file system, processes) are of no use to the page.
    if grep -Eq "from ['\"]node:|require\(['\"]node:|import\(['\"]node:" "$f"; then continue; fi
    want+=("${f#"$src"/}")
  done
fi

copied=0
for rel in "${want[@]}"; do
  from="$src/$rel"
  to="$dst/$rel"
  if [ -f "$to" ] && cmp -s "$from" "$to"; then continue; fi
  mkdir -p "$(dirname "$to")"
  cp "$from" "$to.tmp.$$"
  mv -f "$to.tmp.$$" "$to"
  copied=$((copied + 1))
done

removed=0
if [ -d "$dst" ]; then
  while IFS= read -r -d '' f; do
    rel="${f#"$dst"/}"
    keep=0
    for w in "${want[@]}"; do
      if [ "$w" = "$rel" ]; then keep=1; break; fi
    done
    [ "$rel" = precache.js ] && keep=1
    if [ "$keep" = 0 ]; then rm -f "$f"; removed=$((removed + 1)); fi
  done < <(find "$dst" -type f -print0)
  find "$dst" -mindepth 1 -type d -empty -delete
fi

# The service worker's list: every file the page loads (sw.js itself is checked by the browser).
page=()
for f in www/index.html www/*.css www/*.js; do
  [ "$f" = www/sw.js ] && continue
  page+=("${f#www/}")
done
for rel in "${want[@]}"; do page+=("pkg/$rel"); done
version=$(cd www && sha256sum "${page[@]}" | sha256sum | cut -c1-16)
precache="$dst/precache.js"
{
  echo "// Written by scripts/build-www.sh: the files of the page and their version, for sw.js."
  echo "self.PRECACHE = {"
  echo "  version: '$version',"
  echo "  files: ["
  for f in "${page[@]}"; do echo "    '$f',"; done
  echo "  ],"
  echo "};"
} > "$precache.tmp.$$"
if [ -f "$precache" ] && cmp -s "$precache.tmp.$$" "$precache"; then
  rm -f "$precache.tmp.$$"
else
  mv -f "$precache.tmp.$$" "$precache"
  copied=$((copied + 1))
fi

echo "==> www/pkg: ${#want[@]} file(s), $copied copied, $removed removed; page version $version; serve www/ with any static file server" >&2
