"""Readers of the log keep fetching while they lag behind the broker.

librdkafka stops fetching once a consumer's queue is full and, by itself, looks again only when
its broker thread wakes up, up to a second later: a reader slower than its fetches then spent
most of its time waiting (kafka/fetch_nudger.h). With queues a few kilobytes deep, every fetch
fills the queue, so a rebuild of 20,000 events would wait on the order of ten seconds.
"""
import json
import os
import re
import unittest
import uuid

from harness import BROKERS, Stack

# Queues of 4 KiB and fetches of 4 KiB: the queue is full after every fetch.
TINY_QUEUES = [
    "message.max.bytes=4096", "fetch.max.bytes=4096", "fetch.message.max.bytes=4096",
    "queued.max.messages.kbytes=4", "queued.min.messages=5",
]


class LaggingReader(unittest.TestCase):
    def test_a_reader_with_tiny_queues_keeps_fetching(self):
        s = Stack(partitions=2)
        prefix = None
        try:
            # 20,000 events of interleaved journeys, written by the bench and kept.
            out = s.run("bench", "rebuild", "-n", "20000", "--active", "200", "--keep").stdout
            prefix = re.search(r"topics kept\s+prefix (\S+)", out).group(1)

            def rebuild(props):
                args = ["rebuild", "--out", os.path.join(s.tmp, uuid.uuid4().hex[:8]),
                        "--topic-prefix", prefix]
                for p in props:
                    args += ["--kafka-prop", p]
                return json.loads(s.run(*args).stdout)

            usual = rebuild([])
            tiny = rebuild(TINY_QUEUES)
            self.assertGreaterEqual(usual["events"], 20000)
            self.assertEqual(tiny["records"], usual["records"])
            self.assertEqual(tiny["digest"], usual["digest"])
            # Without the nudges this took 11 s here; with them, 0.13 s.
            self.assertLess(tiny["seconds"], 3.0, tiny)
        finally:
            s.cleanup()
            if prefix:
                from confluent_kafka.admin import AdminClient
                a = AdminClient({"bootstrap.servers": BROKERS})
                names = [t for t in a.list_topics(timeout=10).topics if t.startswith(prefix)]
                if names:
                    for f in a.delete_topics(names, operation_timeout=30).values():
                        try:
                            f.result()
                        except Exception:  # noqa: BLE001 - best effort
                            pass


if __name__ == "__main__":
    unittest.main()
