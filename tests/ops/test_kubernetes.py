"""deploy/kubernetes/, validated offline.

- Core objects (Namespace, Service, StatefulSet, PodDisruptionBudget, NetworkPolicy ...):
  kubernetes-validate, strict (unknown fields rejected), against the oldest and the newest
  Kubernetes it knows of those Strimzi 1.2 runs on.
- Strimzi resources (Kafka, KafkaNodePool, KafkaTopic, KafkaUser): the openAPIV3Schema of the
  CRDs that Strimzi's own generator writes (tests/ops/tools.sh), with unknown fields rejected as
  the API server's pruning would drop them.
- Prometheus Operator resources: @kubernetes-models/prometheus-operator's validators.
- What ties them together: labels and selectors, ports, the topics' settings, the environment
  `parcours` reads, secrets as files.
"""
import copy
import json
import unittest

import jsonschema
import kubernetes_validate
import yaml

from common import ROOT, STRIMZI_CRDS, config_variables, documents, node

KUBERNETES_VERSIONS = ["1.29.0", "1.37.0"]
STRIMZI_CRD_FILES = {
    "Kafka": "040-Crd-kafka.yaml",
    "KafkaTopic": "043-Crd-kafkatopic.yaml",
    "KafkaUser": "044-Crd-kafkauser.yaml",
    "KafkaNodePool": "045-Crd-kafkanodepool.yaml",
}
MONITORING_KINDS = {"ServiceMonitor", "PodMonitor", "PrometheusRule"}


def manifests():
    out = []
    for path in sorted((ROOT / "deploy/kubernetes").glob("*.yaml")):
        for doc in documents(path):
            out.append((path.name, doc))
    return out


def strict_schema(schema):
    """A CRD's structural schema as JSON Schema that rejects fields the API server would prune."""
    if isinstance(schema, list):
        return [strict_schema(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {k: strict_schema(v) for k, v in schema.items() if not k.startswith("x-kubernetes-")}
    if schema.get("x-kubernetes-int-or-string"):
        out.pop("type", None)
        out["anyOf"] = [{"type": "integer"}, {"type": "string"}]
    if (schema.get("type") == "object" and "properties" in schema
            and not schema.get("x-kubernetes-preserve-unknown-fields")
            and "additionalProperties" not in schema):
        out["additionalProperties"] = False
    if schema.get("nullable"):
        out.pop("nullable")
        if "type" in out:
            out["type"] = [out["type"], "null"]
    return out


def strimzi_validator(kind):
    crd = documents(STRIMZI_CRDS / STRIMZI_CRD_FILES[kind])[0]
    (version,) = [v for v in crd["spec"]["versions"] if v["served"]]
    schema = strict_schema(version["schema"]["openAPIV3Schema"])
    # The CRD leaves metadata to the API server; a resource here must name its place.
    schema["properties"]["metadata"] = {
        "type": "object", "required": ["name", "namespace"],
        "properties": {"name": {"type": "string", "pattern": r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$",
                                "maxLength": 253},
                       "namespace": {"type": "string"}, "labels": {"type": "object"}},
        "additionalProperties": False}
    schema["required"] = ["apiVersion", "kind", "metadata", "spec"]
    schema["properties"]["apiVersion"] = {"const": f"{crd['spec']['group']}/{version['name']}"}
    schema["properties"]["kind"] = {"const": kind}
    return jsonschema.Draft7Validator(schema)


def strimzi_errors(doc):
    return [f"{'.'.join(map(str, e.path))}: {e.message}"
            for e in strimzi_validator(doc["kind"]).iter_errors(doc)]


def core_errors(doc):
    errors = []
    for version in KUBERNETES_VERSIONS:
        try:
            kubernetes_validate.validate(doc, version, strict=True)
        except kubernetes_validate.ValidationError as e:
            errors.append(f"k8s {version}: {'.'.join(map(str, e.path))}: {e.message}")
    return errors


def by_kind(kind):
    return [d for _, d in manifests() if d["kind"] == kind]


def one(kind, name=None):
    found = [d for d in by_kind(kind) if name is None or d["metadata"]["name"] == name]
    assert len(found) == 1, f"{kind} {name}: {len(found)} found"
    return found[0]


class Schemas(unittest.TestCase):
    def test_every_manifest_validates(self):
        monitoring = []
        checked = 0
        for path, doc in manifests():
            kind = doc["kind"]
            with self.subTest(file=path, kind=kind, name=doc["metadata"]["name"]):
                if kind in STRIMZI_CRD_FILES:
                    self.assertEqual(strimzi_errors(doc), [])
                elif kind in MONITORING_KINDS:
                    monitoring.append(doc)
                else:
                    self.assertEqual(core_errors(doc), [])
                checked += 1
        for result in node("validate_monitoring.mjs", stdin=json.dumps(monitoring)):
            with self.subTest(kind=result["kind"], name=result["name"]):
                self.assertIsNone(result["error"])
        self.assertGreaterEqual(checked, 20)

    def test_validators_reject_broken_manifests(self):
        # Each validator, given a plausible mistake, must say no: otherwise the test above
        # proves nothing.
        topic = copy.deepcopy(one("KafkaTopic", "parcours.commands.v1"))
        topic["spec"]["replicas"] = "3"
        self.assertTrue(strimzi_errors(topic))
        pool = copy.deepcopy(one("KafkaNodePool", "brokers"))
        pool["spec"]["role"] = pool["spec"].pop("roles")  # a typo the API server would prune
        self.assertTrue(strimzi_errors(pool))
        kafka = copy.deepcopy(one("Kafka"))
        kafka["spec"]["kafka"]["listeners"][0]["type"] = "clusterip"
        self.assertTrue(strimzi_errors(kafka))
        sts = copy.deepcopy(one("StatefulSet", "parcours"))
        sts["spec"]["template"]["spec"]["containers"][0]["readinessProbe"]["httpGet"]["paht"] = "/"
        self.assertTrue(core_errors(sts))
        pdb = copy.deepcopy(one("PodDisruptionBudget"))
        pdb["spec"]["maxUnavailable"] = [1]
        self.assertTrue(core_errors(pdb))
        monitor = copy.deepcopy(one("ServiceMonitor"))
        monitor["spec"]["endpoints"][0]["interval"] = 15
        rule = copy.deepcopy(one("PrometheusRule"))
        del rule["spec"]["groups"][0]["name"]
        results = node("validate_monitoring.mjs", stdin=json.dumps([monitor, rule]))
        self.assertTrue(all(r["error"] for r in results), results)


class Kafka(unittest.TestCase):
    def test_kraft_node_pools_three_brokers_three_controllers(self):
        pools = {p["metadata"]["name"]: p for p in by_kind("KafkaNodePool")}
        roles = {name: p["spec"]["roles"] for name, p in pools.items()}
        self.assertEqual(sum(p["spec"]["replicas"] for p in pools.values()
                             if "broker" in p["spec"]["roles"]), 3, roles)
        self.assertEqual(sum(p["spec"]["replicas"] for p in pools.values()
                             if "controller" in p["spec"]["roles"]), 3, roles)
        for p in pools.values():
            self.assertEqual(p["metadata"]["labels"]["strimzi.io/cluster"], "parcours-kafka")

    def test_replication_three_min_insync_two(self):
        config = one("Kafka")["spec"]["kafka"]["config"]
        self.assertEqual(config["default.replication.factor"], 3)
        self.assertEqual(config["min.insync.replicas"], 2)
        self.assertEqual(config["transaction.state.log.replication.factor"], 3)
        self.assertEqual(config["transaction.state.log.min.isr"], 2)
        self.assertEqual(config["offsets.topic.replication.factor"], 3)
        self.assertFalse(config["auto.create.topics.enable"])
        for t in by_kind("KafkaTopic"):
            with self.subTest(topic=t["metadata"]["name"]):
                self.assertEqual(t["spec"]["replicas"], 3)
                self.assertEqual(t["spec"]["config"]["min.insync.replicas"], 2)

    def test_topics_of_architecture_section_2(self):
        topics = {t["metadata"]["name"]: t["spec"] for t in by_kind("KafkaTopic")}
        # ARCHITECTURE §2's topics, and the dead-letter topic of quarantined commands.
        self.assertEqual(set(topics), {f"parcours.{n}.v1" for n in (
            "commands", "journey-events", "org-events", "replies", "keys", "access-log",
            "commands-dlq")})
        big = {"parcours.commands.v1", "parcours.journey-events.v1", "parcours.access-log.v1"}
        for name, spec in topics.items():
            with self.subTest(topic=name):
                sts_env = env_of(one("StatefulSet", "parcours"))
                key = "PARCOURS_PARTITIONS" if name in big else "PARCOURS_SMALL_PARTITIONS"
                self.assertEqual(spec["partitions"], int(sts_env[key]))
        forever = {"parcours.journey-events.v1", "parcours.org-events.v1"}
        for name in forever:
            self.assertEqual(topics[name]["config"]["retention.ms"], -1)
        self.assertEqual(topics["parcours.keys.v1"]["config"]["cleanup.policy"], "compact")
        for name in set(topics) - {"parcours.keys.v1"}:
            self.assertEqual(topics[name]["config"]["cleanup.policy"], "delete")
        # Bounded retention where ARCHITECTURE says days and hours.
        self.assertLessEqual(topics["parcours.commands.v1"]["config"]["retention.ms"], 7 * 86400000)
        self.assertLessEqual(topics["parcours.commands-dlq.v1"]["config"]["retention.ms"],
                             topics["parcours.commands.v1"]["config"]["retention.ms"])
        self.assertLessEqual(topics["parcours.replies.v1"]["config"]["retention.ms"], 86400000)

    def test_kafka_user_certificate_reaches_parcours_as_files(self):
        user = one("KafkaUser", "parcours")
        self.assertEqual(user["spec"]["authentication"]["type"], "tls")
        listener = one("Kafka")["spec"]["kafka"]["listeners"][0]
        self.assertEqual(listener["authentication"]["type"], "tls")
        sts = one("StatefulSet", "parcours")
        volumes = {v["name"]: v for v in sts["spec"]["template"]["spec"]["volumes"]}
        self.assertEqual(volumes["kafka-user"]["secret"]["secretName"], "parcours")
        self.assertEqual(volumes["kafka-ca"]["secret"]["secretName"],
                         "parcours-kafka-cluster-ca-cert")
        props = dict(p.split("=", 1) for p in env_of(sts)["PARCOURS_KAFKA_PROPS"].split(";"))
        mounts = {m["name"]: m["mountPath"] for m in container(sts)["volumeMounts"]}
        self.assertEqual(props["ssl.certificate.location"], mounts["kafka-user"] + "/user.crt")
        self.assertEqual(props["ssl.key.location"], mounts["kafka-user"] + "/user.key")
        self.assertEqual(props["ssl.ca.location"], mounts["kafka-ca"] + "/ca.crt")
        port = env_of(sts)["PARCOURS_KAFKA_BROKERS"].rsplit(":", 1)[1]
        self.assertEqual(int(port), listener["port"])


def container(sts):
    (c,) = sts["spec"]["template"]["spec"]["containers"]
    return c


def env_of(sts):
    return {e["name"]: e.get("value") for e in container(sts)["env"]}


class Parcours(unittest.TestCase):
    def setUp(self):
        self.sts = one("StatefulSet", "parcours")
        self.pod = self.sts["spec"]["template"]
        self.labels = self.pod["metadata"]["labels"]

    def test_instance_id_is_the_pod_name(self):
        (e,) = [e for e in container(self.sts)["env"] if e["name"] == "PARCOURS_INSTANCE_ID"]
        self.assertEqual(e["valueFrom"]["fieldRef"]["fieldPath"], "metadata.name")

    def test_every_variable_is_one_parcours_reads(self):
        known = config_variables()
        for name in env_of(self.sts):
            with self.subTest(variable=name):
                self.assertIn(name, known)

    def test_secrets_are_files(self):
        env = env_of(self.sts)
        for secret in ("PARCOURS_JWT_SECRET", "PARCOURS_MASTER_KEY"):
            self.assertNotIn(secret, env)
            path = env[secret + "_FILE"]
            mounts = [m for m in container(self.sts)["volumeMounts"] if path.startswith(m["mountPath"] + "/")]
            self.assertEqual(len(mounts), 1, path)
            self.assertTrue(mounts[0]["readOnly"])
        volumes = {v["name"]: v for v in self.pod["spec"]["volumes"]}
        self.assertEqual(volumes["secrets"]["secret"]["secretName"], "parcours-secrets")
        for c in self.pod["spec"]["containers"]:
            for e in c.get("env", []):
                self.assertNotIn("secretKeyRef", e.get("valueFrom", {}), e["name"])

    def test_probes(self):
        c = container(self.sts)
        self.assertEqual(c["readinessProbe"]["httpGet"]["path"], "/readyz")
        self.assertEqual(c["livenessProbe"]["httpGet"]["path"], "/healthz")
        self.assertEqual(c["startupProbe"]["httpGet"]["path"], "/healthz")
        for probe in ("readinessProbe", "livenessProbe", "startupProbe"):
            self.assertEqual(c[probe]["httpGet"]["port"], "http")
        self.assertEqual(env_of(self.sts)["PARCOURS_HTTP_ADDR"], "0.0.0.0:8080")
        self.assertEqual(c["ports"], [{"name": "http", "containerPort": 8080}])

    def test_resources_and_hardening(self):
        c = container(self.sts)
        self.assertIn("memory", c["resources"]["requests"])
        self.assertIn("cpu", c["resources"]["requests"])
        self.assertIn("memory", c["resources"]["limits"])
        self.assertTrue(self.pod["spec"]["securityContext"]["runAsNonRoot"])
        self.assertTrue(c["securityContext"]["readOnlyRootFilesystem"])
        data = [m for m in c["volumeMounts"] if m["name"] == "data"]
        self.assertEqual(data[0]["mountPath"], env_of(self.sts)["PARCOURS_DATA_DIR"])
        self.assertEqual(self.sts["spec"]["volumeClaimTemplates"][0]["metadata"]["name"], "data")

    def test_selectors_meet(self):
        def selects(selector, labels):
            return all(labels.get(k) == v for k, v in selector.items())
        self.assertTrue(selects(self.sts["spec"]["selector"]["matchLabels"], self.labels))
        self.assertTrue(selects(one("PodDisruptionBudget")["spec"]["selector"]["matchLabels"],
                                self.labels))
        policy = one("NetworkPolicy", "parcours")
        self.assertTrue(selects(policy["spec"]["podSelector"]["matchLabels"], self.labels))
        self.assertEqual(policy["spec"]["ingress"][0]["ports"][0]["port"], 8080)
        services = by_kind("Service")
        for s in services:
            self.assertTrue(selects(s["spec"]["selector"], self.labels), s["metadata"]["name"])
        self.assertEqual(self.sts["spec"]["serviceName"], "parcours-pods")
        headless = one("Service", "parcours-pods")
        self.assertEqual(headless["spec"]["clusterIP"], "None")
        # The ServiceMonitor scrapes one Service only, by a named port that Service has.
        monitor = one("ServiceMonitor")
        scraped = [s for s in services if selects(monitor["spec"]["selector"]["matchLabels"],
                                                  s["metadata"].get("labels", {}))]
        self.assertEqual([s["metadata"]["name"] for s in scraped], ["parcours"])
        self.assertIn(monitor["spec"]["endpoints"][0]["port"],
                      [p["name"] for p in scraped[0]["spec"]["ports"]])
        # The brokers let Parcours's pods in.
        peers = one("Kafka")["spec"]["kafka"]["listeners"][0]["networkPolicyPeers"]
        self.assertTrue(any(selects(p["podSelector"]["matchLabels"], self.labels) for p in peers))

    def test_prometheus_rule_is_alerts_yml(self):
        alerts = yaml.safe_load((ROOT / "deploy/prometheus/alerts.yml").read_text())
        self.assertEqual(one("PrometheusRule")["spec"]["groups"], alerts["groups"],
                         "run tests/ops/prometheus_rule.py after changing alerts.yml")


if __name__ == "__main__":
    unittest.main()
