"""A complete IAE journey through the HTTP API on the real broker (JOURNEY §3), with the state
checked at each step, and a second journey that hits the PASS waiting period."""
import datetime
import unittest

from harness import Stack, person


def d(delta):
    return (datetime.date.today() + datetime.timedelta(days=delta)).isoformat()


def months_after(iso, n):
    y, m, dd = map(int, iso.split("-"))
    m0 = m - 1 + n
    y, m = y + m0 // 12, m0 % 12 + 1
    last = [31, 29 if y % 4 == 0 and (y % 100 or y % 400 == 0) else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
    return f"{y:04d}-{m:02d}-{min(dd, last):02d}"


class CompleteJourney(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.s = s = Stack().start()
        s.register("ft-annecy", "prescriber", prescriber_kind="FT")
        s.register("ml-annecy", "prescriber", prescriber_kind="ML")
        s.register("asso-74", "orienteur")
        for org in ("ei-a", "ei-b", "ei-c"):
            s.register(org, "siae", siae_kind="EI")
        cls.tok = {o: s.token("user-" + o, org=o) for o in
                   ("ft-annecy", "ml-annecy", "asso-74", "ei-a", "ei-b", "ei-c")}

    @classmethod
    def tearDownClass(cls):
        cls.s.cleanup()

    def send(self, j, org, type_, data, expect=201):
        r = self.s.command(j, type_, data, self.tok[org])
        self.assertEqual(r.status, expect, f"{type_} by {org}: {r}")
        return r

    def state(self, j, r, org="ft-annecy"):
        q = self.s.journey(j, self.tok[org], min_version=r.json["version"])
        self.assertEqual(q.status, 200, q)
        return q.json

    def test_complete_journey(self):
        j = "complete-1"
        hire_start = d(-400)
        before = d(-410)
        r = self.send(j, "asso-74", "OpenJourney", {"person": person(), "department": "74"})
        self.assertEqual(self.state(j, r, "asso-74")["status"], "open")
        r = self.send(j, "asso-74", "RecordAccompanimentDiagnosis",
                      {"diagnosis_id": "a1", "date": before, "barriers": ["mobility", "housing"],
                       "recommended_path": "iae"})
        # The prescriber meets the person and joins the journey before it acts on it.
        self.s.join(j, self.tok["ft-annecy"])
        # An orienteur may orient but never establish eligibility (seed004:L722-729).
        no = self.s.command(j, "MakeEligibilityDiagnosis", {"diagnosis_id": "e0", "date": before, "criteria": []},
                            self.tok["asso-74"])
        self.assertEqual((no.status, no.json["code"]), (403, "not_habilitated"))
        r = self.send(j, "ft-annecy", "MakeEligibilityDiagnosis",
                      {"diagnosis_id": "e1", "date": before, "criteria": ["RSA"]})
        st = self.state(j, r)
        self.assertEqual([x["kind"] for x in st["diagnoses"]], ["accompaniment", "eligibility"])
        self.assertEqual(st["diagnoses"][1]["valid_until"], (datetime.date.fromisoformat(months_after(before, 6)) - datetime.timedelta(days=1)).isoformat())

        for cid, siae in (("c1", "ei-a"), ("c2", "ei-b"), ("c3", "ei-c")):
            r = self.send(j, "ft-annecy", "SubmitCandidature", {"candidature_id": cid, "siae_org": siae, "date": before})
        r = self.send(j, "ei-a", "RefuseCandidature", {"candidature_id": "c1", "reason": "no_position",
                                                       "shared_with_job_seeker": True})
        st = self.state(j, r)
        self.assertEqual({c["candidature_id"]: c["state"] for c in st["candidatures"]},
                         {"c1": "refused", "c2": "new", "c3": "new"})
        # Only the target SIAE may accept (ei-b received c2: it is involved).
        other = self.s.command(j, "AcceptCandidature", {"candidature_id": "c3", "hiring_start": hire_start,
                                                        "hiring_end": months_after(hire_start, 20),
                                                        "contract": {"type": "CDDI", "weekly_hours": 26}},
                               self.tok["ei-b"])
        self.assertEqual((other.status, other.json["code"]), (403, "forbidden"))
        r = self.send(j, "ei-c", "AcceptCandidature", {"candidature_id": "c3", "hiring_start": hire_start,
                                                       "hiring_end": months_after(hire_start, 20),
                                                       "contract": {"type": "CDDI", "weekly_hours": 26}})
        types = [e["type"] for e in r.json["events"]]
        self.assertIn("pass.issued", types)
        self.assertIn("candidature.obsoleted", types)
        st = self.state(j, r)
        self.assertEqual({c["candidature_id"]: c["state"] for c in st["candidatures"]},
                         {"c1": "refused", "c2": "obsolete", "c3": "accepted"})
        self.assertEqual(st["status"], "in_parcours")
        pass_ = st["pass"]
        self.assertEqual(pass_["start"], hire_start)
        self.assertEqual(pass_["end"], d(-400 + 729))
        self.assertEqual(st["contracts"][0]["type"], "CDDI")

        r = self.send(j, "ei-c", "StartPmsmp", {"pmsmp_id": "m1", "host": {"siret": "73282932000074", "name": "Boulangerie"},
                                                "objective": "discover", "start": d(-30), "end": d(-26), "weekly_hours": 35})
        r = self.send(j, "ei-c", "EndPmsmp", {"pmsmp_id": "m1", "date": d(-26), "outcome": "completed"})
        st = self.state(j, r)
        self.assertEqual(st["pmsmps"][0]["status"], "ended")
        r = self.send(j, "ei-c", "StartTraining", {"training_id": "t1", "kind": "qualifying", "title": "CACES",
                                                   "provider": "AFPA", "start": d(-60), "planned_end": d(30), "hours": 120})
        st = self.state(j, r)
        self.assertEqual(st["trainings"][0]["status"], "ongoing")

        r = self.send(j, "ei-c", "SuspendPass", {"suspension_id": "s1", "start": d(-20), "end": d(-11),
                                                 "reason": "CONTRACT_SUSPENDED"})
        st = self.state(j, r)
        self.assertEqual(st["pass"]["end"], d(-400 + 729 + 10), "a 10-day suspension moves the end by 10 days")
        self.assertEqual(len(st["pass"]["suspensions"]), 1)

        new_end = d(-400 + 729 + 10 + 200)
        r = self.send(j, "ei-c", "ProlongPass", {"prolongation_id": "p1", "reason": "RQTH", "end": new_end,
                                                 "prescriber_org": "ft-annecy"})
        self.assertEqual([e["type"] for e in r.json["events"]], ["pass.prolongation_requested"])
        st = self.state(j, r)
        self.assertEqual(st["pass"]["prolongations"][0]["status"], "pending")
        # Only the requested prescriber decides; to another, not involved, the journey does not
        # exist; involved, it is refused.
        no = self.s.command(j, "DecideProlongation", {"prolongation_id": "p1", "decision": "granted"}, self.tok["ml-annecy"])
        self.assertEqual((no.status, no.json["code"]), (404, "not_found"))
        self.s.join(j, self.tok["ml-annecy"])
        no = self.s.command(j, "DecideProlongation", {"prolongation_id": "p1", "decision": "granted"}, self.tok["ml-annecy"])
        self.assertEqual((no.status, no.json["code"]), (403, "forbidden"))
        r = self.send(j, "ft-annecy", "DecideProlongation", {"prolongation_id": "p1", "decision": "granted"})
        st = self.state(j, r)
        self.assertEqual(st["pass"]["prolongations"][0]["status"], "granted")
        self.assertEqual(st["pass"]["end"], new_end)

        r = self.send(j, "ei-c", "RecordExit", {"contract_id": "c3", "date": d(-1),
                                                "destination": {"kind": "cdd", "contract_months": 8}})
        st = self.state(j, r)
        self.assertEqual(st["status"], "exited")
        self.assertEqual(st["exits"][0]["category"], "durable")
        self.assertTrue(st["exits"][0]["counted"])
        self.assertEqual(st["contracts"][0]["status"], "ended")
        v = self.s.request("GET", f"/v1/journeys/{j}/verify", token=self.tok["ft-annecy"])
        self.assertTrue(v.json["ok"])
        self.assertEqual(v.json["events"], st["version"])

    def test_waiting_period(self):
        j = "waiting-1"
        first = d(-1100)
        self.send(j, "ft-annecy", "OpenJourney", {"person": person(birth="1985-01-01"), "department": "74"})
        self.send(j, "ft-annecy", "MakeEligibilityDiagnosis", {"diagnosis_id": "e1", "date": d(-1110), "criteria": ["RSA"]})
        self.send(j, "ft-annecy", "SubmitCandidature", {"candidature_id": "c1", "siae_org": "ei-a", "date": d(-1110)})
        self.send(j, "ei-a", "AcceptCandidature", {"candidature_id": "c1", "hiring_start": first,
                                                   "hiring_end": months_after(first, 12),
                                                   "contract": {"type": "CDDI", "weekly_hours": 26}})
        r = self.send(j, "ei-a", "RecordExit", {"contract_id": "c1", "date": d(-1100 + 300),
                                                "destination": {"kind": "unemployed"}})
        st = self.state(j, r)
        last_pass = st["pass"] or st["past_passes"][-1]
        self.assertLess(last_pass["end"], d(-300), "the first PASS ended about a year ago")
        # The PASS ended about a year ago: within the 2-year waiting period an orienteur may not
        # orient the person (les-emplois WAITING_PERIOD_YEARS).
        self.s.join(j, self.tok["asso-74"], person(birth="1985-01-01"))
        r = self.s.command(j, "SubmitCandidature", {"candidature_id": "c2", "siae_org": "ei-b", "date": d(0)},
                           self.tok["asso-74"])
        self.assertEqual((r.status, r.json["code"]), (422, "pass.waiting_period"), r)
        # A habilitated prescriber may.
        self.send(j, "ft-annecy", "SubmitCandidature", {"candidature_id": "c2", "siae_org": "ei-b", "date": d(0)})

    def test_deadlines_refuse_stale_candidatures(self):
        # JOURNEY §3.9: a candidature left new for 60 days is refused with reason auto, by the
        # service itself, through the command path; running it twice changes nothing.
        j = "stale-1"
        self.send(j, "ft-annecy", "OpenJourney", {"person": person(), "department": "74"})
        self.send(j, "ft-annecy", "SubmitCandidature", {"candidature_id": "old", "siae_org": "ei-a", "date": d(-61)})
        r = self.send(j, "ft-annecy", "SubmitCandidature", {"candidature_id": "young", "siae_org": "ei-b", "date": d(-59)})
        admin = self.s.admin()
        for _ in range(2):
            k = self.s.request("POST", "/v1/admin/deadlines", {"day": d(0)}, admin)
            self.assertEqual(k.status, 202, k)
        q = self.s.journey(j, self.tok["ft-annecy"], min_version=r.json["version"] + 1)
        self.assertEqual(q.status, 200, q)
        states = {c["candidature_id"]: (c["state"], c["refusal_reason"]) for c in q.json["candidatures"]}
        self.assertEqual(states, {"old": ("refused", "auto"), "young": ("new", None)})
        evs = self.s.request("GET", f"/v1/journeys/{j}/events", token=admin).json["events"]
        refusals = [e for e in evs if e["type"] == "candidature.refused"]
        self.assertEqual(len(refusals), 1)
        self.assertEqual(refusals[0]["actor"], "system")


if __name__ == "__main__":
    unittest.main()
