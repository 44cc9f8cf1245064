"""The processes a fault campaign runs and breaks: `parcours serve` instances and the nodes of
the local cluster (deploy/local/cluster.sh). Every process is stopped by its own pid, never by
name."""
import base64
import json
import os
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "../.."))
CLUSTER = os.path.join(ROOT, "deploy/local/cluster.sh")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(port, method, path, body=None, token=None, headers=None, timeout=5.0):
    """(status, parsed JSON or None); raises OSError when nothing answers in time."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method)
    if token:
        req.add_header("Authorization", "Bearer " + token)
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            raw = r.read()
            return r.status, (json.loads(raw) if raw else None)
    except urllib.error.HTTPError as e:
        raw = e.read()
        try:
            return e.code, json.loads(raw) if raw else None
        except ValueError:
            return e.code, None


class Settings:
    """What every instance and every command-line run of parcours shares."""

    def __init__(self, binary, brokers, partitions, session_timeout_ms, workdir):
        self.binary = binary
        self.brokers = brokers
        self.partitions = partitions
        self.prefix = f"chaos-{os.urandom(4).hex()}."
        self.jwt_secret = base64.b64encode(os.urandom(36)).decode()
        self.master_key = "k1:" + base64.b64encode(os.urandom(32)).decode()
        self.session_timeout_ms = session_timeout_ms
        self.workdir = workdir

    def env(self, **extra):
        env = dict(os.environ)
        env.update({
            "PARCOURS_KAFKA_BROKERS": self.brokers,
            "PARCOURS_TOPIC_PREFIX": self.prefix,
            "PARCOURS_PARTITIONS": str(self.partitions),
            "PARCOURS_REPLICATION_FACTOR": "3",
            "PARCOURS_JWT_SECRET": self.jwt_secret,
            "PARCOURS_MASTER_KEY": self.master_key,
            "PARCOURS_SESSION_TIMEOUT_MS": str(self.session_timeout_ms),
            "PARCOURS_RATE_LIMIT": "100000",
            "PARCOURS_RATE_BURST": "100000",
            "PARCOURS_LOG_LEVEL": "info",
        })
        env.update(extra)
        return env

    def run(self, *args, timeout=600):
        return subprocess.run([self.binary, *args], env=self.env(), capture_output=True,
                              text=True, timeout=timeout)

    def token(self, sub, org=None, roles=()):
        args = ["token", "--sub", sub, "--ttl", "86400"]
        if org:
            args += ["--org", org]
        for r in roles:
            args += ["--role", r]
        out = self.run(*args)
        if out.returncode != 0:
            raise RuntimeError("parcours token: " + out.stderr)
        return out.stdout.strip()

    def topic(self, name):
        return f"{self.prefix}{name}.v1"


class Instance:
    """One `parcours serve`. `expected_exit` is set by the campaign before it stops or kills
    it; any other exit is the process ending by itself."""

    def __init__(self, settings, index):
        self.settings = settings
        self.index = index
        self.name = f"i{index}"
        self.port = free_port()
        self.data = os.path.join(settings.workdir, self.name, "data")
        self.log_path = os.path.join(settings.workdir, self.name, "serve.log")
        os.makedirs(os.path.dirname(self.log_path), exist_ok=True)
        self.proc = None
        self.expected_exit = False
        self.paused = False
        self.lock = threading.Lock()

    def start(self):
        env = self.settings.env(PARCOURS_HTTP_ADDR=f"127.0.0.1:{self.port}",
                                PARCOURS_DATA_DIR=self.data,
                                PARCOURS_INSTANCE_ID=f"{self.settings.prefix}{self.name}")
        with self.lock:
            log = open(self.log_path, "ab")
            self.proc = subprocess.Popen([self.settings.binary, "serve"], env=env, stdout=log,
                                         stderr=log)
            log.close()
            self.expected_exit = False
            self.paused = False

    def ready(self):
        try:
            return http(self.port, "GET", "/readyz", timeout=1.0)[0] == 200
        except OSError:
            return False

    def partitions(self):
        """The command partitions this instance processes (its /metrics), None if it does not
        answer."""
        try:
            req = urllib.request.Request(f"http://127.0.0.1:{self.port}/metrics")
            with urllib.request.urlopen(req, timeout=1.0) as r:
                for line in r.read().decode().splitlines():
                    if line.startswith("parcours_processor_partitions"):
                        return int(float(line.split()[-1]))
        except (OSError, ValueError):
            return None
        return None

    def wait_ready(self, timeout=90):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None and not self.expected_exit:
                return False
            if self.ready():
                return True
            time.sleep(0.1)
        return False

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def signal(self, sig):
        with self.lock:
            if sig in (signal.SIGKILL, signal.SIGTERM):
                self.expected_exit = True
            if self.alive():
                self.proc.send_signal(sig)
            self.paused = sig == signal.SIGSTOP

    def kill9(self):
        self.signal(signal.SIGKILL)
        self.proc.wait()

    def terminate(self, timeout=60):
        """SIGTERM and wait; returns the exit status (None if it had to be killed)."""
        self.signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return None

    def log_tail(self, n=4000):
        try:
            with open(self.log_path, "rb") as f:
                f.seek(0, 2)
                f.seek(max(0, f.tell() - n))
                return f.read().decode(errors="replace")
        except OSError:
            return ""


class Cluster:
    """The nodes of deploy/local/cluster.sh, through the script (which kills by pid file)."""

    def __init__(self, env=None):
        self.env = dict(os.environ, **(env or {}))

    def _run(self, *args, timeout=180):
        r = subprocess.run([CLUSTER, *args], env=self.env, capture_output=True, text=True,
                           timeout=timeout)
        if r.returncode != 0:
            raise RuntimeError(f"cluster.sh {' '.join(args)}: {r.stderr.strip()}")
        return r.stdout.strip()

    def brokers(self):
        return self._run("brokers")

    def kill(self, node):
        self._run("kill", str(node))

    def start_node(self, node):
        self._run("start-node", str(node))

    def wait_healthy(self, seconds=180):
        self._run("wait-healthy", str(seconds), timeout=seconds + 30)
