#!/usr/bin/env bash
# Builds parcours (Release-with-debug-info) into build/. Idempotent and incremental.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD="${PARCOURS_BUILD_DIR:-$ROOT/build}"
JOBS="${PARCOURS_BUILD_JOBS:-$(nproc)}"
cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$BUILD" -j "$JOBS" --target parcours "$@"
