#!/usr/bin/env bash
# Stops what up.sh started: `parcours serve` (SIGTERM: it drains and commits), then the broker.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
if [ -f "$ROOT/var/serve.pid" ]; then
  pid="$(cat "$ROOT/var/serve.pid")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  fi
  rm -f "$ROOT/var/serve.pid"
fi
"$HERE/kafka.sh" stop
