#!/usr/bin/env bash
# Many-sections benchmark (issue 6, "no quadratic step"): the same number of
# pages per section as given (default 1), so the number of top-level sections
# grows with the site. Builds sites of 1,000 and 4,000 pages RUNS times each,
# sizes in turn, and reports median wall time, peak memory, output size and
# the growth. Whatever is done once per section for every section (a menu
# of all sections on every page, a copy of every section's data for each
# section's page) shows here as growth far past 4x.
#
# Usage: tests/bench/sections.sh [RUNS=5] [PAGES_PER_SECTION=1]
# Environment: BENCH_DIR (default: a new folder under /tmp; /dev/shm/x for tmpfs).
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${1:-5}
PER=${2:-1}
if [ -n "${BENCH_DIR:-}" ]; then mkdir -p "$BENCH_DIR"; WORK=$BENCH_DIR; else WORK=$(mktemp -d /tmp/handbook-sections.XXXXXX); fi
cargo build --release --quiet --bin handbook --example gen_corpus
BIN=$PWD/target/release/handbook
GEN=$PWD/target/release/examples/gen_corpus
median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
SIZES="1000 4000"
for n in $SIZES; do "$GEN" "$n" "$WORK/s-$n" "$PER" >/dev/null; : > "$WORK/r-$n.txt"; done
for _ in $(seq "$RUNS"); do
  for n in $SIZES; do
    rm -rf "$WORK/out-$n"
    t0=$EPOCHREALTIME
    kb=$(/usr/bin/time -f "%M" "$BIN" build --root "$WORK/s-$n" --out "$WORK/out-$n" 2>&1 >/dev/null | tail -1)
    t1=$EPOCHREALTIME
    awk -v a="$t0" -v b="$t1" -v k="$kb" 'BEGIN {printf "%.3f %s\n", b - a, k}' >> "$WORK/r-$n.txt"
  done
done
echo "| pages | sections | build (median s) | peak MB | output |"
echo "|---|---|---|---|---|"
for n in $SIZES; do
  printf '| %s | %s | %s | %.0f | %s |\n' "$n" $(( (n + PER - 1) / PER )) "$(cut -d' ' -f1 "$WORK/r-$n.txt" | median)" \
    "$(cut -d' ' -f2 "$WORK/r-$n.txt" | median | awk '{print $1 / 1024}')" "$(du -sh "$WORK/out-$n" | cut -f1)"
done
a=$(cut -d' ' -f1 "$WORK/r-1000.txt" | median); b=$(cut -d' ' -f1 "$WORK/r-4000.txt" | median)
awk -v a="$a" -v b="$b" 'BEGIN {printf "\n1000 -> 4000 pages (4x): time x%.1f (linear or better when at most 4)\n", b / a}'
rm -rf "$WORK"/out-*
[ -n "${BENCH_DIR:-}" ] || rm -rf "$WORK"
