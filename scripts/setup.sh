#!/usr/bin/env bash
# Installs what building and testing need, idempotently: each step checks first and skips when
# the right thing is already there.
#   scripts/setup.sh build   toolchain for the wasm build and the CLI (used by `make demo`)
#   scripts/setup.sh test    the above plus database servers and the browser (used by `make test`)
set -euo pipefail
cd "$(dirname "$0")/.."
what="${1:-build}"

# The wasm-bindgen CLI must match the crate version pinned in Cargo.toml exactly.
WASM_BINDGEN_VERSION="$(sed -n 's/^wasm-bindgen = { *version = "=\([0-9.]*\)".*/\1/p; s/^wasm-bindgen = "=\([0-9.]*\)"/\1/p' Cargo.toml | head -1)"
WASM_PACK_VERSION="0.13.1"

say() { printf '==> %s\n' "$*" >&2; }

export PATH="$HOME/.cargo/bin:$PATH"

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WASM_BINDGEN_VERSION" ]; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 2 minutes, once)"
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

if [ "$(wasm-pack --version 2>/dev/null | awk '{print $2}')" != "$WASM_PACK_VERSION" ]; then
  say "installing wasm-pack $WASM_PACK_VERSION (about 2 minutes, once)"
  cargo install wasm-pack --version "$WASM_PACK_VERSION" --force
fi

# npm dev dependencies (wasm-opt from the binaryen package, test tools). `npm ci` only when the
# lock file changed since the last install.
if [ ! -f node_modules/.package-lock.json ] || ! cmp -s package-lock.json node_modules/.setup-lock.json; then
  say "installing npm dev dependencies"
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json node_modules/.setup-lock.json
fi

if [ "$what" = "test" ]; then
  need=()
  [ -x /usr/lib/postgresql/15/bin/postgres ] || need+=(postgresql)
  command -v mariadbd >/dev/null 2>&1 || need+=(mariadb-server)
  [ -x /usr/bin/chromium ] || need+=(chromium)
  command -v java >/dev/null 2>&1 || need+=(openjdk-17-jre-headless)  # Liquibase (npm liquibase) runs on it
  command -v unzip >/dev/null 2>&1 || need+=(unzip)  # unzip -t checks the page's ZIP downloads
  # Sqitch runs its deploy, revert and verify scripts through psql and mysql, and reads its
  # registry through these Perl drivers (Sqitch 1.3's MySQL engine loads DBD::mysql, which
  # speaks to MariaDB too).
  command -v sqitch >/dev/null 2>&1 || need+=(sqitch)
  perl -MDBD::Pg -e1 >/dev/null 2>&1 || need+=(libdbd-pg-perl)
  perl -MDBD::mysql -e1 >/dev/null 2>&1 || need+=(libdbd-mysql-perl)
  # The SQLite oracle (tests/support/sqlite_oracle.py) runs on Python's sqlite3 module, which
  # links Debian's libsqlite3 (the library of the sqlite3 CLI).
  python3 -c 'import sqlite3' >/dev/null 2>&1 || need+=(python3)
  # The sqlite3 shell (SQLite 3.40, the same library): how README says to run SQLite files (-bail).
  command -v sqlite3 >/dev/null 2>&1 || need+=(sqlite3)
  if [ "${#need[@]}" -gt 0 ]; then
    say "installing Debian packages: ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -o DPkg::Lock::Timeout=300 -qq
    apt-get install -y -qq -o DPkg::Lock::Timeout=300 --no-install-recommends "${need[@]}" >/dev/null
  fi
fi
say "setup complete"
