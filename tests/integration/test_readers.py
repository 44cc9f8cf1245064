"""Readers of the log keep fetching while they lag behind the broker.

librdkafka stops fetching once a consumer's queue is full and, by default, looks again only a
second later (fetch.queue.backoff.ms): a reader slower than its fetches then spends most of its
time waiting (kafka/kafka_settings.cc). With queues a few kilobytes deep, every fetch fills the
queue, so a rebuild of 20,000 events would wait on the order of ten seconds.
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


class KeptLog(unittest.TestCase):
    """20,000 events of interleaved journeys, written once by the bench and kept for every test."""

    @classmethod
    def setUpClass(cls):
        cls.stack = Stack(partitions=6)
        cls.prefix = None
        out = cls.stack.run("bench", "rebuild", "-n", "20000", "--active", "200", "--keep").stdout
        cls.prefix = re.search(r"topics kept\s+prefix (\S+)", out).group(1)
        cls.usual = cls.rebuild()

    @classmethod
    def tearDownClass(cls):
        cls.stack.cleanup()
        if cls.prefix:
            from confluent_kafka.admin import AdminClient
            a = AdminClient({"bootstrap.servers": BROKERS})
            names = [t for t in a.list_topics(timeout=10).topics if t.startswith(cls.prefix)]
            if names:
                for f in a.delete_topics(names, operation_timeout=30).values():
                    try:
                        f.result()
                    except Exception:  # noqa: BLE001 - best effort
                        pass

    @classmethod
    def rebuild(cls, *extra):
        args = ["rebuild", "--out", os.path.join(cls.stack.tmp, uuid.uuid4().hex[:8]),
                "--topic-prefix", cls.prefix, *extra]
        return json.loads(cls.stack.run(*args).stdout)

    def test_a_reader_with_tiny_queues_keeps_fetching(self):
        args = []
        for p in TINY_QUEUES:
            args += ["--kafka-prop", p]
        tiny = self.rebuild(*args)
        self.assertGreaterEqual(self.usual["events"], 20000)
        self.assertEqual(tiny["records"], self.usual["records"])
        self.assertEqual(tiny["digest"], self.usual["digest"])
        # With librdkafka's default backoff this took 16 s here.
        self.assertLess(tiny["seconds"], 3.0, tiny)

    def test_any_number_of_workers_rebuilds_the_same_read_models(self):
        # The log has 6 partitions: 1 worker reads them all, 4 read uneven shares, 6 one each,
        # and 20 are capped at one per partition.
        self.assertEqual(self.usual["workers"], 2)
        for workers in (1, 4, 6, 20):
            got = self.rebuild("--workers", str(workers))
            self.assertEqual(got["workers"], min(workers, 6))
            self.assertEqual(got["records"], self.usual["records"], workers)
            self.assertEqual(got["digest"], self.usual["digest"], workers)


if __name__ == "__main__":
    unittest.main()
