#!/usr/bin/env bash
# The test command: installs what is missing, builds, starts its own Kafka broker, runs every
# suite, stops the broker. Exit status 0 only if everything passed.
#
#   tests/run.sh              unit and component (plain and under ASan/UBSan), the operations
#                             checks of deploy/ and events/asyncapi.yaml, integration, a short
#                             fault campaign on a 3-node cluster (tests/faults/run.sh), and a
#                             short libFuzzer run of the command and event decoders and of the
#                             whole command path
#   PARCOURS_TEST_SUITES="unit"  tests/run.sh   a subset (unit asan component ops integration
#                             faults fuzz)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
SUITES="${PARCOURS_TEST_SUITES:-unit asan component ops integration faults fuzz}"
FUZZ_SECONDS="${PARCOURS_FUZZ_SECONDS:-20}"
JOBS="${PARCOURS_BUILD_JOBS:-$(nproc)}"

deploy/local/install-deps.sh

# Each step says when it starts, in seconds since the command began, to show where time goes.
step() { printf '\n== [%4ds] %s\n' "$SECONDS" "$*"; }

step "build (RelWithDebInfo)"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$JOBS"

if [[ " $SUITES " == *" asan "* || " $SUITES " == *" fuzz "* ]]; then
  # One clang build serves both: the unit tests under ASan/UBSan, and the libFuzzer targets
  # (every object also carries the fuzzer's coverage instrumentation, harmless to the tests).
  # The libraries at -O0: it builds them a third faster than -O1, which is most of this step's
  # time, and the tests' own code keeps -O1 (tests/unit/CMakeLists.txt).
  step "build the unit and component tests and the fuzz targets under ASan/UBSan (clang)"
  CC=clang CXX=clang++ cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug \
    -DCMAKE_CXX_FLAGS_DEBUG="-O0 -g" -DPARCOURS_SANITIZE=ON -DPARCOURS_FUZZ=ON >/dev/null
  cmake --build build-asan -j "$JOBS" --target sanitized_checks
fi

if [[ " $SUITES " == *" unit "* ]]; then
  step "unit tests"
  ctest --test-dir build -L unit --output-on-failure -j "$JOBS"
fi
if [[ " $SUITES " == *" asan "* ]]; then
  step "unit and component tests under ASan/UBSan"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-asan -L 'unit|component' --output-on-failure -j "$JOBS"
fi
if [[ " $SUITES " == *" component "* ]]; then
  step "component tests (librdkafka mock cluster)"
  ctest --test-dir build -L component --output-on-failure
fi

if [[ " $SUITES " == *" ops "* ]]; then
  step "operations checks (manifests, compose, image, alert rules, dashboard, AsyncAPI)"
  tests/ops/run.sh
fi

if [[ " $SUITES " == *" integration "* ]]; then
  # A broker of our own, on its own ports and data, fresh for every run.
  export PARCOURS_KAFKA_PORT="${PARCOURS_TEST_KAFKA_PORT:-19092}"
  export PARCOURS_KAFKA_HOME="$ROOT/var/test-kafka"
  rm -rf "$PARCOURS_KAFKA_HOME"
  trap 'deploy/local/kafka.sh stop >/dev/null 2>&1 || true' EXIT
  step "start the test broker on 127.0.0.1:$PARCOURS_KAFKA_PORT"
  deploy/local/kafka.sh start
  step "integration tests (real broker)"
  PARCOURS_TEST_BROKERS="127.0.0.1:$PARCOURS_KAFKA_PORT" \
    PARCOURS_TEST_KAFKA_DATA="$PARCOURS_KAFKA_HOME/data" \
    PARCOURS_BIN="$ROOT/build/src/cli/parcours" \
    ctest --test-dir build -L integration --output-on-failure
  if [[ " $SUITES " == *" asan "* ]]; then
    # The whole HTTP path under ASan/UBSan: a fault stops the server and fails the test. Leaks
    # are not looked for: serve stops on SIGTERM with librdkafka's and RocksDB's threads still
    # holding what they hold until exit.
    step "the hostile clients' storm against the ASan/UBSan build of serve"
    (cd tests/integration &&
      PARCOURS_TEST_BROKERS="127.0.0.1:$PARCOURS_KAFKA_PORT" \
      PARCOURS_BIN="$ROOT/build-asan/src/cli/parcours" PYTHONDONTWRITEBYTECODE=1 \
      ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 \
      UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
      /usr/bin/python3 -m unittest -v test_hostile_clients)
  fi
  deploy/local/kafka.sh stop >/dev/null  # the fault campaign runs its own cluster
fi
if [[ " $SUITES " == *" faults "* ]]; then
  # Its own cluster, ports and data (PARCOURS_TEST_CLUSTER_PORT), stopped when it ends.
  step "fault campaign: 3 brokers, 2 instances, about two minutes (tests/faults/run.sh)"
  PARCOURS_BIN="$ROOT/build/src/cli/parcours" tests/faults/run.sh
fi
if [[ " $SUITES " == *" fuzz "* ]]; then
  step "fuzz the command and event decoders and the whole command path, ${FUZZ_SECONDS}s each"
  for target in command event command_path; do
    corpus="$(mktemp -d)"
    cp tests/fuzz/corpus/$target/* "$corpus/"
    (cd "$corpus" && "$ROOT/build-asan/tests/fuzz/fuzz_$target" -max_total_time="$FUZZ_SECONDS" \
      -rss_limit_mb=2048 -print_final_stats=1 "$corpus" 2>&1 | tail -3)
    rm -rf "$corpus"
  done
fi
step "all requested suites passed: $SUITES"
