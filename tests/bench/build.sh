#!/usr/bin/env bash
# Build benchmark (issue 6): generates Finnish handbooks of 1,000 and 10,000
# pages, then runs RUNS rounds; in each, for every size in turn, alternately:
#   - the floor: Markdown rendering + writing one folder per page (no templates),
#   - `handbook build` into a fresh output folder (search index included),
# and reports median wall time, peak memory, the ratio to the floor measured
# in the same run (of the two medians, and "paired": the median of each
# round's own ratio, which the machine's drift between rounds does not move),
# and how time grows from the smallest to the largest size.
# Then, for each size, RUNS rebuilds back to back over the existing output,
# as an editor rebuilds (after two untimed builds: the second leaves the
# output it replaces as .public.previous, which each timed one overwrites).
# When `hugo` is installed (Debian: apt-get install hugo, 0.111 as in issue 6)
# it builds the same content with minimal templates (a page with the list of
# its section's pages) RUNS times after those runs, for comparison (not required).
#
# Usage: tests/bench/build.sh [RUNS] [SIZES...]     (defaults: 5, "1000 10000")
# Environment:
#   BENCH_DIR  where sites and outputs go (default: a new folder under /tmp;
#              a tmpfs such as /dev/shm/x measures without the disk)
#   SETTLE     seconds to wait after `sync` before each run (default 3), so
#              that the previous run's writeback does not overlap the next.
#   QUIET      seconds to wait before the first run on ext4 without a
#              journal (default 360; see below).
#
# On ext4 without a journal (as on these virtual machines:
# /sys/fs/ext4/<device>/journal_task says <none>) the kernel does not reuse an
# inode deleted in the last 60 s, or in the last 360 s while its inode-table
# block is dirty, and every new file or folder scans past all of them
# (fs/ext4/ialloc.c, recently_deleted()). Deleting the previous run's 17,000
# files before each run therefore made creating files several times slower,
# for the floor and the build alike, and the figures measured that rather
# than the tools. So on such a filesystem nothing is deleted between runs:
# each output is moved into $WORK/trash, deleted at the end (about 0.7 GB per
# run at 10,000 pages: 5 runs of both sizes need about 9 GB free, which the
# script checks before the first run), and the
# first run waits QUIET seconds (default 360) after the corpus is generated
# and old outputs are cleared; do not delete large folders there while the
# script runs. Elsewhere (tmpfs, journalled filesystems) outputs are deleted
# at once.
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${1:-5}
shift || true
SIZES=${*:-1000 10000}
SETTLE=${SETTLE:-3}
if [ -n "${BENCH_DIR:-}" ]; then mkdir -p "$BENCH_DIR"; WORK=$BENCH_DIR; else WORK=$(mktemp -d /tmp/handbook-bench.XXXXXX); fi

cargo build --release --quiet --bin handbook --example gen_corpus --example floor
HUGO=$(command -v hugo || true)

# hugo_site SITE DIR: a Hugo project in DIR over SITE's content, with minimal templates.
hugo_site() {
  mkdir -p "$2/layouts/_default"
  ln -sfn "$1/content" "$2/content"
  printf 'baseURL = "https://example.org/"\nlanguageCode = "fi"\ntitle = "Vertailu"\ndisableKinds = ["taxonomy", "term"]\n' > "$2/hugo.toml"
  local head='<!DOCTYPE html><html lang="fi"><head><meta charset="utf-8"><title>{{ .Title }}</title></head><body>'
  printf '%s\n<nav><ul>{{ range .CurrentSection.Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul></nav>\n<main><h1>{{ .Title }}</h1>{{ .Content }}</main></body></html>\n' "$head" > "$2/layouts/_default/single.html"
  printf '%s\n<main><h1>{{ .Title }}</h1>{{ .Content }}<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul></main></body></html>\n' "$head" > "$2/layouts/_default/list.html"
}
BIN=$PWD/target/release/handbook
# shellcheck source=tests/bench/common.sh
. tests/bench/common.sh
declare -A MB
for n in $SIZES; do
  site="$WORK/site-$n"
  MB[$n]=$("$GEN" "$n" "$site" | sed -E 's/.*sivua, ([0-9.]+) MB.*/\1/')
  clean_corpus "$BIN" "$site"
  rm -rf "$site/public" "$site"/.public.* "$WORK/hugo-$n/public" "$WORK/floor-out"
  [ -z "$HUGO" ] || hugo_site "$site" "$WORK/hugo-$n"
done
# Per size and run: the floor, a build, a rebuild and Hugo's; and two untimed builds.
room_for $((4 * RUNS + 2)) $(for n in $SIZES; do echo "$WORK/site-$n"; done)
quiet

printf '| pages | Markdown | handbook build (median s) | peak MB | floor (median s) | ratio to floor | paired | rebuild over the output (median s) |\n|---|---|---|---|---|---|---|---|\n' > "$WORK/table.md"
: > "$WORK/hugo.md"
first_n=""; first_t=""
for n in $SIZES; do : > "$WORK/hb-$n.txt"; : > "$WORK/fl-$n.txt"; : > "$WORK/hugo-$n.txt"; done
# Sizes take turns within each round, so that the machine's speed, which
# drifts by ±20 % over minutes here, weighs on every size alike and the
# growth from the smallest to the largest compares like with like.
for _ in $(seq "$RUNS"); do
  for n in $SIZES; do
    site="$WORK/site-$n"
    settle
    measure "$FLOOR" "$site" "$WORK/floor-out" >> "$WORK/fl-$n.txt"
    discard "$WORK/floor-out"
    settle
    (cd "$site" && measure "$BIN" build) >> "$WORK/hb-$n.txt"
    discard "$site/public"
  done
done
for n in $SIZES; do
  site="$WORK/site-$n"
  : > "$WORK/re-$n.txt"
  (cd "$site" && "$BIN" build >/dev/null 2>&1 && "$BIN" build >/dev/null 2>&1)
  for _ in $(seq "$RUNS"); do
    settle
    (cd "$site" && measure "$BIN" build) >> "$WORK/re-$n.txt"
  done
  discard "$site/public" "$site/.public.previous"
  # Hugo after ours, not between: its 3 GB at 10,000 pages leave the kernel
  # reclaiming memory while the next run starts, which slows that run.
  for _ in $(seq "$RUNS"); do
    [ -n "$HUGO" ] || break
    settle
    (cd "$WORK/hugo-$n" && measure "$HUGO" --quiet) >> "$WORK/hugo-$n.txt"
    discard "$WORK/hugo-$n/public"
  done
  hb=$(cut -d' ' -f1 "$WORK/hb-$n.txt" | median)
  mem=$(cut -d' ' -f2 "$WORK/hb-$n.txt" | median)
  fl=$(cut -d' ' -f1 "$WORK/fl-$n.txt" | median)
  ratio=$(awk -v a="$hb" -v b="$fl" 'BEGIN {printf "%.1f", a / b}')
  # The median of each round's own ratio (see `paired` in common.sh).
  pr=$(paired "$WORK/fl-$n.txt" "$WORK/hb-$n.txt" | awk '{printf "%.1f", $1}')
  printf '| %s | %s MB | %s | %.0f | %s | %s | %s | %s |\n' "$n" "${MB[$n]}" "$hb" "$(awk -v m="$mem" 'BEGIN {print m / 1024}')" "$fl" "$ratio" "$pr" \
    "$(cut -d' ' -f1 "$WORK/re-$n.txt" | median)" >> "$WORK/table.md"
  if [ -z "$first_n" ]; then first_n=$n; first_t=$hb; first_f=$fl; fi
  last_n=$n; last_t=$hb; last_f=$fl
  if [ -n "$HUGO" ]; then
    printf '%s pages: Hugo (no search index) median %s s, peak %.0f MB\n' "$n" "$(cut -d' ' -f1 "$WORK/hugo-$n.txt" | median)" \
      "$(cut -d' ' -f2 "$WORK/hugo-$n.txt" | median | awk '{print $1 / 1024}')" >> "$WORK/hugo.md"
  fi
  if command -v zola >/dev/null; then echo "(zola found: run it on $site by hand for comparison)"; fi
done
cat "$WORK/table.md"
if [ -n "$HUGO" ]; then echo; echo "same content, same runs, $("$HUGO" version | cut -d' ' -f1-2):"; cat "$WORK/hugo.md"; fi
if [ "$first_n" != "$last_n" ]; then
  awk -v a="$first_t" -v b="$last_t" -v fa="$first_f" -v fb="$last_f" -v m="$first_n" -v n="$last_n" \
    'BEGIN {printf "\n%d -> %d pages (%.0fx): time x%.1f (linear or better when at most %.0f); the floor in the same runs x%.1f\n", m, n, n / m, b / a, n / m, fb / fa}'
fi
echo
echo "step timings of one $last_n-page build (HANDBOOK_TIMINGS=1):"
(cd "$WORK/site-$last_n" && settle && HANDBOOK_TIMINGS=1 "$BIN" build 2>&1 | grep -E '^  [a-z]')
discard "$WORK/site-$last_n/public"
rm -rf "$WORK/trash"
[ -n "${BENCH_DIR:-}" ] || rm -rf "$WORK"
