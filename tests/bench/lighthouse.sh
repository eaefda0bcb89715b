#!/usr/bin/env bash
# Lighthouse scores (issue 8) for the home page, a chapter and a model card of
# the bundled handbook, in Debian's Chromium. Lighthouse is installed into a
# temporary folder (not a project dependency). Reported, not a CI gate: its
# performance score depends on the machine's load.
set -euo pipefail
cd "$(dirname "$0")/../.."
work=$(mktemp -d /tmp/handbook-lh.XXXXXX)
trap 'kill "${server:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT
cargo run --release --quiet -- build --out "$work/public"
(cd "$work" && npm install --silent --no-audit --no-fund --ignore-scripts lighthouse@13 >/dev/null)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$work/public" >/dev/null 2>&1 & server=$!
sleep 1
for page in "" "kasikirja/verkostojohtaminen/" "toimintamallit/perheiden-kotoutumisen-tuen-verkosto/"; do
  profile=$(mktemp -d)
  CHROME_PATH=/usr/bin/chromium "$work/node_modules/.bin/lighthouse" "http://127.0.0.1:$port/$page" --quiet \
    --chrome-flags="--headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking --disable-component-update --disable-sync --user-data-dir=$profile" \
    --only-categories=performance,accessibility,best-practices,seo --output=json --output-path="$work/r.json" >/dev/null 2>&1 || true
  python3 -c "import json,sys; r=json.load(open('$work/r.json')); print('/$page', ', '.join(f\"{k} {round(v['score']*100)}\" for k,v in r['categories'].items()))"
  rm -rf "$profile"
done
