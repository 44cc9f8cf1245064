"""events/asyncapi.yaml: parsed by @asyncapi/parser (npm), which validates the document against
the AsyncAPI 3.0 schema and its Kafka bindings and resolves every $ref; then checked against the
event catalogue, so that an event type cannot be added without its message here, and against
the topics' settings of deploy/kubernetes/topics.yaml."""
import pathlib
import re
import shutil
import tempfile
import unittest

import yaml

from common import ROOT, documents, node

ASYNCAPI = ROOT / "events/asyncapi.yaml"
# Diagnostics the parser gives as advice, not as a fault of the document.
ADVICE = {"asyncapi-latest-version"}  # 3.1 exists; the contract is written for 3.0


def parse(path):
    return node("parse_asyncapi.mjs", path)


def catalogue_types():
    """Event types of the catalogue: one schema file each, one section each in the README."""
    schemas = {p.name[: -len(".v1.json")] for p in (ROOT / "events/schemas").glob("*.v1.json")}
    schemas.discard("cloudevent")
    readme = set(re.findall(r"^### `([a-z_]+\.[a-z_]+)`$", (ROOT / "events/README.md").read_text(),
                            re.M))
    return schemas, readme


def catalogue_problems(parsed):
    """What the parsed document lacks or gets wrong against the catalogue, as sentences."""
    problems = []
    schemas, readme = catalogue_types()
    if schemas != readme:
        problems.append(f"schemas and README differ: {sorted(schemas ^ readme)}")
    channels = parsed["channels"]
    described = {}
    for cid in ("journeyEvents", "orgEvents"):
        for m in channels.get(cid, {}).get("messages", []):
            described[m["name"]] = (cid, m)
    for t in sorted(schemas - set(described)):
        problems.append(f"event type {t} has no message in asyncapi.yaml")
    for t in sorted(set(described) - schemas):
        problems.append(f"message {t} has no schema in events/schemas")
    for t, (cid, m) in described.items():
        want_channel = "orgEvents" if t.startswith("org.") else "journeyEvents"
        if cid != want_channel:
            problems.append(f"{t} is on {cid}, not {want_channel}")
        if m["envelope"] != "urn:parcours:envelope:cloudevent:v1":
            problems.append(f"{t}: envelope is not events/schemas/cloudevent.v1.json")
        if m["type"] != t:
            problems.append(f"{t}: the envelope's type is {m['type']}")
        if m["data"] != f"urn:parcours:event:{t}:v1":
            problems.append(f"{t}: data refers to {m['data']}, not events/schemas/{t}.v1.json")
        if not m["key"] or m["key"].get("type") != "string":
            problems.append(f"{t}: no Kafka key")
    return problems


class AsyncApi(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.parsed = parse(ASYNCAPI)

    def test_parses_without_error(self):
        faults = [d for d in self.parsed["diagnostics"] if d["code"] not in ADVICE]
        self.assertEqual(faults, [])
        self.assertEqual(self.parsed["version"], "3.0.0")

    def test_every_event_type_of_the_catalogue_is_described(self):
        self.assertEqual(catalogue_problems(self.parsed), [])
        schemas, _ = catalogue_types()
        self.assertGreaterEqual(len(schemas), 36)

    def test_every_topic_is_described_as_deployed(self):
        topics = {t["metadata"]["name"]: t["spec"]
                  for t in documents(ROOT / "deploy/kubernetes/topics.yaml")}
        channels = {c["address"]: c for c in self.parsed["channels"].values()}
        self.assertEqual(set(channels), set(topics))
        for address, spec in topics.items():
            with self.subTest(topic=address):
                kafka = channels[address]["kafka"]
                self.assertEqual(kafka["topic"], address)
                self.assertEqual(kafka["partitions"], spec["partitions"])
                self.assertEqual(kafka["replicas"], spec["replicas"])
                conf = kafka["topicConfiguration"]
                self.assertEqual(conf["cleanup.policy"], [spec["config"]["cleanup.policy"]])
                for key in ("retention.ms", "retention.bytes", "delete.retention.ms",
                            "min.insync.replicas"):
                    if key in conf:
                        self.assertEqual(conf[key], spec["config"][key], key)
                self.assertTrue(channels[address]["messages"])
        public = {c["address"] for c in self.parsed["channels"].values() if "public" in c["tags"]}
        self.assertEqual(public, {"parcours.journey-events.v1", "parcours.org-events.v1"})

    def test_a_forgotten_event_type_or_a_wrong_ref_fails(self):
        # A copy of events/ where one event's message is gone and another's data points to the
        # wrong schema: the catalogue check must name both; a $ref to a missing file must make
        # the parser fail.
        with tempfile.TemporaryDirectory() as d:
            events = pathlib.Path(d) / "events"
            shutil.copytree(ROOT / "events/schemas", events / "schemas")
            shutil.copy(ROOT / "events/README.md", events / "README.md")
            doc = yaml.safe_load(ASYNCAPI.read_text())
            del doc["channels"]["journeyEvents"]["messages"]["passProlonged"]
            accepted = doc["components"]["messages"]["candidatureAccepted"]
            accepted["payload"]["schema"]["allOf"][1]["properties"]["data"]["$ref"] = \
                "./schemas/candidature.refused.v1.json"
            broken = events / "asyncapi.yaml"
            broken.write_text(yaml.safe_dump(doc, sort_keys=False))
            problems = catalogue_problems(parse(broken))
            self.assertIn("event type pass.prolonged has no message in asyncapi.yaml", problems)
            self.assertTrue(any(p.startswith("candidature.accepted: data refers to") for p in problems),
                            problems)
            (events / "schemas/exit.recorded.v1.json").unlink()
            faults = [x for x in parse(broken)["diagnostics"] if x["code"] not in ADVICE]
            self.assertTrue(faults)


if __name__ == "__main__":
    unittest.main()
