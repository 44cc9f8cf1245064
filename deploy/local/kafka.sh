#!/usr/bin/env bash
# A real single-node Apache Kafka broker (KRaft) for local runs and tests.
#
#   kafka.sh fetch    resolve the broker's jars from Maven Central (cached under var/kafka/libs)
#   kafka.sh start    format the storage once, start the broker, return once it answers
#   kafka.sh stop     stop it (SIGTERM, then SIGKILL after 30 s)
#   kafka.sh status   exit 0 if it answers
#
# Environment (so that a harness can run a second broker beside the first):
#   PARCOURS_KAFKA_PORT        client port on 127.0.0.1         (default 9092)
#   PARCOURS_KAFKA_CTRL_PORT   KRaft controller port            (default PORT+1)
#   PARCOURS_KAFKA_HOME        jars, config, data, logs, pid    (default <repo>/var/kafka)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
PORT="${PARCOURS_KAFKA_PORT:-9092}"
CTRL_PORT="${PARCOURS_KAFKA_CTRL_PORT:-$((PORT + 1))}"
KHOME="${PARCOURS_KAFKA_HOME:-$ROOT/var/kafka}"
# The jars are shared by every broker of this checkout; data, logs and pid are per home.
LIBS="${PARCOURS_KAFKA_LIBS:-$ROOT/var/kafka-libs}"
DATA="$KHOME/data"
CONF="$KHOME/server.properties"
PIDFILE="$KHOME/broker.pid"
LOG="$KHOME/broker.out"

answers() {
  # A broker answers when a metadata request returns its own id.
  kcat -b "127.0.0.1:$PORT" -L -m 2 2>/dev/null | grep -q "broker 1 at"
}

fetch() {
  if [ -f "$LIBS/.complete" ]; then return 0; fi
  command -v mvn >/dev/null || { echo "kafka.sh: mvn missing (run deploy/local/install-deps.sh)" >&2; exit 1; }
  echo "kafka.sh: resolving the broker from Maven Central into $LIBS"
  rm -rf "$LIBS.tmp" && mkdir -p "$LIBS.tmp"
  mvn -q -B -f "$HERE/kafka/pom.xml" dependency:copy-dependencies -DoutputDirectory="$LIBS.tmp"
  touch "$LIBS.tmp/.complete"
  rm -rf "$LIBS" && mv "$LIBS.tmp" "$LIBS"
}

write_config() {
  mkdir -p "$KHOME"
  cat > "$CONF" <<CONF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CTRL_PORT
listeners=PLAINTEXT://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$CTRL_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$DATA
num.partitions=1
# A single node must be told so, or transactions and groups wait for replicas that never come.
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
min.insync.replicas=1
default.replication.factor=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
# Tests write small segments; keep the broker light.
log.segment.bytes=268435456
transaction.max.timeout.ms=900000
# The coordinators' topics in small segments, which compaction keeps small: a new coordinator
# loads its partition before it answers (decision 23).
offsets.topic.segment.bytes=1048576
transaction.state.log.segment.bytes=1048576
CONF
  cat > "$KHOME/log4j2.properties" <<CONF
status=error
appender.file.type=File
appender.file.name=file
appender.file.fileName=$KHOME/broker.log
appender.file.layout.type=PatternLayout
appender.file.layout.pattern=[%d] %p %m (%c)%n
rootLogger.level=WARN
rootLogger.appenderRef.file.ref=file
logger.kafka.name=kafka
logger.kafka.level=INFO
CONF
}

java_cmd() {
  # exec: when run in the background, the pid we record is the JVM's own.
  # ZGC collects concurrently, with pauses under a millisecond. Under 500 commands/s, G1's young
  # collections stopped this broker for 14 to 20 ms every two seconds, and every command and
  # access-log entry in flight waited for them: the slowest read-your-writes of a run took 17
  # to 26 ms with G1, 9 to 15 ms with ZGC; under `bench write` the broker took a quarter less
  # CPU. The heap is committed whole from the start: grown from 256 MiB, ZGC collected so often
  # under `bench write` that the broker took a quarter more CPU than with the whole heap
  # (docs/performance.md).
  exec java -Xms1g -Xmx1g -XX:+UseZGC -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$KHOME/log4j2.properties" \
    -cp "$LIBS/*" "$@"
}

start() {
  fetch
  if [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
    if answers; then echo "kafka.sh: already running on 127.0.0.1:$PORT"; return 0; fi
  fi
  write_config
  if [ ! -f "$DATA/meta.properties" ]; then
    local id
    id="$(java_cmd kafka.tools.StorageTool random-uuid)"
    (java_cmd kafka.tools.StorageTool format -t "$id" -c "$CONF" >/dev/null)
  fi
  java_cmd kafka.Kafka "$CONF" >"$LOG" 2>&1 </dev/null &
  disown || true
  echo $! > "$PIDFILE"
  for _ in $(seq 1 120); do
    if answers; then echo "kafka.sh: broker up on 127.0.0.1:$PORT (pid $(cat "$PIDFILE"))"; return 0; fi
    if ! kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
      echo "kafka.sh: broker exited; last lines of $LOG:" >&2; tail -20 "$LOG" >&2; exit 1
    fi
    sleep 0.5
  done
  echo "kafka.sh: broker did not answer within 60 s" >&2
  exit 1
}

stop() {
  [ -f "$PIDFILE" ] || { echo "kafka.sh: not running"; return 0; }
  local pid; pid="$(cat "$PIDFILE")"
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
  fi
  rm -f "$PIDFILE"
  echo "kafka.sh: stopped"
}

case "${1:-}" in
  fetch) fetch ;;
  start) start ;;
  stop) stop ;;
  status) if answers; then echo "kafka.sh: up on 127.0.0.1:$PORT"; else echo "kafka.sh: down"; exit 1; fi ;;
  *) echo "usage: $0 fetch|start|stop|status" >&2; exit 2 ;;
esac
