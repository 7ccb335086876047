#!/usr/bin/env bash
# Start one background worker (digitization, search indexing) and the web server; stop both together.
set -euo pipefail
bin="$(dirname "$0")/../.venv/bin"
"$bin/kho" worker &
worker=$!
trap 'kill "$worker" 2>/dev/null || true' EXIT INT TERM
"$bin/kho" serve "$@"
