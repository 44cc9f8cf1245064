"""Trust (JOURNEY §3.1, §6; ARCHITECTURE §3): no command stops a partition, involvement is
earned with a proof of identity, outsiders meet the 404 of an unknown id, free text is sealed
and goes with the erasure, identity reads are logged before they are served, tokens are checked
for their issuer and audience."""
import glob
import json
import os
import re
import threading
import time
import unittest
import uuid

from harness import PrivateBroker, Stack, person

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))

NIR = "277037512345692"
PERSON = person(first="Hélène", last="Le Bœuf-Dürr", birth="1977-03-14", nir=NIR)
NOTE = "Mme L. dit avoir peur de perdre son logement (note-91c4)"


def metric(text, name, **labels):
    """The value of one sample of a Prometheus text exposition (0 if absent)."""
    for line in text.splitlines():
        if not line.startswith(name):
            continue
        m = re.match(r"([a-z_]+)(\{[^}]*\})? (\S+)", line)
        if not m or m.group(1) != name:
            continue
        got = dict(re.findall(r'(\w+)="([^"]*)"', m.group(2) or ""))
        if all(got.get(k) == v for k, v in labels.items()):
            return float(m.group(3))
    return 0.0


class Trust(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.s = s = Stack(extra_env={"PARCOURS_TEST_THROW_ON_KEY": "boom-",
                                     "PARCOURS_PROOF_LIMIT": "6",
                                     "PARCOURS_KAFKA_PROPS": "compression.type=none",
                                     "PARCOURS_ROCKSDB_COMPRESSION": "none",
                                     "PARCOURS_MIN_VERSION_WAIT_MS": "2000"}).start()
        for org, kind, extra in [("ft-annecy", "prescriber", {"prescriber_kind": "FT"}),
                                 ("ft-lyon", "prescriber", {"prescriber_kind": "FT", "department": "69"}),
                                 ("ml-annecy", "prescriber", {"prescriber_kind": "ML"}),
                                 ("ei-1", "siae", {"siae_kind": "EI"}),
                                 ("ei-2", "siae", {"siae_kind": "EI"}),
                                 ("ei-3", "siae", {"siae_kind": "EI"})]:
            s.register(org, kind, **extra)
        cls.t = {o: s.token("u-" + o, org=o) for o in
                 ("ft-annecy", "ft-lyon", "ml-annecy", "ei-1", "ei-2", "ei-3")}
        cls.t["admin"] = s.admin()

    @classmethod
    def tearDownClass(cls):
        cls.s.cleanup()

    def open(self, who="ft-annecy", p=PERSON):
        j = "tr-" + uuid.uuid4().hex[:8]
        r = self.s.command(j, "OpenJourney", {"person": p, "department": "74"}, self.t[who])
        self.assertEqual(r.status, 201, r)
        return j

    # --- No command stops a partition (ARCHITECTURE §3, KIP-1033)
    def test_poison_command_is_answered_and_the_partition_goes_on(self):
        s, ft = self.s, self.t["ft-annecy"]
        j = self.open()
        pid = s.proc.pid
        # 63 ASCII bytes and a two-byte character: a detail cut at 64 bytes once broke the
        # reply's encoding and, with it, the process at every start.
        r = s.command(j, "MakeEligibilityDiagnosis",
                      {"diagnosis_id": "d1", "date": "2026-11-02", "criteria": ["A" * 63 + "é"]}, ft)
        self.assertEqual((r.status, r.json["code"]), (400, "malformed"), r)
        self.assertNotIn("A" * 20, r.json["detail"], "the client's text is not echoed")
        json.loads(r.raw)  # valid JSON, valid UTF-8
        r = s.command(j, "MakeEligibilityDiagnosis", {"diagnosis_id": "d1", "date": "2026-11-02",
                                                      "criteria": ["RSA"]}, ft)
        self.assertEqual(r.status, 201, r)
        self.assertEqual(s.proc.poll(), None)
        self.assertEqual(s.proc.pid, pid)

    def test_a_command_that_throws_is_answered_500_and_counted(self):
        s, ft = self.s, self.t["ft-annecy"]
        j = self.open()
        before = metric(s.request("GET", "/metrics").raw, "parcours_commands_failed_total",
                        type="RecordFollowUp")
        key = "boom-" + uuid.uuid4().hex
        f = {"followup_id": "f1", "date": "2026-11-20", "kind": "interview"}
        r = s.command(j, "RecordFollowUp", f, ft, key=key)
        self.assertEqual((r.status, r.json["code"]), (500, "internal"), r)
        # Not remembered: the same key is decided again (and fails again), never replayed.
        r = s.command(j, "RecordFollowUp", f, ft, key=key)
        self.assertEqual((r.status, r.json["code"]), (500, "internal"), r)
        after = metric(s.request("GET", "/metrics").raw, "parcours_commands_failed_total",
                       type="RecordFollowUp")
        self.assertEqual(after - before, 2)
        # Nothing was appended; the next command on the same journey succeeds.
        r = s.command(j, "RecordFollowUp", f, ft)
        self.assertEqual((r.status, r.json["version"]), (201, 2), r)
        self.assertEqual(s.proc.poll(), None)
        log = s.log_tail(20000)
        self.assertIn('"command failed"', log)
        self.assertIn(key, log, "logged with the command id")
        self.assertNotIn("interview", log.split('"command failed"')[1][:400], "no data in the log")

    # --- Involvement is earned (JOURNEY §3.1, §6)
    def test_self_enrolment_is_refused_at_each_step(self):
        s, lyon = self.s, self.t["ft-lyon"]
        j = self.open()
        unknown = s.journey("tr-unknown-" + uuid.uuid4().hex[:6], lyon)
        self.assertEqual(unknown.status, 404)
        r = s.command(j, "RecordAccompanimentDiagnosis",
                      {"diagnosis_id": "a1", "date": "2026-11-20", "barriers": [], "recommended_path": "iae"},
                      lyon)
        self.assertEqual((r.status, r.raw), (404, unknown.raw))
        r = s.command(j, "RecordConsent", {"scope": "share_identity", "org": "ft-lyon", "given": True,
                                           "date": "2026-11-20"}, lyon)
        self.assertEqual((r.status, r.raw), (404, unknown.raw))
        r = s.journey(j, lyon, min_version=1)
        self.assertEqual((r.status, r.raw), (404, unknown.raw))
        # Even with a true proof, joining does not hand over the identity.
        r = s.command(j, "JoinJourney", {"proof": {"nir": NIR}}, lyon)
        self.assertEqual(r.status, 201, r)
        r = s.command(j, "RecordConsent", {"scope": "share_identity", "org": "ft-lyon", "given": True,
                                           "date": "2026-11-20"}, lyon)
        self.assertEqual((r.status, r.json["code"]), (403, "forbidden"), r)
        r = s.journey(j, lyon, min_version=2)
        self.assertEqual(r.status, 200, r)
        self.assertIsNone(r.json["person"])

    def test_join_by_nir_or_by_name_in_any_case_and_accents(self):
        s = self.s
        j = self.open()
        unknown = s.command("tr-nobody-" + uuid.uuid4().hex[:6], "JoinJourney", {"proof": {"nir": NIR}},
                            self.t["ml-annecy"])
        self.assertEqual(unknown.status, 404, unknown)
        wrong = s.command(j, "JoinJourney", {"proof": {"nir": "190017512345655"}}, self.t["ml-annecy"])
        self.assertEqual((wrong.status, wrong.raw), (404, unknown.raw), "a wrong proof is an unknown id")
        wrong = s.command(j, "JoinJourney", {"proof": {"last_name": "le boeuf durr", "first_name": "helene",
                                                       "birth_date": "1977-03-15"}}, self.t["ml-annecy"])
        self.assertEqual((wrong.status, wrong.raw), (404, unknown.raw))
        r = s.command(j, "JoinJourney", {"proof": {"last_name": "LE BOEUF DURR", "first_name": "helene",
                                                   "birth_date": "1977-03-14"}}, self.t["ml-annecy"])
        self.assertEqual(r.status, 201, r)
        self.assertEqual([e["type"] for e in r.json["events"]], ["journey.joined"])
        r = s.command(j, "JoinJourney", {"proof": {"nir": NIR}}, self.t["ei-1"])
        self.assertEqual(r.status, 201, r)
        self.assertEqual(s.journey(j, self.t["ei-1"], min_version=r.json["version"]).status, 200)
        # Nothing of the proof is stored: the event holds the organisation and the kind only.
        joined = [e for e in s.events() if e["subject"] == j and e["type"] == "journey.joined"]
        self.assertEqual(sorted(e["data"]["proof_kind"] for e in joined), ["name_and_birth_date", "nir"])
        for e in joined:
            self.assertNotIn(NIR, json.dumps(e))
            self.assertNotIn("1977-03-14", json.dumps(e))
            # Not even the year, outside the hex digests and ids (where "1977" may come by chance).
            digests = {"hash", "prevhash", "commandid", "id", "subject"}
            self.assertNotIn("1977", json.dumps({k: v for k, v in e.items() if k not in digests}))

    def test_a_read_waiting_for_the_version_that_involves_its_reader_is_answered(self):
        s, ei2 = self.s, self.t["ei-2"]
        j = self.open()
        unknown = s.journey("tr-nobody-" + uuid.uuid4().hex[:6], ei2)
        self.assertEqual(unknown.status, 404)
        # ei-2 is not involved at version 1: it may wait for version 2, its own join.
        waiting = {}
        reader = threading.Thread(target=lambda: waiting.update(r=s.journey(j, ei2, min_version=2)))
        reader.start()
        time.sleep(0.5)
        r = s.command(j, "JoinJourney", {"proof": {"nir": NIR}}, ei2)
        self.assertEqual((r.status, r.json["version"]), (201, 2), r)
        reader.join()
        self.assertEqual(waiting["r"].status, 200, waiting["r"])
        self.assertEqual(waiting["r"].json["version"], 2)
        # A wait that runs out tells an outsider nothing: the 404 of an unknown id, whether the
        # journey exists or not; only a reader of the journey learns the read model is late.
        for journey in (j, "tr-nobody-" + uuid.uuid4().hex[:6]):
            r = s.journey(journey, self.t["ei-3"], min_version=50)
            self.assertEqual((r.status, r.raw), (404, unknown.raw), journey)
        r = s.journey(j, ei2, min_version=50)
        self.assertEqual((r.status, r.json["code"]), (504, "timeout"), r)

    def test_lookup_finds_the_journey_from_a_proof_until_the_erasure(self):
        s = self.s
        p = person(first="Aïcha", last="N'Diaye", birth="1988-08-08", nir="288087512345621")
        j = self.open(p=p)
        ei3 = self.t["ei-3"]
        deadline = time.time() + 10
        r = None
        while time.time() < deadline:  # the index follows the keys topic
            r = s.request("POST", "/v1/journeys/lookup",
                          {"proof": {"last_name": "n diaye", "first_name": "AICHA", "birth_date": "1988-08-08"}},
                          ei3)
            if r.status == 200:
                break
            time.sleep(0.2)
        self.assertEqual((r.status, r.json["journey_id"]), (200, j), r)
        r = s.request("POST", "/v1/journeys/lookup", {"proof": {"nir": "288087512345621"}}, ei3)
        self.assertEqual((r.status, r.json["journey_id"]), (200, j), r)
        # Finding is not joining.
        self.assertEqual(s.journey(j, ei3).status, 404)
        r = s.command(j, "EraseIdentity", {"reason": "droit à l'effacement"}, self.t["admin"])
        self.assertEqual(r.status, 201, r)
        deadline = time.time() + 10
        while time.time() < deadline:
            r = s.request("POST", "/v1/journeys/lookup", {"proof": {"nir": "288087512345621"}}, ei3)
            if r.status == 404:
                break
            time.sleep(0.2)
        self.assertEqual(r.status, 404, "the erasure drops the lookup index")
        # Each lookup is in the access log of the journey it found (projected by a reader of its
        # own, a fetch behind the acknowledgement at most).
        found, deadline = False, time.time() + 10
        while not found and time.time() < deadline:
            log = s.request("GET", f"/v1/journeys/{j}/access-log", token=self.t["admin"])
            found = any(e["what"] == "lookup" and e["org"] == "ei-3" for e in log.json["reads"])
            if not found:
                time.sleep(0.2)
        self.assertTrue(found, log)

    def test_failed_proofs_are_rate_limited_per_organisation(self):
        s, ei2 = self.s, self.t["ei-2"]
        j = self.open()
        statuses = [s.command(j, "JoinJourney", {"proof": {"nir": "190017512345655"}}, ei2).status
                    for _ in range(8)]
        self.assertIn(429, statuses, statuses)
        self.assertEqual(statuses[0], 404)
        # Even a true proof now waits: the organisation has no attempt left.
        r = s.command(j, "JoinJourney", {"proof": {"nir": NIR}}, ei2)
        self.assertEqual((r.status, r.json["code"]), (429, "rate_limited"), r)
        # Another organisation has its own budget.
        r = s.command(j, "JoinJourney", {"proof": {"nir": NIR}}, self.t["ml-annecy"])
        self.assertIn(r.status, (200, 201), r)

    # --- Reads of personal data are logged first (JOURNEY §6)
    def test_an_identity_is_served_only_once_its_read_is_logged(self):
        s, ft = self.s, self.t["ft-annecy"]
        j = self.open()
        r = s.journey(j, ft, min_version=1)
        self.assertEqual(r.json["person"]["last_name"], PERSON["last_name"])
        # The entry was acknowledged before the answer: it is on the topic now.
        entries = [json.loads(v) for (_, _, k, v) in s.read_topic("access-log") if k == j]
        self.assertTrue(any(e["what"] == "state" and e.get("identity") for e in entries), entries)

    # --- Free text is sealed (JOURNEY §6)
    def test_a_note_is_sealed_everywhere_and_goes_with_the_erasure(self):
        s, ft = self.s, self.t["ft-annecy"]
        j = self.open()
        r = s.command(j, "RecordFollowUp", {"followup_id": "f1", "date": "2026-11-20", "kind": "interview",
                                            "notes": NOTE}, ft)
        self.assertEqual(r.status, 201, r)
        shown = s.journey(j, ft, min_version=r.json["version"])
        self.assertEqual(shown.json["followup_notes"], [{"followup_id": "f1", "notes": NOTE}])
        for topic in ("commands", "journey-events", "replies", "keys", "access-log"):
            for (_, _, _, v) in s.read_topic(topic):
                self.assertNotIn("note-91c4", v or "", topic)
        r = s.command(j, "EraseIdentity", {"reason": "demande de Mme L."}, self.t["admin"])
        self.assertEqual(r.status, 201, r)
        after = s.journey(j, ft, min_version=r.json["version"])
        self.assertNotIn("note-91c4", after.raw)
        self.assertTrue(s.request("GET", f"/v1/journeys/{j}/verify", token=ft).json["ok"])
        self.assertEqual(s.run("audit", "verify", check=False).returncode, 0)
        for (_, _, _, v) in s.read_topic("journey-events"):
            self.assertNotIn("Mme L.", v or "")
        # And not in RocksDB's files (uncompressed in this stack), once flushed by a clean stop.
        s.stop()
        for f in glob.glob(os.path.join(s.data_dir, "**", "*"), recursive=True):
            if os.path.isfile(f):
                with open(f, "rb") as fh:
                    self.assertNotIn(b"note-91c4", fh.read(), f)
        s.start()


class IdentityReadsNeedTheAccessLog(unittest.TestCase):
    """JOURNEY §6: a read that returns the identity is served only once its access-log entry is
    acknowledged; with the broker gone it is 503, and the identity is not shown."""

    def test_503_when_the_read_cannot_be_logged(self):
        broker = PrivateBroker()
        s = Stack(extra_env={"PARCOURS_KAFKA_BROKERS": broker.address})
        try:
            s.start()
            s.register("ft-annecy", "prescriber", prescriber_kind="FT")
            s.register("ei-1", "siae", siae_kind="EI")
            ft, ei = s.token("u", org="ft-annecy"), s.token("v", org="ei-1")
            j = "al-1"
            self.assertEqual(s.command(j, "OpenJourney", {"person": PERSON, "department": "74"}, ft).status, 201)
            r = s.command(j, "SubmitCandidature", {"candidature_id": "c1", "siae_org": "ei-1",
                                                   "date": "2026-11-02"}, ft)
            self.assertEqual(r.status, 201, r)
            ok = s.journey(j, ft, min_version=r.json["version"])
            self.assertEqual(ok.json["person"]["last_name"], PERSON["last_name"])
            self.assertEqual(s.journey(j, ei).status, 200)
            broker.stop()
            started = time.time()
            r = s.journey(j, ft)
            self.assertEqual((r.status, r.json["code"]), (503, "unavailable"), r)
            self.assertNotIn(PERSON["last_name"], r.raw)
            self.assertLess(time.time() - started, 15)
            # A read that shows no identity is answered at once, and logged when it can be.
            r = s.journey(j, ei)
            self.assertEqual(r.status, 200, r)
            self.assertIsNone(r.json["person"])
        finally:
            if s.proc and s.proc.poll() is None:
                s.kill9()
            broker.remove()


class TokenIssuerAndAudience(unittest.TestCase):
    def test_iss_and_aud_are_checked_when_configured(self):
        s = Stack(extra_env={"PARCOURS_JWT_ISSUER": "https://idp.example", "PARCOURS_JWT_AUDIENCE": "parcours"})
        s.start()
        try:
            s.register("ft-annecy", "prescriber", prescriber_kind="FT")
            now = int(time.time())
            base = {"sub": "a", "org": "ft-annecy", "exp": now + 300}
            path = "/v1/organizations/ft-annecy"
            ok = s.sign({**base, "iss": "https://idp.example", "aud": ["other", "parcours"]})
            self.assertEqual(s.request("GET", path, token=ok).status, 200)
            for name, claims in [("no iss", {**base, "aud": "parcours"}),
                                 ("other iss", {**base, "iss": "https://evil.example", "aud": "parcours"}),
                                 ("no aud", {**base, "iss": "https://idp.example"}),
                                 ("other aud", {**base, "iss": "https://idp.example", "aud": "other"}),
                                 ("aud not a string", {**base, "iss": "https://idp.example", "aud": 7})]:
                r = s.request("GET", path, token=s.sign(claims))
                self.assertEqual((r.status, r.json["code"]), (401, "unauthenticated"), name)
        finally:
            s.cleanup()


if __name__ == "__main__":
    unittest.main()
