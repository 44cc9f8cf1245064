#!/usr/bin/env bash
# The main job: install what is missing, build, start the Kafka broker and `parcours serve` in
# the foreground. Ctrl-C (or deploy/local/down.sh) stops both.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=env.sh
source "$HERE/env.sh"

"$HERE/install-deps.sh"
"$HERE/build.sh"
# A broker that was already running (another stack's, a test's) is left running at the end.
broker_was_up=false
if "$HERE/kafka.sh" status >/dev/null 2>&1; then broker_was_up=true; fi
"$HERE/kafka.sh" start

PARCOURS="$ROOT/build/src/cli/parcours"
# Printed commands name the wrapper, which reads env.sh itself: they work as printed in a fresh
# shell, from any directory.
P="$HERE/parcours.sh"
cat <<MSG

  Parcours is starting on http://$PARCOURS_HTTP_ADDR
  (Kafka on $PARCOURS_KAFKA_BROKERS, topics $PARCOURS_TOPIC_PREFIX*, data in $PARCOURS_DATA_DIR)

  In another shell: a development admin token, an organisation, a token for one of its users
    export TOKEN=\$($P token --sub dev-admin --role admin)
    curl -fsS -w '\\n' -X POST http://$PARCOURS_HTTP_ADDR/v1/organizations/ft-annecy/commands \\
      -H "Authorization: Bearer \$TOKEN" -H "Idempotency-Key: reg-ft-annecy" \\
      -d '{"type":"RegisterOrganization","data":{"name":"France Travail Annecy","kind":"prescriber","department":"74","prescriber_kind":"FT"}}'
    $P token --sub alice --org ft-annecy

  A first journey, step by step: "A first journey" in $ROOT/README.md
  Stop: Ctrl-C, or deploy/local/down.sh

MSG

echo $$ > "$ROOT/var/serve.pid"
cleanup() {
  rm -f "$ROOT/var/serve.pid"
  if [ "$broker_was_up" = false ]; then "$HERE/kafka.sh" stop || true; fi
}
trap cleanup EXIT
trap 'kill -TERM "$child" 2>/dev/null' INT TERM
"$PARCOURS" serve &
child=$!
echo "$child" > "$ROOT/var/serve.pid"
set +e
wait "$child"
wait "$child" 2>/dev/null
