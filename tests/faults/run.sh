#!/usr/bin/env bash
# The short fault campaign of the test command (tests/run.sh, suite "faults"): a fresh 3-node
# cluster on its own ports and data, 2 instances, about two minutes of faults of every kind,
# then the checks of campaign.py. Exit status 0 only if nothing was lost, duplicated, broken
# or ended by itself.
#
#   tests/faults/run.sh                        the short campaign
#   tests/faults/run.sh --faults 200 --instances 3 --report var/long.json   the long one
#
# Environment: PARCOURS_TEST_CLUSTER_PORT (first port of the cluster, default 19192: nodes on
# 19192-19197, below the kernel's ephemeral ports, where a node that is down could find its
# port taken), PARCOURS_BIN (default build/src/cli/parcours).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
export PARCOURS_CLUSTER_PORT="${PARCOURS_TEST_CLUSTER_PORT:-19192}"
export PARCOURS_CLUSTER_HOME="$ROOT/var/test-cluster"
export PARCOURS_BIN="${PARCOURS_BIN:-$ROOT/build/src/cli/parcours}"
rm -rf "$PARCOURS_CLUSTER_HOME"
mkdir -p "$ROOT/var/faults"
trap 'deploy/local/cluster.sh stop >/dev/null 2>&1 || true' EXIT
deploy/local/cluster.sh start
if [ $# -eq 0 ]; then set -- --instances 2 --duration 120; fi
# librdkafka's own log lines (broker disconnects, expected here) stay in the instances' logs.
/usr/bin/python3 tests/faults/campaign.py --workdir "$ROOT/var/faults" "$@" 2> >(grep -v '^%' >&2)
