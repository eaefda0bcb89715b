#!/usr/bin/env bash
# Page-shape benchmark (issue 6, "no quadratic step anywhere"): one page that
# is large in one way (thousands of equal headings, links to its headings,
# broken links on their own lines and all on one line, one very long word, a
# page of distinct words, a long table, footnotes, reference links, a long
# code block, a long list, raw HTML, many topics, many old addresses), built
# at N and 4N, RUNS times each in turn. Work that grows linearly grows about
# 4x; a step that rescans the page for each item grows about 16x and is
# flagged (exit 1). Broken links fail the build on purpose: what is timed
# there is the diagnostics.
#
# Usage: tests/bench/shapes.sh [RUNS=3] [N=5000]
# Environment: BENCH_DIR (default: a new folder under /tmp; /dev/shm/x for
# tmpfs); BIN, another handbook binary to measure (default: this tree's, built).
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${1:-3}
N=${2:-5000}
case "$RUNS$N" in *[!0-9]*) echo "käyttö: tests/bench/shapes.sh [AJOJA=3] [N=5000]" >&2; exit 2 ;; esac
if [ -n "${BENCH_DIR:-}" ]; then mkdir -p "$BENCH_DIR"; WORK=$BENCH_DIR; else WORK=$(mktemp -d /tmp/handbook-shapes.XXXXXX); fi
if [ -z "${BIN:-}" ]; then
  cargo build --release --quiet --bin handbook
  BIN=$PWD/target/release/handbook
fi
median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

# body KIND N: the Markdown of a page of shape KIND and size N.
body() {
  awk -v kind="$1" -v n="$2" 'BEGIN {
    if (kind == "samehead") for (i = 0; i < n; i++) printf "## Sama otsikko\n\nteksti\n\n"
    else if (kind == "headlinks") { for (i = 0; i < n; i++) printf "## Otsikko %d\n\n[linkki](#otsikko-%d)\n\n", i, n - 1 - i }
    else if (kind == "broken") { for (i = 0; i < n; i++) printf "[a%d](#x%d)\n\n", i, i; for (i = 0; i < 50; i++) printf "## y%d\n", i }
    else if (kind == "oneline") { for (i = 0; i < n / 10; i++) printf "[a%d](#x%d) ", i, i; printf "\n\n"; for (i = 0; i < 50; i++) printf "## y%d\n", i }
    else if (kind == "longword") { printf "Alku "; for (i = 0; i < n / 5; i++) printf "kissa"; printf " loppu.\n" }
    else if (kind == "table") { printf "| a | b |\n|---|---|\n"; for (i = 0; i < n; i++) printf "| %d | solu %d |\n", i, i }
    else if (kind == "footnotes") { for (i = 0; i < n; i++) printf "teksti[^%d]\n", i; printf "\n"; for (i = 0; i < n; i++) printf "[^%d]: huomautus %d\n", i, i }
    else if (kind == "refs") { for (i = 0; i < n; i++) printf "[linkki %d][r%d]\n", i, i; printf "\n"; for (i = 0; i < n; i++) printf "[r%d]: https://example.org/%d\n", i, i }
    else if (kind == "code") { printf "```yaml\n"; for (i = 0; i < n; i++) printf "avain%d: arvo\n", i; printf "```\n" }
    else if (kind == "list") for (i = 0; i < n; i++) { for (j = 0; j < i % 20; j++) printf "  "; printf "- kohta %d\n", i }
    else if (kind == "html") for (i = 0; i < n; i++) printf "<div class=\"x\"><span>osa %d</span></div>\n", i
    else if (kind == "words") { for (i = 0; i < n; i++) printf "sana%dx ", i; printf "\n" }
  }'
}

# site KIND N: a one-page site of shape KIND and size N in $WORK/KIND-N.
site() {
  local dir=$WORK/$1-$2
  rm -rf "$dir"
  mkdir -p "$dir/content"
  printf 'title: Muototesti\nbase_url: https://example.org/\n' > "$dir/handbook.yaml"
  {
    printf -- '---\ntitle: Testisivu\n'
    # Many topics (a topic page each, every one listing the page) or old addresses (a redirect each).
    case "$1" in
      topics) awk -v n="$2" 'BEGIN {printf "topics: ["; for (i = 0; i < n / 10; i++) printf "%sAihe %d", (i ? ", " : ""), i; printf "]\n"}' ;;
      aliases) awk -v n="$2" 'BEGIN {printf "aliases: ["; for (i = 0; i < n / 10; i++) printf "%s/vanha/%d/", (i ? ", " : ""), i; printf "]\n"}' ;;
    esac
    printf -- '---\n\n'
    case "$1" in topics | aliases) printf 'teksti\n' ;; *) body "$1" "$2" ;; esac
  } > "$dir/content/sivu.md"
}

KINDS="samehead headlinks broken oneline longword words table footnotes refs code list html topics aliases"
for k in $KINDS; do
  for n in "$N" $((4 * N)); do site "$k" "$n"; : > "$WORK/r-$k-$n.txt"; done
done
for _ in $(seq "$RUNS"); do
  for k in $KINDS; do
    for n in "$N" $((4 * N)); do
      rm -rf "$WORK/out"
      t0=$EPOCHREALTIME
      "$BIN" build --root "$WORK/$k-$n" --out "$WORK/out" >/dev/null 2>"$WORK/err" || true
      t1=$EPOCHREALTIME
      awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f\n", b - a}' >> "$WORK/r-$k-$n.txt"
    done
  done
done
echo "| shape | N=$N (median s) | N=$((4 * N)) (median s) | growth (4x input) |"
echo "|---|---|---|---|"
flagged=0
for k in $KINDS; do
  a=$(median < "$WORK/r-$k-$N.txt")
  b=$(median < "$WORK/r-$k-$((4 * N)).txt")
  g=$(awk -v a="$a" -v b="$b" 'BEGIN {printf "%.1f", b / a}')
  # Start-up dominates small builds, so linear work grows less than 4x; 8x is past any linear step.
  mark=$(awk -v g="$g" 'BEGIN {print (g > 8 ? " QUADRATIC?" : "")}')
  [ -z "$mark" ] || flagged=1
  echo "| $k | $a | $b | x$g$mark |"
done
rm -rf "$WORK/out" "$WORK/err"
[ -n "${BENCH_DIR:-}" ] || rm -rf "$WORK"
exit "$flagged"
