#!/usr/bin/env bash
# The main job: install what is missing, build, start the Kafka broker and `parcours serve` in
# the foreground. Ctrl-C (or deploy/local/down.sh) stops both.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=env.sh
source "$HERE/env.sh"

"$HERE/install-deps.sh"
"$HERE/build.sh"
"$HERE/kafka.sh" start

PARCOURS="$ROOT/build/src/cli/parcours"
ADMIN_TOKEN="$("$PARCOURS" token --sub dev-admin --role admin --ttl 86400)"
cat <<MSG

  Parcours is starting on http://$PARCOURS_HTTP_ADDR
  (Kafka on $PARCOURS_KAFKA_BROKERS, topics $PARCOURS_TOPIC_PREFIX*, data in $PARCOURS_DATA_DIR)

  Development admin token (24 h):
    export TOKEN=$ADMIN_TOKEN
  Register an organisation, then mint a token for it:
    curl -s -X POST http://$PARCOURS_HTTP_ADDR/v1/organizations/ft-annecy/commands \\
      -H "Authorization: Bearer \$TOKEN" -H "Idempotency-Key: reg-ft-annecy" \\
      -d '{"type":"RegisterOrganization","data":{"name":"France Travail Annecy","kind":"prescriber","department":"74","prescriber_kind":"FT"}}'
    $PARCOURS token --sub alice --org ft-annecy

  Stop: Ctrl-C, or deploy/local/down.sh

MSG

echo $$ > "$ROOT/var/serve.pid"
cleanup() {
  rm -f "$ROOT/var/serve.pid"
  "$HERE/kafka.sh" stop || true
}
trap cleanup EXIT
trap 'kill -TERM "$child" 2>/dev/null' INT TERM
"$PARCOURS" serve &
child=$!
echo "$child" > "$ROOT/var/serve.pid"
set +e
wait "$child"
wait "$child" 2>/dev/null
