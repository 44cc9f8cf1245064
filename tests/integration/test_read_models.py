"""Read models, queries, audit replay and subscribers (ARCHITECTURE §4, JOURNEY §4)."""
import datetime
import json
import os
import subprocess
import time
import unittest
import uuid

from confluent_kafka import Producer

from harness import BROKERS, Stack, person


def day(delta):
    return (datetime.date.today() + datetime.timedelta(days=delta)).isoformat()


def hire(s, j, prescriber_token, siae_token, siae, start_delta, months=6, cid="c1"):
    """Opens journey j, diagnoses it, sends a candidature to `siae` and hires from today+start_delta."""
    start = datetime.date.today() + datetime.timedelta(days=start_delta)
    diag = (start - datetime.timedelta(days=10)).isoformat()
    end_month = start.month - 1 + months
    end = datetime.date(start.year + end_month // 12, end_month % 12 + 1, min(start.day, 28))
    r = s.command(j, "OpenJourney", {"person": person(), "department": "74"}, prescriber_token)
    assert r.status == 201, r
    r = s.command(j, "MakeEligibilityDiagnosis", {"diagnosis_id": "d1", "date": diag, "criteria": ["RSA"]}, prescriber_token)
    assert r.status == 201, r
    r = s.command(j, "SubmitCandidature", {"candidature_id": cid, "siae_org": siae, "date": diag}, prescriber_token)
    assert r.status == 201, r
    r = s.command(j, "AcceptCandidature", {"candidature_id": cid, "hiring_start": start.isoformat(),
                                           "hiring_end": end.isoformat(),
                                           "contract": {"type": "CDDI", "weekly_hours": 26}}, siae_token)
    assert r.status == 201, r
    return r


class ReadModels(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.s = s = Stack().start()
        s.register("ft-annecy", "prescriber", prescriber_kind="FT")
        s.register("spip-74", "prescriber", prescriber_kind="SPIP")
        s.register("ei-ind", "siae", siae_kind="EI")
        s.register("ei-inbox", "siae", siae_kind="EI")
        s.register("ddets-74", "ddets")
        cls.ft = s.token("alice", org="ft-annecy")
        cls.ei = s.token("bob", org="ei-ind")
        cls.inbox = s.token("carol", org="ei-inbox")
        cls.admin = s.admin()

    @classmethod
    def tearDownClass(cls):
        cls.s.cleanup()

    def test_exit_indicators_on_a_hand_computed_scenario(self):
        s = self.s
        # (destination, presence): long = hired 300 days ago, short = 40 days ago (< 3 months).
        scenario = [
            ({"kind": "cdi"}, "long"),                                  # durable, counted
            ({"kind": "cdd", "contract_months": 8}, "long"),            # durable, counted
            ({"kind": "cdd", "contract_months": 3}, "long"),            # transition, counted
            ({"kind": "aided_contract"}, "long"),                       # transition, counted
            ({"kind": "qualifying_training"}, "long"),                  # positive, counted
            ({"kind": "unemployed"}, "long"),                           # negative, counted
            ({"kind": "inactive"}, "long"),                             # negative, counted
            ({"kind": "long_sick_leave"}, "long"),                      # neutralised, never counted
            ({"kind": "cdi"}, "short"),                                 # durable, not counted
            ({"kind": "unemployed"}, "short"),                          # negative, not counted
        ]
        exit_day = day(-2)
        for i, (dest, presence) in enumerate(scenario):
            j = f"x-{i}"
            hire(s, j, self.ft, self.ei, "ei-ind", -300 if presence == "long" else -40, months=12)
            r = s.command(j, "RecordExit", {"contract_id": "c1", "date": exit_day, "destination": dest}, self.ei)
            self.assertEqual(r.status, 201, r)
        year = exit_day[:4]
        r = s.request("GET", f"/v1/indicators/siae/ei-ind/exits?year={year}", token=self.ei)
        for _ in range(50):
            if r.status == 200 and sum(r.json["counts"].values()) == 10:
                break
            time.sleep(0.1)
            r = s.request("GET", f"/v1/indicators/siae/ei-ind/exits?year={year}", token=self.ei)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["counts"], {"durable": 3, "transition": 2, "positive": 1,
                                            "negative": 3, "neutralised": 1})
        self.assertEqual(r.json["counted"], 7)
        self.assertAlmostEqual(r.json["dynamic_rate"], 5 / 7)
        # Another SIAE may not read them; the DDETS of the department may.
        self.assertEqual(s.request("GET", f"/v1/indicators/siae/ei-ind/exits?year={year}", token=self.inbox).status, 403)
        self.assertEqual(s.request("GET", f"/v1/indicators/siae/ei-ind/exits?year={year}",
                                   token=s.token("d", org="ddets-74")).status, 200)
        # The prescriber made 10 diagnoses, all used by a hire.
        p = s.request("GET", "/v1/indicators/prescribers/ft-annecy", token=self.ft)
        self.assertEqual(p.status, 200, p)
        self.assertGreaterEqual(p.json["eligibility_diagnoses"], 10)
        self.assertEqual(p.json["hires"], p.json["eligibility_diagnoses"])

    def test_business_gauges_on_metrics(self):
        # A stack of its own, so the figures are exactly this scenario's.
        s = Stack(partitions=2, extra_env={"PARCOURS_BUSINESS_GAUGES_MS": "200"}).start()
        try:
            s.register("ft-g", "prescriber", prescriber_kind="FT")
            s.register("ei-g", "siae", siae_kind="EI")
            s.register("ei-g2", "siae", siae_kind="EI")
            ft, ei = s.token("alice", org="ft-g"), s.token("bob", org="ei-g")
            hire(s, "g-1", ft, ei, "ei-g", -300, months=12)
            hire(s, "g-2", ft, ei, "ei-g", -100, months=12)
            r = s.command("g-1", "RecordExit", {"contract_id": "c1", "date": day(0),
                                                "destination": {"kind": "cdi"}}, ei)
            self.assertEqual(r.status, 201, r)
            # Waiting: sent 40 days ago and never answered; a recent one is not counted.
            for cid, siae, sent in (("w1", "ei-g", day(-40)), ("w2", "ei-g2", day(-5))):
                r = s.command("g-2", "SubmitCandidature", {"candidature_id": cid, "siae_org": siae,
                                                           "date": sent}, ft)
                self.assertEqual(r.status, 201, r)
            want = {
                'parcours_pass_iae{state="valid"}': 2.0,
                'parcours_pass_iae{state="suspended"}': 0.0,
                'parcours_candidatures_waiting_over_30_days': 1.0,
                f'parcours_exits{{category="durable",year="{day(0)[:4]}"}}': 1.0,
                f'parcours_exits{{category="negative",year="{day(0)[:4]}"}}': 0.0,
                f'parcours_exits_counted{{year="{day(0)[:4]}"}}': 1.0,
                f'parcours_exits_dynamic_rate{{year="{day(0)[:4]}"}}': 1.0,
            }
            got = {}
            for _ in range(100):
                text = s.request("GET", "/metrics").raw
                got = {}
                for line in text.splitlines():
                    if line.startswith("#") or " " not in line:
                        continue
                    name, value = line.rsplit(" ", 1)
                    got[name] = float(value)
                if all(got.get(k) == v for k, v in want.items()):
                    break
                time.sleep(0.1)
            for k, v in want.items():
                self.assertEqual(got.get(k), v, k)
        finally:
            s.cleanup()

    def test_inbox_pagination_returns_every_candidature_once(self):
        s = self.s
        expected = set()
        for i in range(23):
            j = f"in-{i}"
            self.assertEqual(s.command(j, "OpenJourney", {"person": person(), "department": "74"}, self.ft).status, 201)
            r = s.command(j, "SubmitCandidature", {"candidature_id": "c1", "siae_org": "ei-inbox", "date": day(0)}, self.ft)
            self.assertEqual(r.status, 201, r)
            expected.add((j, "c1"))
        # Refuse three, so a state filter has something to filter.
        for i in range(3):
            r = s.command(f"in-{i}", "RefuseCandidature", {"candidature_id": "c1", "reason": "no_position",
                                                           "shared_with_job_seeker": True}, self.inbox)
            self.assertEqual(r.status, 201, r)
        s.journey("in-2", self.inbox, min_version=3)
        seen = []
        cursor = None
        pages = 0
        while True:
            q = "/v1/organizations/ei-inbox/candidatures?limit=5" + (f"&cursor={cursor}" if cursor else "")
            r = s.request("GET", q, token=self.inbox)
            self.assertEqual(r.status, 200, r)
            seen += [(i["journey_id"], i["candidature_id"]) for i in r.json["items"]]
            pages += 1
            cursor = r.json["next_cursor"]
            if not cursor:
                break
        self.assertEqual(len(seen), len(set(seen)), "a candidature was returned twice")
        self.assertEqual(set(seen), expected)
        self.assertEqual(pages, 5)
        refused = s.request("GET", "/v1/organizations/ei-inbox/candidatures?state=refused", token=self.inbox)
        self.assertEqual(len(refused.json["items"]), 3)
        self.assertTrue(all(i["refusal_reason"] == "no_position" for i in refused.json["items"]))
        r = s.request("GET", "/v1/indicators/siae/ei-inbox/refusals", token=self.inbox)
        self.assertEqual(r.json["reasons"], {"no_position": 3})
        # The sender's outbox holds them too; another organisation may not read the inbox.
        out = s.request("GET", "/v1/organizations/ft-annecy/candidatures?limit=500", token=self.ft)
        self.assertTrue(expected <= {(i["journey_id"], i["candidature_id"]) for i in out.json["items"]})
        self.assertEqual(s.request("GET", "/v1/organizations/ei-inbox/candidatures", token=self.ei).status, 403)

    def test_as_of_before_and_after_a_hire(self):
        s = self.s
        j = "asof-" + uuid.uuid4().hex[:6]
        hired = hire(s, j, self.ft, self.ei, "ei-ind", -5)
        # The reply comes once the events are committed; the read model follows shortly after.
        self.assertEqual(s.journey(j, self.admin, min_version=hired.json["version"]).status, 200)
        evs = s.request("GET", f"/v1/journeys/{j}/events", token=self.admin).json["events"]
        submitted = next(e for e in evs if e["type"] == "candidature.submitted")
        before = s.journey(j, self.ei, as_of=submitted["time"])
        self.assertEqual(before.status, 200, before)
        self.assertIsNone(before.json["pass"])
        self.assertEqual(before.json["version"], submitted["seq"])
        self.assertEqual(before.json["candidatures"][0]["state"], "new")
        after = s.journey(j, self.ei, as_of=evs[-1]["time"])
        self.assertIsNotNone(after.json["pass"])
        self.assertEqual(after.json["pass"]["status"], "valid")
        self.assertEqual(len(after.json["pass"]["number"]), 12)
        # PASS by number and by end date.
        number = after.json["pass"]["number"]
        p = s.request("GET", f"/v1/passes/{number}", token=self.ei)
        self.assertEqual(p.json["journey_id"], j)
        stranger = s.request("GET", f"/v1/passes/{number}", token=self.inbox)
        self.assertEqual(stranger.status, 200)
        self.assertNotIn("journey_id", stranger.json)
        end = after.json["pass"]["end"]
        ending = s.request("GET", f"/v1/passes?ending_before={day(800)}&limit=500", token=self.admin)
        self.assertIn(number, [i["number"] for i in ending.json["items"]])
        early = s.request("GET", f"/v1/passes?ending_before={end}&limit=500", token=self.admin)
        self.assertNotIn(number, [i["number"] for i in early.json["items"]])
        self.assertEqual(s.request("GET", f"/v1/passes?ending_before={end}", token=self.ei).status, 403)
        before_open = s.journey(j, self.ei, as_of="2000-01-01T00:00:00Z")
        self.assertEqual(before_open.status, 404)

    def test_rebuilt_digest_equals_live_digest(self):
        s = self.s
        # A little of everything, then compare once the live projector has caught up.
        j = "mix-" + uuid.uuid4().hex[:6]
        hire(s, j, self.ft, self.ei, "ei-ind", -100)
        s.command(j, "RecordFollowUp", {"followup_id": "f1", "date": day(0), "kind": "interview"}, self.ei)
        total = len(s.events())
        deadline = time.time() + 60
        while time.time() < deadline:
            live = s.request("GET", "/v1/admin/digest", token=self.admin).json
            if live["events"] == total:
                break
            time.sleep(0.2)
        out = os.path.join(s.tmp, "rebuild-" + uuid.uuid4().hex[:6])
        rebuilt = json.loads(s.run("rebuild", "--out", out).stdout)
        self.assertEqual(rebuilt["events"], total)
        self.assertEqual(rebuilt["digest"], live["digest"])


class Audit(unittest.TestCase):
    def test_audit_verify_detects_a_forged_event_and_a_gap(self):
        s = Stack(partitions=2).start()
        try:
            s.register("ft-annecy", "prescriber", prescriber_kind="FT")
            t = s.token("alice", org="ft-annecy")
            for j in ("a-1", "a-2"):
                self.assertEqual(s.command(j, "OpenJourney", {"person": person(), "department": "74"}, t).status, 201)
                self.assertEqual(s.command(j, "RecordFollowUp", {"followup_id": "f1", "date": day(0), "kind": "interview"}, t).status, 201)
            ok = s.run("audit", "verify", check=False)
            self.assertEqual(ok.returncode, 0, ok.stdout + ok.stderr)
            self.assertTrue(json.loads(ok.stdout)["ok"])
            timeline = s.run("audit", "journey", "a-1")
            self.assertIn("followup.recorded", timeline.stdout)
            self.assertIn("chain: intact", timeline.stdout)

            events = {(e["subject"], e["seq"]): e for e in s.events()}
            # A forger rewrites a-1's follow-up kind and keeps the old hash.
            forged = dict(events[("a-1", 2)])
            forged["data"] = dict(forged["data"], kind="referral")
            forged["seq"] = 3
            forged["prevhash"] = events[("a-1", 2)]["hash"]
            # And a-2 jumps from seq 2 to seq 4 with a correctly hashed event.
            gap = dict(events[("a-2", 2)], seq=4, prevhash=events[("a-2", 2)]["hash"])
            from harness import event_hash
            gap["hash"] = event_hash(gap)
            p = Producer({"bootstrap.servers": BROKERS})
            for e in (forged, gap):
                p.produce(s.topic("journey-events"), key=e["subject"], value=json.dumps(e))
            p.flush(10)

            bad = s.run("audit", "verify", check=False)
            self.assertEqual(bad.returncode, 1, bad.stdout + bad.stderr)
            report = json.loads(bad.stdout)
            self.assertFalse(report["ok"])
            kinds = {(b["stream"], b["seq"], b["kind"]) for b in report["breaks"]}
            self.assertIn(("a-1", 3, "hash_mismatch"), kinds)
            self.assertIn(("a-2", 4, "seq_gap"), kinds)
            for b in report["breaks"]:
                self.assertIn("offset", b)
                self.assertIn("partition", b)
            self.assertNotEqual(s.run("audit", "journey", "a-1", check=False).returncode, 0)
        finally:
            s.cleanup()


if __name__ == "__main__":
    unittest.main()
