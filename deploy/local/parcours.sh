#!/usr/bin/env bash
# `parcours` with the local stack's configuration (env.sh): the broker, topics and data of
# up.sh and its development secrets, so that any subcommand works from a fresh shell, e.g.
#
#   deploy/local/parcours.sh token --sub alice --org ft-annecy
#   deploy/local/parcours.sh audit journey j-42
#
# Variables already set (PARCOURS_KAFKA_PORT, PARCOURS_TOPIC_PREFIX, ...) win, as in up.sh.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=env.sh
source "$HERE/env.sh"
exec "${PARCOURS_BIN:-$ROOT/build/src/cli/parcours}" "$@"
