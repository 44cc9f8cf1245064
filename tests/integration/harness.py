"""A Parcours stack for integration tests: `parcours serve` against the real broker.

Each Stack gets its own topic prefix, data directory and HTTP port, so tests never see each
other's data. Kafka is read back with an independent client (confluent_kafka, from Debian),
never through Parcours itself.
"""
import base64
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
import uuid

from confluent_kafka import Consumer, TopicPartition

BROKERS = os.environ.get("PARCOURS_TEST_BROKERS", "127.0.0.1:19092")
KAFKA_DATA = os.environ.get("PARCOURS_TEST_KAFKA_DATA",
                            os.path.join(os.path.dirname(__file__), "../../var/test-kafka/data"))
BIN = os.environ.get("PARCOURS_BIN", os.path.join(os.path.dirname(__file__), "../../build/src/cli/parcours"))
ZERO_HASH = "0" * 64


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PrivateBroker:
    """A broker of its own for a test that stops it (`deploy/local/kafka.sh` in a fresh home).

    Both its ports are chosen free, the client port and the controller port: the script's
    default controller port (client port + 1) may be in use by anything on the machine. A start
    that fails (a port taken between the choice and the bind) is tried again on new ports, and
    the last failure shows the broker's own words."""

    SCRIPT = os.path.join(os.path.dirname(__file__), "../../deploy/local/kafka.sh")

    def __init__(self, attempts=3):
        last = None
        for _ in range(attempts):
            self.port, ctrl = free_port(), free_port()
            self.home = tempfile.mkdtemp(prefix="parcours-it-broker-")
            self.env = dict(os.environ, PARCOURS_KAFKA_PORT=str(self.port),
                            PARCOURS_KAFKA_CTRL_PORT=str(ctrl), PARCOURS_KAFKA_HOME=self.home)
            last = self._run("start", timeout=300)
            if last.returncode == 0:
                return
            self._run("stop", timeout=120)
            shutil.rmtree(self.home, ignore_errors=True)
        raise RuntimeError(f"private broker did not start: {last.stdout}{last.stderr}")

    @property
    def address(self):
        return f"127.0.0.1:{self.port}"

    def _run(self, verb, timeout):
        return subprocess.run([self.SCRIPT, verb], env=self.env, capture_output=True, text=True,
                              timeout=timeout)

    def stop(self):
        r = self._run("stop", timeout=120)
        if r.returncode != 0:
            raise RuntimeError(f"private broker did not stop: {r.stdout}{r.stderr}")

    def remove(self):
        self._run("stop", timeout=120)
        shutil.rmtree(self.home, ignore_errors=True)


def canonical(value):
    """Canonical JSON as ARCHITECTURE §5 defines it (sorted keys, no spaces, UTF-8)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def event_hash(envelope):
    body = {k: v for k, v in envelope.items() if k != "hash"}
    return hashlib.sha256(canonical(body).encode("utf-8")).hexdigest()


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.raw = body
        self.content_type = headers.get("Content-Type", "")
        try:
            self.json = json.loads(body) if body else None
        except ValueError:
            self.json = None

    def __repr__(self):
        return f"<{self.status} {self.raw[:300]!r}>"


class Stack:
    def __init__(self, partitions=4, prefix=None, data_dir=None, extra_env=None):
        self.prefix = prefix or f"it-{uuid.uuid4().hex[:10]}."
        self.partitions = partitions
        self.tmp = tempfile.mkdtemp(prefix="parcours-it-")
        self.data_dir = data_dir or os.path.join(self.tmp, "data")
        self.port = free_port()
        self.jwt_secret = base64.b64encode(os.urandom(36)).decode()
        self.master_key = "k1:" + base64.b64encode(os.urandom(32)).decode()
        self.extra_env = extra_env or {}
        self.proc = None
        self.log_path = os.path.join(self.tmp, "serve.log")

    # --- process
    def env(self):
        env = dict(os.environ)
        env.update({
            "PARCOURS_KAFKA_BROKERS": BROKERS,
            "PARCOURS_HTTP_ADDR": f"127.0.0.1:{self.port}",
            "PARCOURS_DATA_DIR": self.data_dir,
            "PARCOURS_TOPIC_PREFIX": self.prefix,
            "PARCOURS_PARTITIONS": str(self.partitions),
            "PARCOURS_JWT_SECRET": self.jwt_secret,
            "PARCOURS_MASTER_KEY": self.master_key,
            "PARCOURS_INSTANCE_ID": "it-" + self.prefix.strip("."),
            # Tests hammer the API from one token; the rate limit has its own test.
            "PARCOURS_RATE_LIMIT": "100000",
            "PARCOURS_RATE_BURST": "100000",
        })
        env.update(self.extra_env)
        return env

    def start(self, timeout=60):
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen([BIN, "serve"], env=self.env(), stdout=log, stderr=log)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("serve exited: " + self.log_tail())
            try:
                if self.request("GET", "/readyz").status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError("serve not ready in time: " + self.log_tail())

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode if self.proc else None

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def log_tail(self, n=3000):
        try:
            with open(self.log_path, "rb") as f:
                return f.read()[-n:].decode(errors="replace")
        except OSError:
            return ""

    def run(self, *args, check=True):
        return subprocess.run([BIN, *args], env=self.env(), capture_output=True, text=True,
                              check=check, timeout=600)

    # --- tokens and HTTP
    def token(self, sub="alice", org=None, roles=(), ttl=3600):
        args = ["token", "--sub", sub, "--ttl", str(ttl)]
        if org:
            args += ["--org", org]
        for r in roles:
            args += ["--role", r]
        return self.run(*args).stdout.strip()

    def sign(self, claims, secret=None):
        """An HS256 token with arbitrary claims (expired, not yet valid, ...)."""
        import hmac

        def b64(b):
            return base64.urlsafe_b64encode(b).rstrip(b"=").decode()
        head = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
        body = b64(json.dumps(claims).encode())
        key = (secret or self.jwt_secret).encode()
        sig = hmac.new(key, f"{head}.{body}".encode(), hashlib.sha256).digest()
        return f"{head}.{body}.{b64(sig)}"

    def admin(self):
        # The admin role counts only for the platform organisation (PARCOURS_PLATFORM_ORG).
        return self.token("admin", org="platform", roles=["admin"])

    def request(self, method, path, body=None, token=None, headers=None, raw=None, timeout=30):
        url = f"http://127.0.0.1:{self.port}{path}"
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        req = urllib.request.Request(url, data=data, method=method)
        if token:
            req.add_header("Authorization", "Bearer " + token)
        for k, v in (headers or {}).items():
            req.add_header(k, v)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                return Response(r.status, dict(r.headers), r.read().decode())
        except urllib.error.HTTPError as e:
            return Response(e.code, dict(e.headers), e.read().decode())

    def command(self, journey, type_, data, token, key=None, if_match=None, timeout=30):
        headers = {"Idempotency-Key": key or uuid.uuid4().hex}
        if if_match is not None:
            headers["If-Match"] = str(if_match)
        return self.request("POST", f"/v1/journeys/{journey}/commands",
                            {"type": type_, "data": data}, token, headers, timeout=timeout)

    def join(self, journey, token, who=None):
        """JoinJourney with a proof by name and birth date (JOURNEY §3.1): an organisation must
        be involved in a journey to act on it or read it."""
        who = who or person()
        r = self.command(journey, "JoinJourney", {"proof": {
            "last_name": who["last_name"], "first_name": who["first_name"],
            "birth_date": who["birth_date"]}}, token)
        assert r.status in (200, 201), r
        return r

    def org_command(self, org, type_, data, key=None):
        return self.request("POST", f"/v1/organizations/{org}/commands",
                            {"type": type_, "data": data}, self.admin(),
                            {"Idempotency-Key": key or "reg-" + org})

    def register(self, org, kind, **extra):
        data = {"name": org, "kind": kind, "department": extra.pop("department", "74")}
        data.update(extra)
        r = self.org_command(org, "RegisterOrganization", data)
        assert r.status in (200, 201), r
        return r

    def journey(self, journey, token, **params):
        q = "&".join(f"{k}={v}" for k, v in params.items())
        return self.request("GET", f"/v1/journeys/{journey}" + ("?" + q if q else ""), token=token)

    # --- Kafka, read back independently
    def topic(self, name):
        return f"{self.prefix}{name}.v1"

    def read_topic(self, name, timeout=30):
        """Every committed record of a topic, from the beginning, as (partition, offset, key, value)."""
        topic = self.topic(name)
        c = Consumer({"bootstrap.servers": BROKERS, "group.id": "it-reader-" + uuid.uuid4().hex,
                      "isolation.level": "read_committed", "enable.auto.commit": False,
                      "enable.partition.eof": True, "auto.offset.reset": "earliest"})
        md = c.list_topics(topic, timeout=10)
        parts = sorted(md.topics[topic].partitions)
        c.assign([TopicPartition(topic, p, 0) for p in parts])
        ends = {}
        for p in parts:
            _, hi = c.get_watermark_offsets(TopicPartition(topic, p), timeout=10)
            ends[p] = hi
        pos = {p: 0 for p in parts}
        eof = set(p for p in parts if ends[p] == 0)
        out = []
        deadline = time.time() + timeout
        while len(eof) < len(parts) and time.time() < deadline:
            m = c.poll(0.5)
            if m is None:
                continue
            if m.error():
                if m.error().code() == -191:  # _PARTITION_EOF
                    if m.offset() >= ends[m.partition()]:
                        eof.add(m.partition())
                continue
            pos[m.partition()] = m.offset() + 1
            out.append((m.partition(), m.offset(), m.key().decode() if m.key() else None,
                        m.value().decode() if m.value() is not None else None))
            if pos[m.partition()] >= ends[m.partition()]:
                eof.add(m.partition())
        c.close()
        return out

    def events(self):
        return [json.loads(v) for (_, _, _, v) in self.read_topic("journey-events")]

    def end_offsets(self, name):
        topic = self.topic(name)
        c = Consumer({"bootstrap.servers": BROKERS, "group.id": "it-offsets"})
        md = c.list_topics(topic, timeout=10)
        out = {p: c.get_watermark_offsets(TopicPartition(topic, p), timeout=10)[1]
               for p in md.topics[topic].partitions}
        c.close()
        return out

    def cleanup(self):
        self.stop()
        try:
            from confluent_kafka.admin import AdminClient
            a = AdminClient({"bootstrap.servers": BROKERS})
            names = [self.topic(n) for n in ("commands", "journey-events", "org-events",
                                             "replies", "keys", "access-log", "commands-dlq")]
            for f in a.delete_topics(names, operation_timeout=30).values():
                try:
                    f.result()
                except Exception:  # noqa: BLE001 - best effort
                    pass
        except Exception:  # noqa: BLE001
            pass


def person(first="Camille", last="Martin", birth="1990-04-02", **extra):
    p = {"first_name": first, "last_name": last, "birth_date": birth}
    p.update(extra)
    return p


def verify_chain(envelopes):
    """Checks one journey's envelopes (in seq order); returns the list of problems."""
    problems = []
    prev = ZERO_HASH
    for i, e in enumerate(envelopes, start=1):
        if e["seq"] != i:
            problems.append(f"seq {e['seq']} where {i} expected")
        if e["prevhash"] != prev:
            problems.append(f"seq {e['seq']}: prevhash mismatch")
        if event_hash(e) != e["hash"]:
            problems.append(f"seq {e['seq']}: hash mismatch")
        prev = e["hash"]
    return problems
