"""A client Parcours does not share code with (Python's confluent_kafka and jsonschema) consumes
the events topic from the beginning and validates every record against events/schemas."""
import glob
import json
import os
import unittest

from confluent_kafka import Consumer, TopicPartition
import jsonschema

from harness import BROKERS, Stack, person, verify_chain

SCHEMAS = os.path.join(os.path.dirname(__file__), "../../events/schemas")


def unique_keys(pairs):
    """A schema with a key twice means different things to different parsers: refuse it."""
    keys = [k for k, _ in pairs]
    duplicated = sorted({k for k in keys if keys.count(k) > 1})
    if duplicated:
        raise ValueError(f"duplicate keys {duplicated}")
    return dict(pairs)


def load_schemas():
    out = {}
    for path in glob.glob(os.path.join(SCHEMAS, "*.json")):
        name = os.path.basename(path)[: -len(".json")]
        with open(path) as f:
            out[name] = json.load(f, object_pairs_hook=unique_keys)
    return out


class ForeignSubscriber(unittest.TestCase):
    def test_every_record_validates_against_the_catalogue(self):
        s = Stack(partitions=3).start()
        try:
            s.register("ft-annecy", "prescriber", prescriber_kind="FT")
            s.register("ei-sub", "siae", siae_kind="EI")
            t = s.token("alice", org="ft-annecy")
            ei = s.token("bob", org="ei-sub")
            for i in range(5):
                j = f"sub-{i}"
                assert s.command(j, "OpenJourney", {"person": person(), "department": "74"}, t).status == 201
                assert s.command(j, "MakeEligibilityDiagnosis", {"diagnosis_id": "d1", "date": "2026-11-02",
                                                                 "criteria": ["RSA"]}, t).status == 201
                assert s.command(j, "SubmitCandidature", {"candidature_id": "c1", "siae_org": "ei-sub",
                                                          "date": "2026-11-02"}, t).status == 201
                r = s.command(j, "AcceptCandidature", {"candidature_id": "c1", "hiring_start": "2026-11-03",
                                                       "hiring_end": "2027-05-02",
                                                       "contract": {"type": "CDDI", "weekly_hours": 26}}, ei)
                assert r.status == 201, r
                assert s.command(j, "RecordFollowUp", {"followup_id": "f1", "date": "2026-11-20",
                                                       "kind": "interview"}, ei).status == 201

            schemas = load_schemas()
            envelope = jsonschema.Draft7Validator(schemas["cloudevent.v1"],
                                                  format_checker=jsonschema.FormatChecker())
            c = Consumer({"bootstrap.servers": BROKERS, "group.id": "foreign-subscriber",
                          "isolation.level": "read_committed", "auto.offset.reset": "earliest",
                          "enable.auto.commit": False, "enable.partition.eof": True})
            topic = s.topic("journey-events")
            c.subscribe([topic])
            seen, eof, by_journey = 0, set(), {}
            while len(eof) < 3:
                m = c.poll(10)
                self.assertIsNotNone(m, "the subscriber stalled")
                if m.error():
                    if m.error().code() == -191:
                        eof.add(m.partition())
                        continue
                    self.fail(str(m.error()))
                event = json.loads(m.value())
                envelope.validate(event)
                name = f"{event['type']}.v1"
                self.assertIn(name, schemas, f"no schema for {event['type']}")
                jsonschema.Draft7Validator(schemas[name], format_checker=jsonschema.FormatChecker()).validate(event["data"])
                self.assertEqual(event["dataschema"], f"urn:parcours:event:{event['type']}:v1")
                self.assertEqual(m.key().decode(), event["subject"])
                by_journey.setdefault(event["subject"], []).append(event)
                seen += 1
            c.close()
            # 5 journeys x journey.opened, eligibility.diagnosed, candidature.submitted,
            # candidature.accepted, pass.issued, contract.started, followup.recorded.
            self.assertEqual(seen, 5 * 7)
        finally:
            s.cleanup()
        for j, evs in by_journey.items():
            self.assertEqual(verify_chain(evs), [], j)


if __name__ == "__main__":
    unittest.main()
