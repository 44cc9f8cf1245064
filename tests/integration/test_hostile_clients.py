"""No input stops the service (ARCHITECTURE §3, JOURNEY §5, §6), over the whole path.

A storm of careless and hostile requests against `parcours serve` on the real broker: every
route of the API, every command type (and made-up ones), valid commands with fields replaced by
random JSON, tokens of every kind of organisation, forged and none, broken HTTP on raw sockets.
Each request is drawn from a seeded generator (PARCOURS_STORM_SEED to replay one storm).
tests/run.sh also runs it against the ASan/UBSan build of `parcours`, where a memory error or
undefined behaviour on any of these paths stops the server and fails the test.

What must hold:
- every well-formed HTTP request gets an answer, and none is a 500: an input that breaks the
  code is a bug even though the processor would answer it and go on;
- every refusal is a bare problem+json document, and none repeats the personal data or free
  text the request carried;
- the server's log never holds them either;
- afterwards the server is alive and ready, and a new journey on every partition is opened and
  followed up at once: no partition was stopped.
"""
import http.client
import json
import os
import random
import socket
import threading
import time
import unittest
import uuid

from harness import Stack, person

SEED = int(os.environ.get("PARCOURS_STORM_SEED", "20261208"))
REQUESTS_PER_CLIENT = int(os.environ.get("PARCOURS_STORM_REQUESTS", "250"))
CLIENTS = 4
PARTITIONS = 4

# Personal data and free text the storm sends; a refusal or a log line holding one leaks it.
MARKERS = ["Zorglub-7c1e", "Quenotte-51aa", "193-storm-note-0d"]

COMMAND_TYPES = [
    "OpenJourney", "JoinJourney", "RecordConsent", "RecordAccompanimentDiagnosis",
    "MakeEligibilityDiagnosis", "SubmitCandidature", "ProcessCandidature", "PostponeCandidature",
    "RefuseCandidature", "AcceptCandidature", "CancelHire", "SuspendPass", "EndPassSuspension",
    "ProlongPass", "DecideProlongation", "RenewContract", "SuspendContract", "EndContract",
    "StartPmsmp", "EndPmsmp", "StartTraining", "EndTraining", "RecordExit", "RecordFollowUp",
    "EraseIdentity", "ApplyDeadlines", "Teleport", "", "openjourney", "OpenJourney\u0000",
]

ORG_COMMAND_TYPES = ["RegisterOrganization", "UpdateOrganization", "DeactivateOrganization",
                     "GrantHabilitation", "Nope"]

TEMPLATES = {
    "OpenJourney": {"person": person(first=MARKERS[0], last=MARKERS[1]), "department": "74"},
    "JoinJourney": {"proof": {"last_name": MARKERS[1], "first_name": MARKERS[0],
                              "birth_date": "1990-04-02"}},
    "RecordConsent": {"consent_id": "k1", "date": "2026-11-02", "purpose": "accompaniment"},
    "MakeEligibilityDiagnosis": {"diagnosis_id": "e1", "date": "2026-11-02",
                                 "criteria": ["RSA", "PSH_PR"]},
    "SubmitCandidature": {"candidature_id": "c1", "siae_org": "ei-1", "date": "2026-11-02",
                          "job_title": MARKERS[2]},
    "RefuseCandidature": {"candidature_id": "c1", "reason": "no_position", "date": "2026-11-03"},
    "AcceptCandidature": {"candidature_id": "c1", "hiring_start": "2026-11-10",
                          "contract_id": "k1", "contract_type": "CDDI"},
    "StartPmsmp": {"pmsmp_id": "m1", "host": {"siret": "73282932000074", "name": "Boulangerie"},
                   "start": "2026-11-04", "end": "2026-11-10"},
    "SuspendPass": {"suspension_id": "s1", "start": "2026-11-04", "end": "2026-11-20",
                    "reason": "sickness"},
    "DecideProlongation": {"prolongation_id": "p1", "decision": "granted"},
    "RecordExit": {"contract_id": "k1", "date": "2026-11-30", "category": "emploi_durable"},
    "RecordFollowUp": {"followup_id": "f1", "date": "2026-11-23", "kind": "interview",
                       "notes": MARKERS[2]},
}

GET_ROUTES = [
    "/v1/journeys/{j}", "/v1/journeys/{j}/events", "/v1/journeys/{j}/verify",
    "/v1/journeys/{j}/access-log", "/v1/organizations/{o}", "/v1/organizations/{o}/candidatures",
    "/v1/passes/{p}", "/v1/passes", "/v1/indicators/siae/{o}/exits",
    "/v1/indicators/siae/{o}/refusals", "/v1/indicators/prescribers/{o}", "/v1/admin/digest",
    "/healthz", "/readyz", "/v1/nowhere", "/", "/v1/journeys/", "/v1/journeys/{j}/commands",
]

QUERY_NAMES = ["min_version", "as_of", "limit", "after", "status", "from", "to", "department",
               "cursor", "q", "min_version[]", "as_of%00"]


def random_scalar(rng):
    return rng.choice([
        None, True, False, 0, -1, 2**63, -(2**63) - 1, 1e308, 3.5, "", " ", "x" * 5000,
        "2026-02-30", "2026-11-23", "9999-99-99", "0000-01-01", "\u0000", "\ud83d\ude00",
        "\\ud800", "é" * 300, "<script>", "../../etc/passwd", "%00", "NaN", "Infinity",
        rng.choice(MARKERS), str(rng.random()),
    ])


def random_json(rng, depth=0):
    r = rng.random()
    if depth > 3 or r < 0.55:
        return random_scalar(rng)
    if r < 0.75:
        return [random_json(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    if r < 0.8:
        return deep(rng.randint(100, 3000))
    return {rng.choice(["a", "person", "date", "", "id", MARKERS[0]]): random_json(rng, depth + 1)
            for _ in range(rng.randint(0, 4))}


def deep(n):
    v = []
    for _ in range(n):
        v = [v]
    return v


def mutate(rng, data):
    """A command's data with fields removed, added or replaced by random JSON."""
    try:
        data = json.loads(json.dumps(data))
    except RecursionError:  # nested past what json copies: sent as it is
        return data
    for _ in range(rng.choice([0, 0, 1, 2, 3])):
        keys = list(data) if isinstance(data, dict) else []
        op = rng.random()
        if keys and op < 0.4:
            data[rng.choice(keys)] = random_json(rng)
        elif keys and op < 0.6:
            del data[rng.choice(keys)]
        elif op < 0.8:
            data[rng.choice(["extra", "person", "notes", "date", "x" * 300])] = random_json(rng)
        elif keys:
            k = rng.choice(keys)
            if isinstance(data[k], dict) and data[k]:
                data[k][rng.choice(list(data[k]))] = random_json(rng)
    if rng.random() < 0.05:
        return random_json(rng)
    return data


def journey_id(rng, known):
    return rng.choice([
        rng.choice(known), rng.choice(known), "st-" + uuid.UUID(int=rng.getrandbits(128)).hex[:10],
        "", "a" * 2000, "..", "%2e%2e", "j%00x", "é-journey", "j/../../admin", "j?x=1", "%ZZ",
    ])


class HostileClients(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.s = s = Stack(partitions=PARTITIONS).start()
        for org, kind, extra in [("ft-annecy", "prescriber", {"prescriber_kind": "FT"}),
                                 ("ml-annecy", "prescriber", {"prescriber_kind": "ML"}),
                                 ("asso-74", "orienteur", {}),
                                 ("ei-1", "siae", {"siae_kind": "EI"}),
                                 ("ddets-74", "ddets", {}),
                                 ("igas", "auditor", {"department": "75"})]:
            s.register(org, kind, **extra)
        cls.tokens = [s.token("u-" + o, org=o) for o in
                      ("ft-annecy", "ml-annecy", "asso-74", "ei-1", "ddets-74", "igas")]
        cls.tokens += [s.admin(), s.token("eve", org="nowhere"), s.token("nobody"), None,
                       "not.a.jwt", Stack().token("mallory", org="ft-annecy"),
                       s.token("late", org="ft-annecy", ttl=-60)]
        cls.known = []
        for i in range(6):
            j = f"st-known-{i}"
            r = s.command(j, "OpenJourney", TEMPLATES["OpenJourney"], cls.tokens[0])
            assert r.status == 201, r
            cls.known.append(j)

    @classmethod
    def tearDownClass(cls):
        cls.s.cleanup()

    # --- one request of each family; each returns (description, status, headers, body) or
    # None for a raw exchange whose answer is checked where it is made.
    def journey_command(self, rng):
        if rng.random() < 0.4:
            return self.careless_command(rng)
        t = rng.choice(COMMAND_TYPES)
        data = mutate(rng, TEMPLATES.get(t, TEMPLATES[rng.choice(list(TEMPLATES))]))
        body = {"type": t, "data": data}
        if rng.random() < 0.1:
            try:
                body = mutate(rng, body)
            except RecursionError:  # data nested past what json.dumps copies
                pass
        headers = {}
        if rng.random() < 0.9:
            headers["Idempotency-Key"] = rng.choice([uuid.UUID(int=rng.getrandbits(128)).hex,
                                                     "", "k" * 5000, "é", "dup-key"])
        if rng.random() < 0.2:
            headers["If-Match"] = str(random_scalar(rng))[:100]
        return "POST", f"/v1/journeys/{journey_id(rng, self.known)}/commands", body, headers

    def careless_command(self, rng):
        """A well-formed command, sent whatever the journey's state, sometimes with one field
        of a plausible kind but wrong: these reach the processors' rules."""
        t = rng.choice(list(TEMPLATES))
        data = json.loads(json.dumps(TEMPLATES[t]))
        if rng.random() < 0.3:
            field = rng.choice(list(data))
            data[field] = rng.choice(["2026-13-01", "2020-01-01", "2030-01-01", "c9", "ei-2", "",
                                      "ft-annecy", "EI", "x" * 64, 0])
        j = rng.choice(self.known + [f"st-new-{rng.randint(0, 40)}"])
        return "POST", f"/v1/journeys/{j}/commands", {"type": t, "data": data}, {
            "Idempotency-Key": uuid.UUID(int=rng.getrandbits(128)).hex}

    def org_command(self, rng):
        org = rng.choice(["ft-annecy", "ei-1", "st-org-" + str(rng.randint(0, 9)), "", "é" * 40])
        body = {"type": rng.choice(ORG_COMMAND_TYPES),
                "data": mutate(rng, {"name": MARKERS[0], "kind": rng.choice(["siae", "x", 1]),
                                     "department": "74", "siae_kind": "EI"})}
        return "POST", f"/v1/organizations/{org}/commands", body, {
            "Idempotency-Key": uuid.UUID(int=rng.getrandbits(128)).hex}

    def lookup(self, rng):
        body = {"proof": mutate(rng, TEMPLATES["JoinJourney"]["proof"])}
        return "POST", "/v1/journeys/lookup", mutate(rng, body) if rng.random() < 0.2 else body, {}

    def read(self, rng):
        route = rng.choice(GET_ROUTES).format(
            j=journey_id(rng, self.known), o=rng.choice(["ft-annecy", "ei-1", "x", "é", "a" * 900]),
            p=rng.choice(["999990000001", "x", "-1", "%00"]))
        params = [(rng.choice(QUERY_NAMES), str(random_scalar(rng))[:200].replace(" ", "+"))
                  for _ in range(rng.randint(0, 3))]
        q = "&".join(f"{k}={v}" for k, v in params)
        method = rng.choice(["GET"] * 8 + ["DELETE", "PUT", "HEAD", "OPTIONS", "PATCH"])
        return method, route + ("?" + q if q else ""), None, {}

    # --- the storm
    def send(self, conn, method, path, body, headers, token):
        raw = None
        if body is not None:
            try:
                raw = json.dumps(body, ensure_ascii=False, allow_nan=True).encode("utf-8", "surrogatepass")
            except (RecursionError, ValueError):
                raw = b'{"type":'
        h = dict(headers)
        if token:
            h["Authorization"] = "Bearer " + token
        if raw is not None:
            h["Content-Type"] = "application/json"
        # A client percent-encodes what a request line cannot carry; raw_exchange sends it bare.
        target = "".join(chr(b) if 0x20 < b < 0x7f else f"%{b:02X}"
                         for b in path.encode("utf-8", "surrogatepass"))
        conn.request(method, target, body=raw,
                     headers={k: v.encode("utf-8", "surrogatepass").decode("latin-1")
                              for k, v in h.items()})
        r = conn.getresponse()
        return r.status, dict(r.getheaders()), r.read()

    def check_answer(self, what, status, headers, body, failures):
        if status >= 500 and status != 503:
            failures.append(f"{what}: {status} {body[:300]!r}")
            return
        for m in MARKERS:
            if status >= 400 and m.encode() in body:
                failures.append(f"{what}: the refusal repeats what it was sent: {body[:300]!r}")
        if status < 400 or what.startswith("HEAD"):
            return
        ctype = {k.lower(): v for k, v in headers.items()}.get("content-type", "")
        if not ctype.startswith("application/problem+json"):
            failures.append(f"{what}: {status} as {ctype!r}")
            return
        try:
            doc = json.loads(body)
        except ValueError:
            failures.append(f"{what}: {status} body is not one JSON document: {body[:300]!r}")
            return
        if set(doc) != {"type", "title", "status", "code", "detail"} or doc["status"] != status:
            failures.append(f"{what}: {status} problem {body[:300]!r}")

    def client(self, n, statuses, failures):
        try:
            self.storm(n, statuses, failures)
        except Exception as e:  # noqa: BLE001 - a client that dies is a failure of the test
            failures.append(f"client {n} stopped: {e!r}")

    def storm(self, n, statuses, failures):
        rng = random.Random(SEED * 100 + n)

        def connect():
            return http.client.HTTPConnection("127.0.0.1", self.s.port, timeout=30)
        conn = connect()
        families = [self.journey_command] * 5 + [self.read] * 3 + [self.lookup, self.org_command]
        for _ in range(REQUESTS_PER_CLIENT):
            family = rng.choice(families)
            method, path, body, headers = family(rng)
            # Half the journey commands come from the organisation that opened the known
            # journeys, so that many reach the processors' rules rather than the API's checks.
            token = self.tokens[0] if family == self.journey_command and rng.random() < 0.5 \
                else rng.choice(self.tokens)
            what = f"{method} {path[:120]}"
            try:
                status, h, b = self.send(conn, method, path, body, headers, token)
            except Exception as e:  # noqa: BLE001 - checked below
                if not isinstance(e, (http.client.HTTPException, OSError)):
                    failures.append(f"{what}: the client failed: {e!r}")
                    continue
                # A request the server refused to parse may close the connection; it must still
                # have been answered, which the raw exchanges check. Reconnect and go on.
                conn.close()
                conn = connect()
                if isinstance(e, TimeoutError):  # socket.timeout is TimeoutError
                    failures.append(f"{what}: no answer in 30 s")
                continue
            statuses[status] = statuses.get(status, 0) + 1
            self.check_answer(what, status, h, b, failures)
            if h.get("Connection", "").lower() == "close":
                conn.close()
                conn = connect()
        conn.close()

    def raw_exchange(self, rng, failures):
        """Broken HTTP: the server answers with a status line or closes, and never hangs."""
        junk = rng.choice([
            b"GARBAGE\r\n\r\n",
            b"GET / HTTP/9.9\r\n\r\n",
            b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + b"X-Long: " + b"a" * 100000 + b"\r\n\r\n",
            b"POST /v1/journeys/x/commands HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
            b"POST /v1/journeys/x/commands HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
            b"Content-Length: 7\r\n\r\nabcde",
            b"POST /v1/journeys/x/commands HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
            b"zz\r\nabc\r\n0\r\n\r\n",
            b"POST /v1/journeys/x/commands HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999\r\n\r\n{",
            b"GET /v1/journeys/\xff\xfe HTTP/1.1\r\nHost: x\r\n\r\n",
            b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /readyz HTTP/1.1\r\nHost: x\r\n\r\n",
            bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 3000))),
        ])
        try:
            with socket.create_connection(("127.0.0.1", self.s.port), timeout=5) as sock:
                sock.sendall(junk)
                try:
                    sock.shutdown(socket.SHUT_WR)
                except OSError:
                    pass
                got = b""
                deadline = time.time() + 20
                while time.time() < deadline:
                    try:
                        chunk = sock.recv(65536)
                    except socket.timeout:
                        continue
                    except ConnectionResetError:
                        break
                    if not chunk:
                        break
                    got += chunk
                else:
                    failures.append(f"raw {junk[:60]!r}: connection held open for 20 s")
                if got and not got.startswith(b"HTTP/1.1 "):
                    failures.append(f"raw {junk[:60]!r}: answered {got[:100]!r}")
                if b" 500 " in got.split(b"\r\n", 1)[0]:
                    failures.append(f"raw {junk[:60]!r}: 500")
        except OSError as e:
            failures.append(f"raw {junk[:60]!r}: {e}")

    def test_a_storm_of_bad_requests_stops_nothing(self):
        s = self.s
        statuses, failures = {}, []
        threads = [threading.Thread(target=self.client, args=(n, statuses, failures))
                   for n in range(CLIENTS)]
        rng = random.Random(SEED)
        raw = threading.Thread(target=lambda: [self.raw_exchange(rng, failures) for _ in range(60)])
        for t in threads + [raw]:
            t.start()
        for t in threads + [raw]:
            t.join(600)
        print(f"storm seed {SEED}: answers by status {dict(sorted(statuses.items()))}")
        # First, the process: under a sanitizer, a fault stops it with its report in the log.
        self.assertIsNone(s.proc.poll(), "serve stopped: " + s.log_tail(20000))
        self.assertEqual(failures[:20], [], f"{len(failures)} failures (seed {SEED})")
        self.assertGreater(sum(statuses.values()), CLIENTS * REQUESTS_PER_CLIENT // 2)
        # Some commands were accepted, so the storm went through the processors too.
        self.assertGreater(statuses.get(201, 0) + statuses.get(200, 0), 0)

        # The server is ready, and every partition takes new commands at once.
        self.assertEqual(s.request("GET", "/readyz").status, 200)
        t = self.tokens[0]
        for i in range(40):  # 40 journeys miss one of 4 partitions with odds of 1 in 25,000
            j = f"st-after-{i}-" + uuid.uuid4().hex[:6]
            r = s.command(j, "OpenJourney", {"person": person(), "department": "74"}, t, timeout=10)
            self.assertEqual(r.status, 201, r)
            r = s.command(j, "RecordFollowUp", {"followup_id": "f", "date": "2026-11-23",
                                                "kind": "interview"}, t, timeout=10)
            self.assertEqual(r.status, 201, r)

        # Nothing the storm sent of a person reached the log.
        with open(s.log_path, "rb") as f:
            log = f.read()
        for m in MARKERS:
            self.assertNotIn(m.encode(), log)


if __name__ == "__main__":
    unittest.main()
