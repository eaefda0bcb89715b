#!/usr/bin/env bash
# Lighthouse scores (issue 8) for the home page, a chapter and a model card of
# the bundled handbook, in Debian's Chromium (/usr/bin/chromium, or $CHROMIUM).
#
# - The handbook is built with the release binary, its base_url set to the
#   local address so canonical links and the sitemap name the served pages.
# - It is served on 127.0.0.1 with the headers netlify.toml sets for /* (the
#   production Content-Security-Policy and friends), as tests/support/server.rs
#   does for the browser tests; unknown paths get 404.html with status 404.
# - Lighthouse comes from npm into a temporary folder (not a project
#   dependency). 12.x: Lighthouse 13 needs Node >= 22.19, Debian's Node is 20.
# - Each page gets a fresh report file and a fresh Chromium profile; a failed
#   run stops the script with Lighthouse's own output (no stale scores).
#
# Targets: accessibility, best practices and SEO 100, performance >= 95. The
# script prints every score and exits 1 if any is below target. Performance
# depends on the machine's load, so this is a report, not a CI gate.
# Usage: tests/bench/lighthouse.sh [path…]   (default: /, a chapter, a model card)
set -euo pipefail
cd "$(dirname "$0")/../.."
chromium=${CHROMIUM:-/usr/bin/chromium}
[ -x "$chromium" ] || { echo "Chromium not found at $chromium: apt-get install chromium (see .ci/run)" >&2; exit 1; }
lighthouse_version=12.8.2
work=$(mktemp -d /tmp/handbook-lh.XXXXXX)
server=
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

pages=("$@")
if [ ${#pages[@]} -eq 0 ]; then
  pages=("/" "/kasikirja/verkostojohtaminen/" "/toimintamallit/perheiden-kotoutumisen-tuen-verkosto/")
fi

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"

echo "== build (release) with base_url $base/"
cargo build --release --quiet
./target/release/handbook build --out "$work/public" --base-url "$base/"

echo "== npm install lighthouse@$lighthouse_version (temporary folder)"
(cd "$work" && npm install --silent --no-audit --no-fund --ignore-scripts "lighthouse@$lighthouse_version" >/dev/null)

echo "== serve $work/public on $base with the netlify.toml headers"
cat >"$work/serve.py" <<'PY'
import http.server, sys, tomllib
root, port, toml = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with open(toml, "rb") as f:
    conf = tomllib.load(f)
headers = [(k, v) for h in conf.get("headers", []) if h.get("for") == "/*" for k, v in h.get("values", {}).items()]

class Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
                      ".js": "text/javascript; charset=utf-8", ".svg": "image/svg+xml",
                      ".xml": "application/xml", ".txt": "text/plain; charset=utf-8"}
    def __init__(self, *a, **k):
        super().__init__(*a, directory=root, **k)
    def end_headers(self):
        for k, v in headers:
            self.send_header(k, v)
        super().end_headers()
    def send_error(self, code, message=None, explain=None):
        if code != 404:
            return super().send_error(code, message, explain)
        body = open(f"{root}/404.html", "rb").read()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a):
        pass

http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
PY
python3 "$work/serve.py" "$work/public" "$port" netlify.toml &
server=$!
for _ in $(seq 50); do
  curl -sf -o /dev/null "$base/" && break
  sleep 0.1
done
curl -sfI "$base/" | grep -qi '^content-security-policy:' || { echo "server on $base did not answer with the netlify.toml headers" >&2; exit 1; }

below=0
for page in "${pages[@]}"; do
  report="$work/report.json"
  rm -f "$report"
  profile=$(mktemp -d "$work/profile.XXXXXX")
  echo "== lighthouse $page"
  if ! CHROME_PATH="$chromium" "$work/node_modules/.bin/lighthouse" "$base$page" --quiet \
      --chrome-flags="--headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking --disable-component-update --disable-sync --user-data-dir=$profile" \
      --only-categories=performance,accessibility,best-practices,seo \
      --output=json --output-path="$report" >"$work/lighthouse.log" 2>&1; then
    echo "Lighthouse failed on $page:" >&2
    cat "$work/lighthouse.log" >&2
    exit 1
  fi
  [ -s "$report" ] || { echo "Lighthouse wrote no report for $page" >&2; cat "$work/lighthouse.log" >&2; exit 1; }
  python3 - "$report" "$page" <<'PY' || below=1
import json, sys
report, page = sys.argv[1], sys.argv[2]
r = json.load(open(report))
if r.get("runtimeError"):
    sys.exit(f"{page}: Lighthouse runtime error: {r['runtimeError']}")
targets = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}
cats = r["categories"]
line, low = [], []
for key, target in targets.items():
    score = cats[key]["score"]
    if score is None:
        sys.exit(f"{page}: no {key} score")
    s = round(score * 100)
    line.append(f"{key} {s}")
    if s < target:
        low.append(key)
print(f"{page}: {', '.join(line)}  (Lighthouse {r['lighthouseVersion']}, {r['finalDisplayedUrl']})")
for key in low:
    print(f"  below target: {key}")
    for ref in cats[key]["auditRefs"]:
        a = r["audits"][ref["id"]]
        if ref.get("weight", 0) > 0 and a.get("score") is not None and a["score"] < 1:
            print(f"    {a['id']}: {a['title']} ({a.get('displayValue', a['score'])})")
sys.exit(1 if low else 0)
PY
  rm -rf "$profile"
done
exit "$below"
