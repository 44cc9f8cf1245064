# Sourced by the local scripts: the development configuration of one local stack.
# Every variable may be set beforehand to run a second stack beside the first
# (other ports, topic prefix and data directory).
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export PARCOURS_KAFKA_PORT="${PARCOURS_KAFKA_PORT:-9092}"
export PARCOURS_KAFKA_BROKERS="${PARCOURS_KAFKA_BROKERS:-127.0.0.1:$PARCOURS_KAFKA_PORT}"
export PARCOURS_HTTP_ADDR="${PARCOURS_HTTP_ADDR:-127.0.0.1:8080}"
export PARCOURS_DATA_DIR="${PARCOURS_DATA_DIR:-$ROOT/var/data}"
export PARCOURS_TOPIC_PREFIX="${PARCOURS_TOPIC_PREFIX:-parcours.}"
export PARCOURS_PARTITIONS="${PARCOURS_PARTITIONS:-12}"
# Development secrets: generated once into var/, never committed. Production sets them
# from its secret store (or *_FILE variables).
mkdir -p "$ROOT/var"
if [ -z "${PARCOURS_JWT_SECRET:-}" ] && [ -z "${PARCOURS_JWT_SECRET_FILE:-}" ]; then
  [ -f "$ROOT/var/dev-jwt-secret" ] || (umask 077; head -c 48 /dev/urandom | base64 -w0 > "$ROOT/var/dev-jwt-secret")
  export PARCOURS_JWT_SECRET_FILE="$ROOT/var/dev-jwt-secret"
fi
if [ -z "${PARCOURS_MASTER_KEY:-}" ] && [ -z "${PARCOURS_MASTER_KEY_FILE:-}" ]; then
  [ -f "$ROOT/var/dev-master-key" ] || (umask 077; echo "dev1:$(head -c 32 /dev/urandom | base64 -w0)" > "$ROOT/var/dev-master-key")
  export PARCOURS_MASTER_KEY_FILE="$ROOT/var/dev-master-key"
fi
