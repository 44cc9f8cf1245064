"""Privacy and security (JOURNEY §6, ARCHITECTURE §5): tokens, the read matrix, nothing in
clear on disk, crypto-shredding, the access log, the rate limit."""
import base64
import glob
import json
import os
import time
import unittest
import uuid

from harness import KAFKA_DATA, Stack, person

# A person whose every field is easy to find in raw bytes.
SECRET_PERSON = person(first="Zephyrine", last="Quatremarezz", birth="1977-03-14",
                       nir="277037512345692", france_travail_id="FTX98765Q",
                       email="zephyrine.q@example.org", phone="+33 6 12 34 56 78")
NEEDLES = [b"Zephyrine", b"Quatremarezz", b"1977-03-14", b"277037512345692", b"FTX98765Q",
           b"zephyrine.q@example.org", b"+33 6 12 34 56 78"]
MARKER = "CLEAR-MARKER-7f3e"  # stored in clear on purpose (a job title): the scan must see it
NOTE = "note about Mme Q., sealed-7f3e"  # free text: sealed like the identity (JOURNEY §6)
NEEDLES.append(NOTE.encode())


def scan(paths, needle):
    hits = []
    for root in paths:
        for f in glob.glob(os.path.join(root, "**", "*"), recursive=True):
            if os.path.isfile(f):
                with open(f, "rb") as fh:
                    if needle in fh.read():
                        hits.append(f)
    return hits


class Security(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # No compression anywhere, so that the raw-bytes scan means something.
        cls.s = s = Stack(extra_env={"PARCOURS_KAFKA_PROPS": "compression.type=none",
                                     "PARCOURS_ROCKSDB_COMPRESSION": "none"}).start()
        s.register("ft-annecy", "prescriber", prescriber_kind="FT")
        s.register("ml-annecy", "prescriber", prescriber_kind="ML")
        s.register("spip-74", "prescriber", prescriber_kind="SPIP")
        s.register("ei-in", "siae", siae_kind="EI")
        s.register("ei-out", "siae", siae_kind="EI")
        s.register("ddets-74", "ddets")
        s.register("ddets-73", "ddets", department="73")
        s.register("igas", "auditor", department="75")
        cls.t = {o: s.token("u-" + o, org=o) for o in
                 ("ft-annecy", "ml-annecy", "spip-74", "ei-in", "ei-out", "ddets-74", "ddets-73", "igas")}
        cls.t["admin"] = s.admin()
        j = cls.j = "sec-1"
        assert s.command(j, "OpenJourney", {"person": SECRET_PERSON, "department": "74"}, cls.t["ft-annecy"]).status == 201
        assert s.command(j, "MakeEligibilityDiagnosis", {"diagnosis_id": "e1", "date": "2026-11-02",
                                                         "criteria": ["RSA", "PSH_PR"]}, cls.t["ft-annecy"]).status == 201
        # The SPIP meets the person and joins with the NIR before it orients her.
        assert s.command(j, "JoinJourney", {"proof": {"nir": SECRET_PERSON["nir"]}}, cls.t["spip-74"]).status == 201
        assert s.command(j, "SubmitCandidature", {"candidature_id": "c1", "siae_org": "ei-in", "date": "2026-11-02",
                                                  "job_title": MARKER},
                         cls.t["spip-74"]).status == 201
        r = s.command(j, "RecordFollowUp", {"followup_id": "f1", "date": "2026-11-20", "kind": "interview",
                                             "notes": NOTE}, cls.t["ft-annecy"])
        assert r.status == 201, r
        cls.version = r.json["version"]

    @classmethod
    def tearDownClass(cls):
        cls.s.cleanup()

    def read(self, who, **params):
        return self.s.journey(self.j, self.t[who], min_version=self.version, **params)

    # --- tokens
    def test_tokens(self):
        s = self.s
        now = int(time.time())
        path = f"/v1/journeys/{self.j}"
        for name, token in [("none", None), ("garbage", "not.a.jwt"),
                            ("wrong key", s.sign({"sub": "a", "org": "ft-annecy", "exp": now + 60}, "x" * 40)),
                            ("expired", s.sign({"sub": "a", "org": "ft-annecy", "exp": now - 300})),
                            ("not yet valid", s.sign({"sub": "a", "org": "ft-annecy", "exp": now + 900, "nbf": now + 600})),
                            ("no exp", s.sign({"sub": "a", "org": "ft-annecy"}))]:
            r = s.request("GET", path, token=token)
            self.assertEqual((r.status, r.json["code"]), (401, "unauthenticated"), name)
        r = s.request("GET", path, token=s.token("eve", org="unregistered"))
        self.assertEqual((r.status, r.json["code"]), (403, "forbidden"))
        s.register("gone", "prescriber", prescriber_kind="FT")
        gone = s.token("g", org="gone")
        self.assertEqual(s.org_command("gone", "DeactivateOrganization", {}, key="deact-gone").status, 201)
        deadline = time.time() + 10
        while time.time() < deadline:
            r = s.request("GET", path, token=gone)
            if r.status == 403:
                break
            time.sleep(0.2)
        self.assertEqual((r.status, r.json["code"]), (403, "forbidden"))
        # The admin role counts for the platform organisation only (`parcours token` names it).
        self.assertEqual(s.request("GET", path, token=s.token("root", roles=["admin"])).status, 200)
        # Roles are claims, not rights: an SIAE's token claiming admin or auditor reads nothing
        # more than the SIAE, and the journey does not exist for it.
        for role in ("admin", "auditor", "ddets"):
            r = s.request("GET", path, token=s.token("mallory", org="ei-out", roles=[role]))
            self.assertEqual((r.status, r.json["code"]), (404, "not_found"), role)
        self.assertEqual(s.request("POST", "/v1/organizations/x2/commands",
                                   {"type": "RegisterOrganization", "data": {"name": "x", "kind": "ddets",
                                                                              "department": "74"}},
                                   s.token("mallory", org="ei-out", roles=["admin"]),
                                   {"Idempotency-Key": "mallory-1"}).status, 403)
        # A header whose alg is not a string is a bad token (401), not a failure of the server.
        head = base64.urlsafe_b64encode(json.dumps({"alg": 256, "typ": "JWT"}).encode()).rstrip(b"=").decode()
        body = base64.urlsafe_b64encode(json.dumps({"sub": "a", "org": "ft-annecy", "exp": now + 60}).encode()).rstrip(b"=").decode()
        r = s.request("GET", path, token=f"{head}.{body}.c2ln")
        self.assertEqual((r.status, r.json["code"]), (401, "unauthenticated"))

    # --- who reads what (JOURNEY §6)
    def test_read_matrix(self):
        ft = self.read("ft-annecy")  # author of OpenJourney
        self.assertEqual(ft.status, 200)
        self.assertEqual(ft.json["person"]["last_name"], "Quatremarezz")
        self.assertEqual(ft.json["diagnoses"][0]["criteria"], ["RSA", "PSH_PR"])
        self.assertEqual(ft.json["candidatures"][0]["sender_org"], "OTHER", "SPIP is sensitive")
        # Free text is opened for those who read its part.
        self.assertEqual(ft.json["followup_notes"], [{"followup_id": "f1", "notes": NOTE}])

        # Outsiders: the journey does not exist for them (JOURNEY §6), byte for byte.
        unknown = self.s.journey("no-such-journey", self.t["ml-annecy"])
        self.assertEqual((unknown.status, unknown.json["code"]), (404, "not_found"))
        for who in ("ei-out", "ml-annecy", "ddets-73"):
            r = self.read(who)
            self.assertEqual((r.status, r.raw), (404, unknown.raw), who)
            for sub in ("events", "verify", "access-log"):
                r = self.s.request("GET", f"/v1/journeys/{self.j}/{sub}", token=self.t[who])
                self.assertEqual((r.status, r.raw), (404, unknown.raw), (who, sub))

        ei = self.read("ei-in")  # involved SIAE, no consent yet
        self.assertEqual(ei.status, 200)
        self.assertIsNone(ei.json["person"])
        self.assertNotIn("criteria", ei.json["diagnoses"][0])
        self.assertEqual(ei.json["candidatures"][0]["sender_org"], "OTHER")

        for who in ("ddets-74", "igas", "admin"):
            r = self.read(who)
            self.assertEqual(r.status, 200, who)
            self.assertEqual(r.json["person"]["first_name"], "Zephyrine", who)
            self.assertEqual(r.json["diagnoses"][0]["criteria"], ["RSA", "PSH_PR"], who)
            self.assertEqual(r.json["candidatures"][0]["sender_org"], "spip-74", who)
            self.assertEqual(self.s.request("GET", f"/v1/journeys/{self.j}/events", token=self.t[who]).status, 200, who)
        self.assertEqual(self.s.request("GET", f"/v1/journeys/{self.j}/events", token=self.t["ft-annecy"]).status, 403)

        # The person consents to share with the SIAE; then withdraws the identity.
        s = self.s
        for scope in ("share_identity", "share_diagnosis"):
            r = s.command(self.j, "RecordConsent", {"scope": scope, "org": "ei-in", "given": True, "date": "2026-11-21"},
                          self.t["ft-annecy"])
            self.assertEqual(r.status, 201, r)
        ei = s.journey(self.j, self.t["ei-in"], min_version=r.json["version"])
        self.assertEqual(ei.json["person"]["last_name"], "Quatremarezz")
        self.assertEqual(ei.json["diagnoses"][0]["criteria"], ["RSA", "PSH_PR"])
        r = s.command(self.j, "RecordConsent", {"scope": "share_identity", "org": "*", "given": False, "date": "2026-11-22"},
                      self.t["ft-annecy"])
        self.assertEqual(r.status, 201, r)
        ei = s.journey(self.j, self.t["ei-in"], min_version=r.json["version"])
        self.assertIsNone(ei.json["person"])
        self.assertEqual(ei.json["diagnoses"][0]["criteria"], ["RSA", "PSH_PR"])

    # --- nothing in clear
    def test_nothing_in_clear_on_disk(self):
        s = self.s
        self.read("admin")  # the projector has caught up
        # A clean stop flushes the read models' memtables to files (they have no WAL).
        s.stop()
        topic_dirs = glob.glob(os.path.join(KAFKA_DATA, s.prefix + "*"))
        self.assertTrue(topic_dirs, f"no topic directories under {KAFKA_DATA}")
        roots = topic_dirs + [s.data_dir]
        # Positive control: text stored in clear on purpose is found in both places.
        marker_hits = scan(roots, MARKER.encode())
        self.assertTrue(any(KAFKA_DATA in h for h in marker_hits), "the scan cannot see Kafka's segments")
        self.assertTrue(any(s.data_dir in h for h in marker_hits), "the scan cannot see RocksDB's files")
        for needle in NEEDLES:
            self.assertEqual(scan(roots, needle), [], f"{needle!r} found in clear")
        s.start()

    # --- access log
    def test_every_read_appears_once_in_the_access_log(self):
        s = self.s
        j = "acc-" + uuid.uuid4().hex[:6]
        r = s.command(j, "OpenJourney", {"person": person(), "department": "74"}, self.t["ft-annecy"])
        s.journey(j, self.t["ft-annecy"], min_version=1)
        reads = [("ft-annecy", f"/v1/journeys/{j}", "state", True),
                 ("ft-annecy", f"/v1/journeys/{j}?as_of=2030-01-01T00:00:00Z", "as_of", True),
                 ("ft-annecy", f"/v1/journeys/{j}/verify", "verify", True),
                 ("ei-out", f"/v1/journeys/{j}", "state", False),
                 ("igas", f"/v1/journeys/{j}/events", "events", True),
                 ("ddets-74", f"/v1/journeys/{j}", "state", True)]
        for who, path, _, _ in reads:
            s.request("GET", path, token=self.t[who])
        expected = sorted([("u-" + who, what, allowed) for who, _, what, allowed in reads] +
                          [("u-ft-annecy", "state", True)])  # the min_version read above
        got = []
        deadline = time.time() + 20
        while time.time() < deadline:
            log = s.request("GET", f"/v1/journeys/{j}/access-log", token=self.t["igas"])
            self.assertEqual(log.status, 200, log)
            got = [e for e in log.json["reads"] if e["what"] != "access_log"]
            if len(got) >= len(expected):
                break
            time.sleep(0.3)
        self.assertEqual(sorted((e["sub"], e["what"], e["allowed"]) for e in got), expected)
        self.assertEqual(len({e["read_id"] for e in got}), len(got))
        self.assertEqual(s.request("GET", f"/v1/journeys/{j}/access-log", token=self.t["ft-annecy"]).status, 403)


class Erasure(unittest.TestCase):
    def test_erase_identity(self):
        s = Stack().start()
        try:
            s.register("ft-annecy", "prescriber", prescriber_kind="FT")
            t = s.token("alice", org="ft-annecy")
            j = "erase-1"
            self.assertEqual(s.command(j, "OpenJourney", {"person": SECRET_PERSON, "department": "74"}, t).status, 201)
            self.assertEqual(s.command(j, "RecordFollowUp", {"followup_id": "f1", "date": "2026-11-20", "kind": "interview"}, t).status, 201)
            self.assertEqual(s.journey(j, t, min_version=2).json["person"]["first_name"], "Zephyrine")
            # Only an admin erases.
            self.assertEqual(s.command(j, "EraseIdentity", {"reason": "request of the person"}, t).status, 403)
            r = s.command(j, "EraseIdentity", {"reason": "request of the person"}, s.admin())
            self.assertEqual(r.status, 201, r)
            self.assertEqual([e["type"] for e in r.json["events"]], ["journey.identity_erased"])
            after = s.journey(j, t, min_version=r.json["version"])
            self.assertIsNone(after.json["person"])
            self.assertEqual(after.json["status"], "erased")
            self.assertEqual(s.journey(j, s.admin()).json["person"], None, "not even an admin")
            # The rest stays auditable: the chain verifies, the timeline replays.
            self.assertTrue(s.request("GET", f"/v1/journeys/{j}/verify", token=t).json["ok"])
            self.assertEqual(s.run("audit", "verify", check=False).returncode, 0)
            # The key's last record is a tombstone.
            keys = [(k, v) for (_, _, k, v) in s.read_topic("keys") if k == j]
            self.assertGreaterEqual(len(keys), 2)
            self.assertIsNone(keys[-1][1])
            # A replica rebuilt from offset 0 does not bring the identity back.
            s.stop()
            s.data_dir = os.path.join(s.tmp, "fresh-replica")
            s.start()
            rebuilt = s.journey(j, s.admin(), min_version=r.json["version"])
            self.assertEqual(rebuilt.status, 200, rebuilt)
            self.assertIsNone(rebuilt.json["person"])
            self.assertEqual(rebuilt.json["followups"], 1)
        finally:
            s.cleanup()


class RateLimit(unittest.TestCase):
    def test_429_beyond_the_rate(self):
        s = Stack(extra_env={"PARCOURS_RATE_LIMIT": "5", "PARCOURS_RATE_BURST": "5"})
        s.start()
        try:
            s.register("ft-annecy", "prescriber", prescriber_kind="FT")
            t = s.token("alice", org="ft-annecy")
            statuses = [s.request("GET", "/v1/organizations/ft-annecy", token=t).status for _ in range(12)]
            self.assertIn(429, statuses)
            self.assertEqual(statuses[0], 200)
            r = s.request("GET", "/v1/organizations/ft-annecy", token=t)
            if r.status == 429:
                self.assertEqual(r.json["code"], "rate_limited")
                self.assertEqual(r.headers.get("Retry-After"), "1")
            # Another token has its own budget.
            self.assertEqual(s.request("GET", "/v1/organizations/ft-annecy", token=s.token("bob", org="ft-annecy")).status, 200)
        finally:
            s.cleanup()


if __name__ == "__main__":
    unittest.main()
