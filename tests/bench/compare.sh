#!/usr/bin/env bash
# Compares handbook binaries, e.g. before and after a change, on one generated
# site: RUNS rounds, and in each the floor (see build.sh) and every binary in
# turn, each building into a fresh output folder. The machine's speed drifts
# by ±20 % over minutes here, and even the floor moved by a quarter between
# sessions, so a change is judged by binaries that take turns in the same
# rounds, not by figures from different runs; the binaries take turns going
# first (round r starts with binary r mod n), so that a slower first or last
# place weighs on each alike. Reports each binary's median wall time (and
# range), CPU time (user + system), peak memory, its ratio to the floor and
# its change from the first binary, both as a ratio of medians and paired:
# the median of the ratios within each round (see `paired` in common.sh).
#
# Usage: tests/bench/compare.sh RUNS PAGES BIN [BIN...]
#   e.g. git worktree add /tmp/hb-old HEAD~1 && (cd /tmp/hb-old && cargo build --release)
#        tests/bench/compare.sh 7 10000 /tmp/hb-old/target/release/handbook target/release/handbook
# Environment: BENCH_DIR, SETTLE and QUIET as in build.sh (BENCH_DIR=/dev/shm/x
# measures without the disk, where the differences between binaries show best).
set -euo pipefail
if [ $# -lt 3 ]; then
  echo "käyttö: tests/bench/compare.sh AJOJA SIVUJA OHJELMA [OHJELMA…]" >&2
  exit 2
fi
RUNS=$1
PAGES=$2
shift 2
BINS=()
for b in "$@"; do
  [ -x "$b" ] || { echo "ohjelmaa ei löydy tai se ei ole suoritettava: $b" >&2; exit 2; }
  BINS+=("$(readlink -f "$b")")
done
cd "$(dirname "$0")/../.."
SETTLE=${SETTLE:-3}
if [ -n "${BENCH_DIR:-}" ]; then mkdir -p "$BENCH_DIR"; WORK=$BENCH_DIR; else WORK=$(mktemp -d /tmp/handbook-compare.XXXXXX); fi

cargo build --release --quiet --example gen_corpus --example floor
# shellcheck source=tests/bench/common.sh
. tests/bench/common.sh

site="$WORK/site-$PAGES"
"$GEN" "$PAGES" "$site" >/dev/null
for bin in "${BINS[@]}"; do clean_corpus "$bin" "$site"; done
rm -rf "$site/public" "$site"/.public.* "$WORK/floor-out"
room_for $((RUNS * (1 + ${#BINS[@]}))) "$site"
quiet

: > "$WORK/floor.txt"
for i in "${!BINS[@]}"; do : > "$WORK/bin-$i.txt"; done
for r in $(seq 0 $((RUNS - 1))); do
  settle
  measure "$FLOOR" "$site" "$WORK/floor-out" >> "$WORK/floor.txt"
  discard "$WORK/floor-out"
  for k in "${!BINS[@]}"; do
    i=$(((k + r) % ${#BINS[@]}))
    settle
    (cd "$site" && measure "${BINS[$i]}" build) >> "$WORK/bin-$i.txt"
    discard "$site/public"
  done
done

floor=$(cut -d' ' -f1 "$WORK/floor.txt" | median)
printf '%s pages, %s rounds; floor (median) %s s\n\n' "$PAGES" "$RUNS" "$floor"
printf '| binary | wall (median) | range | CPU (median) | peak MB | ratio to floor | paired | change | paired |\n|---|---|---|---|---|---|---|---|---|\n'
first=""
for i in "${!BINS[@]}"; do
  f="$WORK/bin-$i.txt"
  wall=$(cut -d' ' -f1 "$f" | median)
  range="$(cut -d' ' -f1 "$f" | sort -n | head -1)–$(cut -d' ' -f1 "$f" | sort -n | tail -1)"
  cpu=$(awk '{printf "%.2f\n", $3 + $4}' "$f" | median)
  mem=$(cut -d' ' -f2 "$f" | median | awk '{printf "%.0f", $1 / 1024}')
  [ -n "$first" ] || first=$wall
  pf=$(paired "$WORK/floor.txt" "$f")
  p0=$(paired "$WORK/bin-0.txt" "$f")
  awk -v b="${BINS[$i]}" -v w="$wall" -v r="$range" -v c="$cpu" -v m="$mem" -v fl="$floor" -v f0="$first" -v pf="$pf" -v p0="$p0" \
    'BEGIN {printf "| %s | %s s | %s s | %s s | %s | %.1f | %.1f | %+.1f %% | %+.1f %% |\n", b, w, r, c, m, w / fl, pf, 100 * (w / f0 - 1), 100 * (p0 - 1)}'
done
rm -rf "$WORK/trash"
[ -n "${BENCH_DIR:-}" ] || rm -rf "$WORK"
