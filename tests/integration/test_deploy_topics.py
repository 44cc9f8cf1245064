"""deploy/kubernetes/topics.yaml gives the topics the settings `parcours topics` gives them: the
KafkaTopics are compared with topics that `parcours topics` creates on the real broker, read
back with confluent_kafka's admin client. (min.insync.replicas is left out: on one broker
Parcours sets 1, on three 2, which test_kubernetes checks in the manifests.)"""
import os
import subprocess
import unittest
import uuid

import yaml
from confluent_kafka.admin import AdminClient, ConfigResource, ConfigSource

from harness import BIN, BROKERS

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "../.."))


class DeployedTopics(unittest.TestCase):
    def test_kafka_topics_match_what_parcours_creates(self):
        with open(os.path.join(ROOT, "deploy/kubernetes/topics.yaml")) as f:
            manifests = [d for d in yaml.safe_load_all(f) if d]
        prefix = f"dt-{uuid.uuid4().hex[:8]}."
        env = dict(os.environ, PARCOURS_KAFKA_BROKERS=BROKERS, PARCOURS_TOPIC_PREFIX=prefix,
                   PARCOURS_PARTITIONS="12", PARCOURS_SMALL_PARTITIONS="3")
        out = subprocess.run([BIN, "topics"], env=env, capture_output=True, text=True,
                             timeout=120, check=False)
        self.assertEqual(out.returncode, 0, out.stderr)
        admin = AdminClient({"bootstrap.servers": BROKERS})
        names = {m["metadata"]["name"]: prefix + m["metadata"]["name"][len("parcours."):]
                 for m in manifests}
        created = set(admin.list_topics(timeout=10).topics)
        self.assertEqual(set(names.values()) - created, set())
        self.assertEqual({t for t in created if t.startswith(prefix)}, set(names.values()))
        metadata = admin.list_topics(timeout=10).topics
        futures = admin.describe_configs([ConfigResource("topic", t) for t in names.values()])
        configs = {resource.name: future.result() for resource, future in futures.items()}
        try:
            for m in manifests:
                topic = names[m["metadata"]["name"]]
                with self.subTest(topic=m["metadata"]["name"]):
                    self.assertEqual(len(metadata[topic].partitions), m["spec"]["partitions"])
                    for key, want in m["spec"]["config"].items():
                        if key == "min.insync.replicas":
                            continue
                        self.assertEqual(configs[topic][key].value, str(want), key)
                    # And the other way: every setting Parcours sets itself is in the manifest.
                    own = {k for k, v in configs[topic].items()
                           if v.source == ConfigSource.DYNAMIC_TOPIC_CONFIG.value}
                    self.assertEqual(own - set(m["spec"]["config"]), set())
        finally:
            for f in admin.delete_topics(list(names.values()), operation_timeout=30).values():
                try:
                    f.result()
                except Exception:  # noqa: BLE001 - best effort
                    pass


if __name__ == "__main__":
    unittest.main()
