# Shared by the build benchmarks: sourced by build.sh and compare.sh from the
# repository's root, after they set WORK (the folder for sites and outputs)
# and SETTLE and built the examples. Sets GEN and FLOOR, the corpus generator
# and the floor, and an empty $WORK/trash, removed on exit (see `discard`)
# with $WORK itself when the script made it.

GEN=$PWD/target/release/examples/gen_corpus
FLOOR=$PWD/target/release/examples/floor

# median of numbers on stdin
median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

# paired A B: the median over rounds of B's wall time divided by A's, line
# by line (both files hold one `measure` line per round, rounds in order).
# The machine's speed drifts by up to 2x within minutes here; a ratio taken
# within each round cancels the drift that a ratio of two medians keeps.
paired() { paste -d' ' "$1" "$2" | awk '{print $5 / $1}' | median; }

# measure CMD...: prints "seconds kilobytes user system" of one run: wall time
# to the millisecond from bash's clock (`time -f %e` rounds to 10 ms, too
# coarse for the floor at 1,000 pages), peak memory and CPU seconds from /usr/bin/time.
measure() {
  local t0=$EPOCHREALTIME out t1
  out=$(/usr/bin/time -f "%M %U %S" "$@" 2>&1 >/dev/null | tail -1)
  t1=$EPOCHREALTIME
  awk -v a="$t0" -v b="$t1" -v o="$out" 'BEGIN {printf "%.3f %s\n", b - a, o}'
}

settle() { sync; sleep "$SETTLE"; }

# clean_corpus BIN SITE: fails unless `BIN check` passes SITE's content
# without a single error or warning, so that the figures never include the
# cost of reporting problems (an invalid corpus once hid 37,500 warnings).
clean_corpus() {
  local report
  if ! report=$("$1" check --root "$2" 2>&1); then
    echo "$report" | tail -5 >&2; echo "the corpus in $2 does not pass \`check\`" >&2; exit 1
  fi
  if echo "$report" | grep -qE '^content/.*: (virhe|varoitus): '; then
    echo "$report" | grep -E '^content/.*: (virhe|varoitus): ' | head -3 >&2
    echo "the corpus in $2 has problems (above): the benchmark measures a clean corpus" >&2; exit 1
  fi
}

# nojournal DIR: true when DIR is on ext4 without a journal.
nojournal() {
  [ "$(stat -f -c %T "$1")" = "ext2/ext3" ] || return 1
  local majmin dev
  majmin=$(findmnt -no MAJ:MIN --target "$1" 2>/dev/null | tr -d ' ') || return 1
  dev=$(basename "$(readlink -f "/sys/dev/block/$majmin")")
  grep -qs '<none>' "/sys/fs/ext4/$dev/journal_task"
}
NOJOURNAL=""
if nojournal "$WORK"; then NOJOURNAL=1; fi

# discard PATH...: removes what exists of PATH...; on ext4 without a journal
# moves each into a folder of its own in $WORK/trash instead (a rename frees
# no inode; see build.sh's header).
discard() {
  for x in "$@"; do
    [ -e "$x" ] || continue
    if [ -n "$NOJOURNAL" ]; then mv "$x" "$(mktemp -d "$WORK/trash/XXXXXX")/"; else rm -rf "$x"; fi
  done
}

# room_for OUTPUTS SITE...: on ext4 without a journal, where every output
# stays in $WORK/trash until the end, fails before the first run unless the
# disk has room for OUTPUTS outputs of each SITE, taken as 3 times the size of
# its content (10,000 pages: 129 MB of Markdown, a build's output about 350 MB
# and the floor's about 150 MB). A disk that fills up during the runs slows
# the kernel's work in every run, and the figures measure that.
room_for() {
  [ -n "$NOJOURNAL" ] || return 0
  local outputs=$1 need=0 free s
  shift
  for s in "$@"; do need=$((need + outputs * 3 * $(du -sk --apparent-size "$s/content" | cut -f1))); done
  free=$(df -Pk "$WORK" | awk 'NR == 2 {print $4}')
  if [ "$free" -lt "$need" ]; then
    echo "$WORK has $((free / 1024 / 1024)) GiB free; the runs keep about $((need / 1024 / 1024)) GiB of outputs until the end (see build.sh's header): free some space, use fewer runs, or set BENCH_DIR to a tmpfs" >&2
    exit 1
  fi
}

# quiet: on ext4 without a journal, waits QUIET seconds (default 360) so that
# no inode deleted before the first run is still "recently deleted" (see build.sh's header).
quiet() {
  [ -n "$NOJOURNAL" ] || return 0
  QUIET=${QUIET:-360}
  echo "$WORK is on ext4 without a journal: waiting ${QUIET} s after the last deletion before the first run (see the header of tests/bench/build.sh)" >&2
  sync
  sleep "$QUIET"
}

# On exit, also after a failure: the trash, and the whole folder when the
# script made it (without BENCH_DIR).
trap 'if [ -n "${BENCH_DIR:-}" ]; then rm -rf "$WORK/trash"; else rm -rf "$WORK"; fi' EXIT
rm -rf "$WORK/trash"
mkdir -p "$WORK/trash"
