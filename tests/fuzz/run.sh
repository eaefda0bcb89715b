#!/usr/bin/env bash
# Bounded fuzzing run (issue 7): each target runs for SECONDS (default 60).
# cargo fuzz needs nightly features; on the stable toolchain RUSTC_BOOTSTRAP=1
# enables them (no other toolchain can be fetched on our machines).
# Crashes land in tests/fuzz/artifacts/<target>/; turn each into a regression
# fixture under tests/fixtures/fuzz/ and a test.
set -euo pipefail
cd "$(dirname "$0")"
SECONDS_PER_TARGET=${1:-60}
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
export RUSTC_BOOTSTRAP=1
mkdir -p corpus/front_matter corpus/page
# Seed the corpora with the bundled handbook and the test fixtures.
find ../../content ../fixtures -name '*.md' -print0 2>/dev/null | while IFS= read -r -d '' f; do
  cp "$f" "corpus/front_matter/$(echo "$f" | tr '/' '_')"
  cp "$f" "corpus/page/$(echo "$f" | tr '/' '_')"
done
for target in front_matter page; do
  echo "== fuzzing $target for ${SECONDS_PER_TARGET}s"
  cargo fuzz run --fuzz-dir . "$target" "corpus/$target" -- -max_total_time="$SECONDS_PER_TARGET" -max_len=65536 2>&1 | tee "fuzz-$target.log" | grep -E 'Done|stat::number_of_executed_units|ERROR|panicked' || true
  grep -q 'ERROR' "fuzz-$target.log" && { echo "crash found in $target: see artifacts/$target"; exit 1; }
done
echo "fuzzing finished without crashes"
