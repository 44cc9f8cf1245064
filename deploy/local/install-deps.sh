#!/usr/bin/env bash
# Installs the Debian packages Parcours builds, tests and runs with, then builds the librdkafka
# it links (deploy/local/librdkafka.sh: Debian 13's, from Debian's archive).
# Idempotent: packages already present are left alone, so a second run costs one dpkg query.
set -euo pipefail

PACKAGES=(
  # build
  build-essential cmake ninja-build pkg-config git clang clang-format libclang-rt-14-dev
  # (and to fetch and build librdkafka: deploy/local/librdkafka.sh)
  curl ca-certificates patch xz-utils
  # libraries
  librocksdb-dev nlohmann-json3-dev libsimdjson-dev libvalijson-dev prometheus-cpp-dev
  libgtest-dev libgmock-dev libbenchmark-dev libboost-dev libboost-system-dev
  libsodium-dev libssl-dev libcli11-dev libspdlog-dev libfmt-dev libjemalloc-dev
  zlib1g-dev libzstd-dev liblz4-dev
  # broker and tools around it
  maven openjdk-17-jre-headless kcat
  # foreign subscriber test
  python3-confluent-kafka python3-jsonschema
  # operations checks (tests/ops, tests/integration/test_dashboard.py): promtool and a real
  # Prometheus, the compose validator, a venv and Node.js for the pinned validators of
  # tests/ops/tools.sh
  prometheus docker-compose python3-venv python3-yaml nodejs
)
# npm comes with Node.js from some sources and as Debian's own package from others: ask for
# Debian's only where no npm is installed (it would conflict with a Node.js that carries one).
if ! command -v npm >/dev/null 2>&1; then PACKAGES+=(npm); fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
else
  echo "install-deps: installing ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

"$(dirname "${BASH_SOURCE[0]}")/librdkafka.sh"
