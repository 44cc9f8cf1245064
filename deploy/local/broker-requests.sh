#!/usr/bin/env bash
# What the local broker is asked: requests per second of each kind over a window, from the
# broker's own counters (tools/BrokerRequests.java attaches to its JVM; no JMX port needed).
#
#   broker-requests.sh [SECONDS]     default 10; run it while a bench runs
#
# Environment: PARCOURS_KAFKA_HOME, as kafka.sh (the broker's pid file is there).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
KHOME="${PARCOURS_KAFKA_HOME:-$ROOT/var/kafka}"
PID="$(cat "$KHOME/broker.pid" 2>/dev/null || true)"
if [ -z "$PID" ] || ! kill -0 "$PID" 2>/dev/null; then
  echo "broker-requests.sh: no broker running under $KHOME" >&2
  exit 1
fi
exec java "$HERE/tools/BrokerRequests.java" "$PID" "${1:-10}"
