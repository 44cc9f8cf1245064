#!/usr/bin/env bash
# The operations checks (label "ops" of tests/run.sh): installs the pinned validators once
# (tests/ops/tools.sh), then validates deploy/ and events/asyncapi.yaml offline: Kubernetes
# manifests, compose file, Dockerfile, Prometheus rules and their promtool tests, the dashboard's
# structure, the AsyncAPI contract. Exit status 0 only if every check passed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
"$ROOT/tests/ops/tools.sh"
cd "$ROOT/tests/ops"
exec "${PARCOURS_OPS_TOOLS:-$ROOT/var/ops-tools}/venv/bin/python" -m unittest discover -v \
  -s . -p 'test_*.py' 2>&1
