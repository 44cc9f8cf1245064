#!/usr/bin/env bash
# A local 3-node Apache Kafka cluster (KRaft): the broker of kafka.sh, three times, each node
# both broker and controller (three voters), replication factor 3 and min.insync.replicas 2, as
# a real deployment has (ARCHITECTURE §8). For fault campaigns (tests/faults/) and for trying
# several `parcours serve` against brokers that fail.
#
#   cluster.sh start            format the storage once, start the three nodes, return once
#                               every node answers and every partition has its full ISR
#   cluster.sh stop             stop every node (SIGTERM, then SIGKILL after 30 s)
#   cluster.sh status           exit 0 if every node answers
#   cluster.sh kill ID          kill -9 node ID (1, 2 or 3)
#   cluster.sh stop-node ID     stop node ID (SIGTERM: a controlled shutdown)
#   cluster.sh start-node ID    start node ID again; returns once it answers
#   cluster.sh wait-healthy [S] wait up to S seconds (default 120) for every node to answer and
#                               no partition to be under-replicated
#   cluster.sh brokers          print the bootstrap list (for PARCOURS_KAFKA_BROKERS)
#
# Environment:
#   PARCOURS_CLUSTER_PORT   first port (default 9192): node N listens on PORT+N-1 for clients
#                           and on PORT+N+2 for its controller, so 9192-9197 by default, clear of
#                           the single broker's 9092/9093
#   PARCOURS_CLUSTER_HOME   config, data, logs and pids of the nodes (default <repo>/var/cluster)
#   PARCOURS_KAFKA_LIBS     the broker's jars, shared with kafka.sh (default <repo>/var/kafka-libs)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
BASE="${PARCOURS_CLUSTER_PORT:-9192}"
CHOME="${PARCOURS_CLUSTER_HOME:-$ROOT/var/cluster}"
LIBS="${PARCOURS_KAFKA_LIBS:-$ROOT/var/kafka-libs}"
NODES=(1 2 3)

port() { echo $((BASE + $1 - 1)); }
ctrl_port() { echo $((BASE + $1 + 2)); }
node_home() { echo "$CHOME/node-$1"; }
pidfile() { echo "$(node_home "$1")/broker.pid"; }

brokers() {
  local out=() n
  for n in "${NODES[@]}"; do out+=("127.0.0.1:$(port "$n")"); done
  (IFS=,; echo "${out[*]}")
}

answers() {
  # A node answers when a metadata request to it returns its own id.
  kcat -b "127.0.0.1:$(port "$1")" -L -m 2 2>/dev/null | grep -q "broker $1 at"
}

running() {
  local f; f="$(pidfile "$1")"
  [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null
}

check_id() {
  case "${1:-}" in 1|2|3) ;; *) echo "cluster.sh: node id must be 1, 2 or 3" >&2; exit 2 ;; esac
}

write_config() {
  local n=$1 home voters=""
  home="$(node_home "$n")"
  mkdir -p "$home"
  for v in "${NODES[@]}"; do voters+="${voters:+,}$v@127.0.0.1:$(ctrl_port "$v")"; done
  cat > "$home/server.properties" <<CONF
process.roles=broker,controller
node.id=$n
controller.quorum.voters=$voters
listeners=PLAINTEXT://127.0.0.1:$(port "$n"),CONTROLLER://127.0.0.1:$(ctrl_port "$n")
advertised.listeners=PLAINTEXT://127.0.0.1:$(port "$n")
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$home/data
num.partitions=1
# What a real deployment has: three copies, two of them acknowledged before a write counts,
# and no replica that missed writes ever elected leader.
default.replication.factor=3
min.insync.replicas=2
offsets.topic.replication.factor=3
transaction.state.log.replication.factor=3
transaction.state.log.min.isr=2
unclean.leader.election.enable=false
auto.create.topics.enable=false
group.initial.rebalance.delay.ms=0
# Failover: the controllers fence a node that stops heartbeating after this long, which moves
# its partitions' leadership and takes it out of their ISR (default 9 s). Six heartbeats fit in
# a session, so one late heartbeat of a busy node does not fence it.
broker.session.timeout.ms=1500
broker.heartbeat.interval.ms=250
# When the active controller is the node that died, the other voters elect a new one after this
# long without news of it (default 2 s); the new controller then gives every node a fresh
# session before fencing the dead one. Together: about 3 s from a kill -9 to new leaders.
controller.quorum.fetch.timeout.ms=1000
controller.quorum.election.timeout.ms=500
log.segment.bytes=268435456
transaction.max.timeout.ms=900000
CONF
  cat > "$home/log4j2.properties" <<CONF
status=error
appender.file.type=File
appender.file.name=file
appender.file.fileName=$home/broker.log
appender.file.layout.type=PatternLayout
appender.file.layout.pattern=[%d] %p %m (%c)%n
rootLogger.level=WARN
rootLogger.appenderRef.file.ref=file
logger.kafka.name=kafka
logger.kafka.level=INFO
CONF
}

java_cmd() {
  # exec: when run in the background, the pid recorded is the JVM's own. Always call it in a
  # subshell.
  local home=$1; shift
  exec java -Xms128m -Xmx512m -XX:+UseG1GC -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$home/log4j2.properties" -cp "$LIBS/*" "$@"
}

format_all() {
  # One cluster id for the three nodes, formatted once.
  local id n
  if [ ! -f "$CHOME/cluster.id" ]; then
    id="$(java_cmd "$CHOME" kafka.tools.StorageTool random-uuid)"
    echo "$id" > "$CHOME/cluster.id"
  fi
  id="$(cat "$CHOME/cluster.id")"
  for n in "${NODES[@]}"; do
    if [ ! -f "$(node_home "$n")/data/meta.properties" ]; then
      (java_cmd "$(node_home "$n")" kafka.tools.StorageTool format -t "$id" \
        -c "$(node_home "$n")/server.properties" >/dev/null)
    fi
  done
}

launch() {
  local n=$1 home; home="$(node_home "$n")"
  if running "$n"; then return 0; fi
  (java_cmd "$home" kafka.Kafka "$home/server.properties" >"$home/broker.out" 2>&1 </dev/null) &
  disown || true
  echo $! > "$(pidfile "$n")"
}

wait_answers() {
  local n=$1 i
  for i in $(seq 1 240); do
    if answers "$n"; then return 0; fi
    if ! running "$n"; then
      echo "cluster.sh: node $n exited; last lines of $(node_home "$n")/broker.out:" >&2
      tail -20 "$(node_home "$n")/broker.out" >&2
      exit 1
    fi
    sleep 0.5
  done
  echo "cluster.sh: node $n did not answer within 120 s" >&2
  exit 1
}

healthy() {
  # Every node answers, and every partition has as many in-sync replicas as replicas.
  local n md
  for n in "${NODES[@]}"; do answers "$n" || return 1; done
  md="$(kcat -b "$(brokers)" -L -m 5 2>/dev/null)" || return 1
  echo "$md" | grep -q "3 brokers:" || return 1
  ! echo "$md" | awk '/partition [0-9]+, leader/ {
      r = $0; sub(/.*replicas: /, "", r); sub(/, isrs:.*/, "", r)
      i = $0; sub(/.*isrs: /, "", i); sub(/[^0-9,].*/, "", i)
      if (split(r, a, ",") != split(i, b, ",")) print "under-replicated"
      if ($0 ~ /leader -1/) print "leaderless" }' | grep -q .
}

wait_healthy() {
  local limit=${1:-120} i
  for i in $(seq 1 $((limit * 2))); do
    if healthy; then return 0; fi
    sleep 0.5
  done
  echo "cluster.sh: not healthy after ${limit} s" >&2
  return 1
}

start_all() {
  PARCOURS_KAFKA_LIBS="$LIBS" "$HERE/kafka.sh" fetch
  command -v kcat >/dev/null || { echo "cluster.sh: kcat missing (run deploy/local/install-deps.sh)" >&2; exit 1; }
  mkdir -p "$CHOME"
  local n
  for n in "${NODES[@]}"; do write_config "$n"; done
  format_all
  for n in "${NODES[@]}"; do launch "$n"; done
  for n in "${NODES[@]}"; do wait_answers "$n"; done
  wait_healthy 120
  echo "cluster.sh: 3 nodes up on $(brokers)"
}

stop_node() {
  local n=$1 f pid; f="$(pidfile "$n")"
  [ -f "$f" ] || return 0
  pid="$(cat "$f")"
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
  fi
  rm -f "$f"
}

kill_node() {
  local n=$1 f; f="$(pidfile "$n")"
  [ -f "$f" ] || { echo "cluster.sh: node $n is not running" >&2; return 1; }
  kill -9 "$(cat "$f")" 2>/dev/null || true
  for _ in $(seq 1 40); do kill -0 "$(cat "$f")" 2>/dev/null || break; sleep 0.05; done
  rm -f "$f"
}

case "${1:-}" in
  start) start_all ;;
  stop)
    for n in "${NODES[@]}"; do stop_node "$n" & done
    wait
    echo "cluster.sh: stopped" ;;
  status)
    ok=0
    for n in "${NODES[@]}"; do
      if answers "$n"; then echo "node $n: up on 127.0.0.1:$(port "$n")"; else echo "node $n: down"; ok=1; fi
    done
    exit $ok ;;
  kill) check_id "${2:-}"; kill_node "$2" ;;
  stop-node) check_id "${2:-}"; stop_node "$2" ;;
  start-node) check_id "${2:-}"; write_config "$2"; launch "$2"; wait_answers "$2" ;;
  wait-healthy) wait_healthy "${2:-120}" ;;
  brokers) brokers ;;
  *) echo "usage: $0 start|stop|status|kill ID|stop-node ID|start-node ID|wait-healthy [S]|brokers" >&2; exit 2 ;;
esac
