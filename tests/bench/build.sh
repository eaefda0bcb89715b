#!/usr/bin/env bash
# Build benchmark (issue 6): generates Finnish handbooks of 1,000 and 10,000
# pages, then for each size runs, RUNS times, alternately:
#   - the floor: Markdown rendering + writing one folder per page (no templates),
#   - `handbook build` into a fresh output folder,
# and reports median wall time, peak memory and the ratio to the floor
# measured in the same run. Optionally Zola/Hugo when installed (not required).
#
# Usage: tests/bench/build.sh [RUNS] [SIZES...]     (defaults: 5, "1000 10000")
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${1:-5}
shift || true
SIZES=${*:-1000 10000}
WORK=${BENCH_DIR:-$(mktemp -d /tmp/handbook-bench.XXXXXX)}

cargo build --release --quiet --bin handbook --example gen_corpus --example floor
BIN=$PWD/target/release/handbook
GEN=$PWD/target/release/examples/gen_corpus
FLOOR=$PWD/target/release/examples/floor

# median of numbers on stdin
median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

# run CMD...: prints "seconds kilobytes" of one run
measure() { /usr/bin/time -f "%e %M" "$@" 2>&1 >/dev/null | tail -1; }

printf '| pages | handbook build (median s) | peak MB | floor (median s) | ratio to floor |\n|---|---|---|---|---|\n' > "$WORK/table.md"
for n in $SIZES; do
  site="$WORK/site-$n"
  "$GEN" "$n" "$site" >/dev/null
  : > "$WORK/hb-$n.txt"; : > "$WORK/fl-$n.txt"
  for _ in $(seq "$RUNS"); do
    rm -rf "$WORK/floor-out" "$site/public" "$site"/.public.*
    sync
    measure "$FLOOR" "$site" "$WORK/floor-out" >> "$WORK/fl-$n.txt"
    rm -rf "$WORK/floor-out"
    sync
    (cd "$site" && measure "$BIN" build) >> "$WORK/hb-$n.txt"
  done
  hb=$(cut -d' ' -f1 "$WORK/hb-$n.txt" | median)
  mem=$(cut -d' ' -f2 "$WORK/hb-$n.txt" | median)
  fl=$(cut -d' ' -f1 "$WORK/fl-$n.txt" | median)
  ratio=$(awk -v a="$hb" -v b="$fl" 'BEGIN {printf "%.2f", a / b}')
  printf '| %s | %s | %.0f | %s | %s |\n' "$n" "$hb" "$(awk -v m="$mem" 'BEGIN {print m / 1024}')" "$fl" "$ratio" >> "$WORK/table.md"
  if command -v zola >/dev/null; then echo "(zola found: run it on $site by hand for comparison)"; fi
done
cat "$WORK/table.md"
echo "step timings of one 10,000-page build (HANDBOOK_TIMINGS=1):"
last=$(echo "$SIZES" | awk '{print $NF}')
(cd "$WORK/site-$last" && rm -rf public .public.* && HANDBOOK_TIMINGS=1 "$BIN" build 2>&1 | grep -E '^  ')
[ -n "${BENCH_DIR:-}" ] || rm -rf "$WORK"
