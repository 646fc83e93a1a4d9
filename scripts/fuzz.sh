#!/usr/bin/env bash
# Runs every cargo-fuzz target of fuzz/ for a while, one after the other, on one core:
#   scripts/fuzz.sh [seconds per target, default 600] [target ...]
# Not part of `make test`. Needs cargo-fuzz (`cargo install cargo-fuzz`) and a nightly
# toolchain, or stable with RUSTC_BOOTSTRAP=1 (set here). Environment:
#   SANITIZER=address|none   default address (AddressSanitizer)
#   KEEP_GOING=1             libFuzzer fork mode: keep fuzzing after a crash, collect them all
#   RSS_LIMIT_MB             default 2048
#   SMARTSPEC_FUZZ_TOLERATE  findings already reported to step over while their fix is pending,
#                            comma-separated: nul, liquibase-lines (see fuzz/src/invariants.rs)
# The working corpus grows in fuzz/corpus/<target>/ (not committed); the committed seeds are read
# from fuzz/seeds/<target>/. Crashes go to fuzz/artifacts/<target>/, with the log (fuzz.log);
# every crash becomes a test in tests/fuzz_regressions.rs.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
export RUSTC_BOOTSTRAP=1
export CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-1}"

seconds="${1:-600}"
shift || true
targets=("$@")
if [ "${#targets[@]}" -eq 0 ]; then
  targets=(generate_bytes generate_structured read_differential)
fi
sanitizer="${SANITIZER:-address}"
rss="${RSS_LIMIT_MB:-2048}"

if ! command -v cargo-fuzz >/dev/null; then
  echo "cargo-fuzz is not installed: cargo install cargo-fuzz" >&2
  exit 2
fi

status=0
for t in "${targets[@]}"; do
  corpus="fuzz/corpus/$t"
  seeds="fuzz/seeds/$t"
  # The reader's differential target starts from the reports generate_bytes starts from.
  [ "$t" = read_differential ] && seeds="fuzz/seeds/generate_bytes"
  artifacts="fuzz/artifacts/$t"
  mkdir -p "$corpus" "$artifacts"
  args=(
    -max_total_time="$seconds"
    -rss_limit_mb="$rss"
    -timeout=20
    -print_final_stats=1
    -artifact_prefix="$PWD/$artifacts/"
  )
  case "$t" in
    generate_bytes) args+=(-max_len=65536 -dict="$PWD/fuzz/dict/report.dict") ;;
    *) args+=(-max_len=16384) ;;
  esac
  if [ "${KEEP_GOING:-0}" = 1 ]; then
    args+=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
  fi
  dirs=("$PWD/$corpus")
  [ -d "$seeds" ] && dirs+=("$PWD/$seeds")
  echo "==> $t: ${seconds}s, sanitizer $sanitizer, log $artifacts/fuzz.log" >&2
  set +e
  (cd fuzz && nice -n 19 cargo fuzz run --sanitizer "$sanitizer" -j 1 "$t" "${dirs[@]}" -- "${args[@]}") \
    >"$artifacts/fuzz.log" 2>&1
  rc=$?
  set -e
  # libFuzzer's final stats: executions, run time, peak memory.
  grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)|^Done [0-9]+ runs|^INFO: fuzzed for|^#[0-9]+.*(DONE|cov:)' \
    "$artifacts/fuzz.log" | tail -6 >&2 || true
  if [ "$rc" -ne 0 ]; then
    echo "==> $t: exit $rc; see $artifacts/fuzz.log and the crash-* files beside it" >&2
    status=1
  fi
done
exit "$status"
