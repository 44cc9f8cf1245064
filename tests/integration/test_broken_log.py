"""A broken invariant of the log stops that partition loudly, not the service (ARCHITECTURE §3-§4,
projections/chain_link.h): an event whose seq skips ahead is not skipped; the read models and
the processor stop its partition at that record, with a metric holding its offset, and every
other partition goes on."""
import json
import re
import time
import unittest
import uuid

from confluent_kafka import Producer

from harness import BROKERS, Stack, person


def gauge(metrics, name, partition):
    m = re.search(r'^%s\{partition="%d"\} (\S+)$' % (name, partition), metrics, re.M)
    return float(m.group(1)) if m else None


class BrokenLog(unittest.TestCase):
    def test_a_seq_gap_stops_its_partition_with_its_offset(self):
        s = Stack(partitions=2, extra_env={"PARCOURS_REPLY_TIMEOUT_MS": "3000"})
        try:
            s.start()
            s.register("ft-annecy", "prescriber", prescriber_kind="FT")
            t = s.token("alice", org="ft-annecy")
            partition_of = {}
            for i in range(20):
                j = f"j-{i}-{uuid.uuid4().hex[:6]}"
                self.assertEqual(s.command(j, "OpenJourney", {"person": person(), "department": "74"}, t).status, 201)
            for (p, _, key, value) in s.read_topic("journey-events"):
                partition_of.setdefault(key, (p, json.loads(value)))
            broken = next(j for j, (p, _) in partition_of.items() if p == 0)
            healthy = next(j for j, (p, _) in partition_of.items() if p == 1)

            # Someone writes seq 3 of `broken` where seq 2 should come.
            envelope = dict(partition_of[broken][1], seq=3, id=f"{broken}.3", prevhash="f" * 64)
            prod = Producer({"bootstrap.servers": BROKERS})
            prod.produce(s.topic("journey-events"), key=broken, value=json.dumps(envelope), partition=0)
            prod.flush(10)
            offset = s.end_offsets("journey-events")[0] - 1

            deadline = time.time() + 20
            while time.time() < deadline:
                metrics = s.request("GET", "/metrics").raw
                if gauge(metrics, "parcours_projector_halted_partition_offset", 0) is not None:
                    break
                time.sleep(0.3)
            self.assertEqual(gauge(metrics, "parcours_projector_halted_partition_offset", 0), offset)
            self.assertIn('parcours_projector_invariant_breaks_total{kind="seq_gap"} 1', metrics)

            # The processor meets it when it catches up (a restart).
            self.assertEqual(s.stop(), 0)
            s.start()
            metrics = s.request("GET", "/metrics").raw
            self.assertEqual(gauge(metrics, "parcours_processor_halted_partition_offset", 0), offset)
            self.assertIn('parcours_processor_invariant_breaks_total{kind="seq_gap"} 1', metrics)
            followup = {"followup_id": "f", "date": "2026-11-23", "kind": "interview"}
            ok = s.command(healthy, "RecordFollowUp", followup, t)
            self.assertEqual(ok.status, 201, ok)
            stuck = s.command(broken, "RecordFollowUp", followup, t)
            self.assertEqual(stuck.status, 504, stuck)
            self.assertIsNone(s.proc.poll())
            self.assertIn("broken invariant", s.log_tail(20000))
        finally:
            s.cleanup()


if __name__ == "__main__":
    unittest.main()
