#!/usr/bin/env bash
# Save-to-reload benchmark of `handbook serve` on a generated site (release build).
# Usage: tests/bench/serve-reload.sh [runs=11] [pages=1000]
# Builds target/release/handbook and tests/bench/serve_reload.rs through
# `cargo bench` (the bench profile is the release profile), then runs it.
set -euo pipefail
cd "$(dirname "$0")/../.."
exec cargo bench --bench serve-reload -- "${1:-11}" "${2:-1000}"
