"""A command that crashes the process is quarantined after 3 attempts at its offset
(ARCHITECTURE §3, src/processor/crash_guard.h): the next start answers it 500 internal, copies
it to the dead-letter topic and goes on; the journey's partition goes on too."""
import collections
import json
import signal
import time
import unittest
import uuid

from confluent_kafka import Consumer, TopicPartition

from harness import BROKERS, Stack, person


def start_until_exit_or_ready(s, timeout=60):
    """Starts serve; returns True if it became ready, False if it died first."""
    try:
        s.start(timeout)
        return True
    except RuntimeError:
        if s.proc.poll() is None:
            raise
        return False


def read_with_headers(topic):
    c = Consumer({"bootstrap.servers": BROKERS, "group.id": "it-dlq-" + uuid.uuid4().hex,
                  "isolation.level": "read_committed", "enable.auto.commit": False,
                  "enable.partition.eof": True, "auto.offset.reset": "earliest"})
    md = c.list_topics(topic, timeout=10)
    parts = sorted(md.topics[topic].partitions)
    c.assign([TopicPartition(topic, p, 0) for p in parts])
    out, eof, deadline = [], set(), time.time() + 20
    while len(eof) < len(parts) and time.time() < deadline:
        m = c.poll(0.5)
        if m is None:
            continue
        if m.error():
            if m.error().code() == -191:  # _PARTITION_EOF
                eof.add(m.partition())
            continue
        out.append((m.key().decode() if m.key() else None, m.value().decode(),
                    dict((k, v.decode()) for k, v in (m.headers() or []))))
    c.close()
    return out


class Quarantine(unittest.TestCase):
    def test_a_crashing_command_is_quarantined_after_three_starts(self):
        s = Stack(partitions=2, extra_env={"PARCOURS_FAILPOINT": "crash_on_command:crash-me"})
        try:
            s.start()
            s.register("ft-annecy", "prescriber", prescriber_kind="FT")
            t = s.token("alice", org="ft-annecy")
            j = "j-" + uuid.uuid4().hex[:8]
            self.assertEqual(s.command(j, "OpenJourney", {"person": person(), "department": "74"}, t).status, 201)
            before = s.command(j, "RecordFollowUp", {"followup_id": "f0", "date": "2026-11-23",
                                                     "kind": "interview"}, t)
            self.assertEqual(before.status, 201, before)

            # The poison: its Idempotency-Key carries the failpoint's marker.
            poison = {"followup_id": "f1", "date": "2026-11-23", "kind": "interview"}
            try:
                s.command(j, "RecordFollowUp", poison, t, key="crash-me-" + j, timeout=30)
            except OSError:
                pass  # the connection dies with the process
            s.proc.wait(30)
            crashes = [s.proc.returncode]
            # Starts 2 and 3 die on it again (processed alone, attempts 2 and 3)...
            for _ in range(2):
                if start_until_exit_or_ready(s):
                    s.proc.wait(30)
                crashes.append(s.proc.returncode)
            self.assertEqual(crashes, [-signal.SIGSEGV] * 3, s.log_tail())
            # ...and the fourth sets it aside and stays up.
            s.start()
            deadline = time.time() + 30
            replies = []
            while time.time() < deadline:
                replies = [json.loads(v) for (_, _, k, v) in s.read_topic("replies")
                           if k == "crash-me-" + j]
                if replies:
                    break
                time.sleep(0.5)
            self.assertIsNone(s.proc.poll(), s.log_tail())
            self.assertEqual(len(replies), 1, replies)
            self.assertEqual(replies[0]["status"], 500)
            self.assertEqual(replies[0]["body"]["code"], "internal")

            dead = read_with_headers(s.topic("commands-dlq"))
            self.assertEqual(len(dead), 1, dead)
            key, value, headers = dead[0]
            self.assertEqual(key, j)
            self.assertEqual(json.loads(value)["command_id"], "crash-me-" + j)
            self.assertEqual(headers["parcours-attempts"], "3")
            self.assertEqual(headers["parcours-source-topic"], s.topic("commands"))

            # The partition goes on: a later command on the same journey succeeds.
            after = s.command(j, "RecordFollowUp", {"followup_id": "f2", "date": "2026-11-24",
                                                    "kind": "interview"}, t)
            self.assertEqual(after.status, 201, after)
            self.assertEqual(after.json["version"], 3)
            mine = [e for e in s.events() if e["subject"] == j]
            self.assertEqual([e["seq"] for e in mine], [1, 2, 3])
            self.assertNotIn("crash-me-" + j, collections.Counter(e["commandid"] for e in mine))
            metrics = s.request("GET", "/metrics").raw
            self.assertIn("parcours_commands_quarantined_total 1", metrics)
            self.assertIsNone(s.proc.poll())
        finally:
            s.cleanup()


if __name__ == "__main__":
    unittest.main()
