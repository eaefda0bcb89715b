#!/usr/bin/env bash
# Search benchmark (issue 3), side by side with Pagefind on the same public/:
# total index bytes and files on disk, bytes transferred for a query
# (Chromium, emptied cache, served with gzip like Netlify by
# tests/browser/static-server.mjs) and for a next query in the same page, and
# top-3 relevance on a query set. Pagefind is installed into a
# temporary folder for the benchmark only. Needs Chromium and
# `npm ci --prefix tests/browser --ignore-scripts`.
# Usage: tests/bench/search.sh [PAGES]   (default 1000; the bundled handbook is always measured too)
set -euo pipefail
cd "$(dirname "$0")/../.."
PAGES=${1:-1000}
work=$(mktemp -d /tmp/handbook-search-bench.XXXXXX)
trap 'kill "${server:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT
cargo build --release --quiet --bin handbook --example gen_corpus
(cd "$work" && npm install --silent --no-audit --no-fund pagefind@1 >/dev/null)
PF="$work/node_modules/.bin/pagefind"

measure() { # name site_dir queries_json
  local name=$1 site=$2 queries=$3
  ./target/release/handbook build --root "$site" --out "$site/public" >/dev/null 2>&1
  "$PF" --site "$site/public" --force-language fi >/dev/null
  local ours_b ours_f pf_b pf_f
  # Ours: the index under haku/ and the search scripts (Pagefind's folder holds both too).
  ours_b=$(find "$site/public/haku" "$site/public"/haku*.js -type f -printf '%s\n' | awk '{s+=$1} END {print s}')
  ours_f=$(find "$site/public/haku" "$site/public"/haku*.js -type f | wc -l)
  pf_b=$(find "$site/public/pagefind" -type f -printf '%s\n' | awk '{s+=$1} END {print s}')
  pf_f=$(find "$site/public/pagefind" -type f | wc -l)
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  node tests/browser/static-server.mjs "$site/public" "$port" & server=$!
  sleep 1
  node tests/browser/search-bench.mjs "http://127.0.0.1:$port" "$queries" > "$work/$name.json"
  kill "$server"; server=
  python3 - "$name" "$ours_b" "$ours_f" "$pf_b" "$pf_f" "$work/$name.json" <<'PY'
import json, statistics, sys
name, ob, of, pb, pf, rows = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), json.load(open(sys.argv[6]))
med = lambda k, f="bytes": statistics.median(r[k][f] for r in rows)
first = lambda k: rows[0][k]["bytes"]
hits = lambda k: (sum(1 for r in rows if r[k]["hit"]), sum(1 for r in rows if r[k]["hit"] is not None))
print(f"\n### {name}\n")
print("| | this search | Pagefind |\n|---|---|---|")
print(f"| total index | {ob/1e6:.2f} MB in {of} files | {pb/1e6:.2f} MB in {pf} files |")
print(f"| bytes transferred, first query | {first('handbook')/1e3:.1f} kB | {first('pagefind')/1e3:.1f} kB |")
print(f"| bytes transferred per query (median, empty cache) | {med('handbook')/1e3:.1f} kB | {med('pagefind')/1e3:.1f} kB |")
print(f"| bytes a next query adds (median) | {med('handbook', 'more')/1e3:.1f} kB | {med('pagefind', 'more')/1e3:.1f} kB |")
h, n = hits("handbook"); p, _ = hits("pagefind")
if n:
    print(f"| expected page in top 3 | {h}/{n} | {p}/{n} |")
    for r in rows:
        if r["handbook"]["hit"] is not None and r["handbook"]["hit"] != r["pagefind"]["hit"]:
            print(f"|   `{r['q']}` | {'yes' if r['handbook']['hit'] else 'no'} | {'yes' if r['pagefind']['hit'] else 'no'} |")
PY
}

# The bundled handbook with the relevance queries of tests/search.rs.
mkdir -p "$work/bundled"
cp -r content handbook.yaml "$work/bundled/"
python3 - > "$work/queries.json" <<'PY'
import json, re
src = open("tests/search.rs", encoding="utf-8").read()
pairs = re.findall(r'\("([^"]+)", "(/[^"]*)"\)', src.split("const QUERIES")[1].split("];")[0])
print(json.dumps(pairs))
PY
measure "Bundled handbook" "$work/bundled" "$work/queries.json"

# A generated site of $PAGES pages (no expected pages: sizes and bytes only).
./target/release/examples/gen_corpus "$PAGES" "$work/gen" >/dev/null
echo '[["perhekeskus",null],["kotoutumisen",null],["verkostojohtaminen",null],["kommenttikierros",null],["työpaja",null]]' > "$work/gen-queries.json"
measure "Generated site, $PAGES pages" "$work/gen" "$work/gen-queries.json"
