#!/usr/bin/env bash
# A local Apache Kafka cluster (KRaft) of three brokers and three controllers: the broker of
# kafka.sh, replication factor 3 and min.insync.replicas 2, as a real deployment has
# (ARCHITECTURE §8). For fault campaigns (tests/faults/) and for trying several `parcours serve`
# against brokers that fail.
#
# Two layouts (PARCOURS_CLUSTER_LAYOUT):
#   dedicated (default)  three brokers (ids 1-3) and three controller-only processes (ids
#                        101-103), the layout Kafka recommends for production: a broker's death
#                        is a broker's death, and the controller quorum never has to elect a new
#                        leader because of it
#   combined             three nodes (ids 1-3), each broker and controller; the death of the
#                        node that is the active controller first costs a controller election
#                        (decision 23)
#
#   cluster.sh start            format the storage once, start every process, return once
#                               every broker answers and every partition has its full ISR
#   cluster.sh stop             stop every process (SIGTERM, then SIGKILL after 30 s)
#   cluster.sh status           exit 0 if every broker answers
#   cluster.sh kill ID          kill -9 node ID (a broker 1, 2 or 3; a controller 101, 102 or
#                               103 in the dedicated layout)
#   cluster.sh stop-node ID     stop node ID (SIGTERM: a controlled shutdown)
#   cluster.sh start-node ID    start node ID again; returns once it answers
#   cluster.sh wait-healthy [S] wait up to S seconds (default 120) for every broker to answer and
#                               no partition to be under-replicated
#   cluster.sh brokers          print the bootstrap list (for PARCOURS_KAFKA_BROKERS)
#
# Environment:
#   PARCOURS_CLUSTER_PORT   first port (default 9192): broker N listens on PORT+N-1 for clients,
#                           the controller of node N (combined) or controller 100+N (dedicated)
#                           on PORT+N+2, so 9192-9197 by default, clear of the single broker's
#                           9092/9093
#   PARCOURS_CLUSTER_HOME   config, data, logs and pids of the nodes (default <repo>/var/cluster)
#   PARCOURS_CLUSTER_LAYOUT dedicated (default) or combined
#   PARCOURS_KAFKA_LIBS     the broker's jars, shared with kafka.sh (default <repo>/var/kafka-libs)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
BASE="${PARCOURS_CLUSTER_PORT:-9192}"
CHOME="${PARCOURS_CLUSTER_HOME:-$ROOT/var/cluster}"
LIBS="${PARCOURS_KAFKA_LIBS:-$ROOT/var/kafka-libs}"
LAYOUT="${PARCOURS_CLUSTER_LAYOUT:-dedicated}"
NODES=(1 2 3)
case "$LAYOUT" in
  dedicated) CONTROLLERS=(101 102 103) ;;
  combined) CONTROLLERS=() ;;
  *) echo "cluster.sh: PARCOURS_CLUSTER_LAYOUT must be dedicated or combined" >&2; exit 2 ;;
esac

is_controller() { [ "$1" -gt 100 ]; }
port() { echo $((BASE + $1 - 1)); }
# The controller listener of node N (combined) or of controller 100+N (dedicated).
ctrl_port() { if is_controller "$1"; then echo $((BASE + $1 - 100 + 2)); else echo $((BASE + $1 + 2)); fi; }
node_home() { if is_controller "$1"; then echo "$CHOME/controller-$1"; else echo "$CHOME/node-$1"; fi; }
pidfile() { echo "$(node_home "$1")/broker.pid"; }
voter_ids() { if [ "$LAYOUT" = dedicated ]; then echo "${CONTROLLERS[@]}"; else echo "${NODES[@]}"; fi; }

brokers() {
  local out=() n
  for n in "${NODES[@]}"; do out+=("127.0.0.1:$(port "$n")"); done
  (IFS=,; echo "${out[*]}")
}

answers() {
  # A broker answers when a metadata request to it returns its own id; a controller, when its
  # listener accepts a connection.
  if is_controller "$1"; then
    (exec 3<>"/dev/tcp/127.0.0.1/$(ctrl_port "$1")") 2>/dev/null
  else
    kcat -b "127.0.0.1:$(port "$1")" -L -m 2 2>/dev/null | grep -q "broker $1 at"
  fi
}

running() {
  local f; f="$(pidfile "$1")"
  [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null
}

check_id() {
  case "${1:-}" in
    1|2|3) ;;
    101|102|103) [ "$LAYOUT" = dedicated ] && return 0
      echo "cluster.sh: no controller-only node in the combined layout" >&2; exit 2 ;;
    *) echo "cluster.sh: node id must be 1, 2 or 3 (or a controller 101, 102, 103)" >&2; exit 2 ;;
  esac
}

write_config() {
  local n=$1 home voters="" v roles listeners
  home="$(node_home "$n")"
  mkdir -p "$home"
  for v in $(voter_ids); do voters+="${voters:+,}$v@127.0.0.1:$(ctrl_port "$v")"; done
  if is_controller "$n"; then
    roles=controller
    listeners="CONTROLLER://127.0.0.1:$(ctrl_port "$n")"
  elif [ "$LAYOUT" = dedicated ]; then
    roles=broker
    listeners="PLAINTEXT://127.0.0.1:$(port "$n")"
  else
    roles=broker,controller
    listeners="PLAINTEXT://127.0.0.1:$(port "$n"),CONTROLLER://127.0.0.1:$(ctrl_port "$n")"
  fi
  {
    cat <<CONF
process.roles=$roles
node.id=$n
controller.quorum.voters=$voters
listeners=$listeners
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$home/data
# Failover: the controllers fence a broker that stops heartbeating after this long, which moves
# its partitions' leadership and takes it out of their ISR (default 9 s). Six heartbeats fit in
# a session, so one late heartbeat of a busy broker does not fence it.
broker.session.timeout.ms=1500
broker.heartbeat.interval.ms=250
# When the active controller dies, the other voters elect a new one after this long without
# news of it (default 2 s); the new controller then gives every broker a fresh session before
# fencing a dead one. In the combined layout, a node's death can be both: about 4 s from a
# kill -9 to new leaders, against about 2 s for a broker alone (decision 23).
controller.quorum.fetch.timeout.ms=1000
controller.quorum.election.timeout.ms=500
CONF
    if ! is_controller "$n"; then
      cat <<CONF
advertised.listeners=PLAINTEXT://127.0.0.1:$(port "$n")
inter.broker.listener.name=PLAINTEXT
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
log.segment.bytes=268435456
transaction.max.timeout.ms=900000
# A new transaction or group coordinator reads its partition of __transaction_state or
# __consumer_offsets from the start before it answers anything but COORDINATOR_LOAD_IN_PROGRESS.
# With the default 100 MiB segments, every record of hours of transactions stays in the active
# segment, which compaction never touches: 12 MiB per partition after 30 minutes of the long
# campaign, 2.4 s to load. Segments of 1 MiB roll and are compacted (decision 23).
offsets.topic.segment.bytes=1048576
transaction.state.log.segment.bytes=1048576
CONF
    fi
  } > "$home/server.properties"
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
  local home=$1 heap=512m; shift
  case "$home" in */controller-*) heap=256m ;; esac
  exec java -Xms128m "-Xmx$heap" -XX:+UseG1GC -Djava.awt.headless=true \
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
  for n in "${CONTROLLERS[@]}" "${NODES[@]}"; do
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
  for n in "${CONTROLLERS[@]}" "${NODES[@]}"; do write_config "$n"; done
  format_all
  for n in "${CONTROLLERS[@]}" "${NODES[@]}"; do launch "$n"; done
  for n in "${CONTROLLERS[@]}" "${NODES[@]}"; do wait_answers "$n"; done
  wait_healthy 120
  echo "cluster.sh: 3 brokers up on $(brokers) (layout $LAYOUT)"
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
    # Brokers first, while the quorum is there to hear their controlled shutdown.
    for n in "${NODES[@]}"; do stop_node "$n" & done
    wait
    for n in "${CONTROLLERS[@]}"; do stop_node "$n" & done
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
