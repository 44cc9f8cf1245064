"""Client threads of a fault campaign: each sends commands with an Idempotency-Key and retries
each one, with the same key and on any instance in rotation, until a final answer. Every
attempt is recorded, so that the campaign can tell what was acknowledged, when, and how long
each command waited."""
import random
import threading
import time

from fleet import http

FINAL = {200, 201}
# A client waits for the server's own answer: the API answers 504 after its reply timeout
# (10 s), so an attempt is abandoned only when nothing answers at all (a paused or dead
# instance); then the client tries again elsewhere, with the same key.
ATTEMPT_TIMEOUT = 12.0


class Command:
    def __init__(self, key, journey):
        self.key = key
        self.journey = journey
        self.first_sent = None
        self.final_at = None
        self.status = None          # final status
        self.bodies = []            # every 2xx body
        self.attempts = []          # (time, instance, status or error)

    @property
    def acknowledged(self):
        return self.status in FINAL


class Rotation:
    """The instances clients may send to: the campaign takes one out before it stops or pauses
    it on purpose, as a load balancer would after its health check."""

    def __init__(self, instances):
        self.instances = instances
        self.out = set()
        self.lock = threading.Lock()

    def take_out(self, index):
        with self.lock:
            self.out.add(index)

    def put_back(self, index):
        with self.lock:
            self.out.discard(index)

    def pick(self, rng):
        with self.lock:
            live = [i for i in self.instances if i.index not in self.out]
        return rng.choice(live) if live else None


class Clients:
    def __init__(self, rotation, journeys, token, threads, pace_s, seed):
        self.rotation = rotation
        self.journeys = journeys
        self.token = token
        self.threads_n = threads
        self.pace_s = pace_s
        self.seed = seed
        self.commands = []
        self.lock = threading.Lock()
        self.stop_new = threading.Event()
        self.threads = []

    def start(self):
        for n in range(self.threads_n):
            t = threading.Thread(target=self._loop, args=(n,), daemon=True)
            t.start()
            self.threads.append(t)

    def finish(self, timeout=300):
        """No new commands; waits for every command in hand to get its final answer."""
        self.stop_new.set()
        deadline = time.time() + timeout
        for t in self.threads:
            t.join(max(0.1, deadline - time.time()))
        return all(not t.is_alive() for t in self.threads)

    def _loop(self, n):
        rng = random.Random(self.seed * 1000 + n)
        mine = self.journeys[n::self.threads_n]
        i = 0
        while not self.stop_new.is_set():
            journey = mine[i % len(mine)]
            c = Command(f"c-{n}-{i}", journey)
            with self.lock:
                self.commands.append(c)
            self._until_final(c, rng)
            i += 1
            time.sleep(self.pace_s)

    def _until_final(self, c, rng):
        data = {"type": "RecordFollowUp",
                "data": {"followup_id": c.key, "date": "2026-11-23", "kind": "interview"}}
        c.first_sent = time.time()
        while True:
            inst = self.rotation.pick(rng)
            if inst is None:
                time.sleep(0.1)
                continue
            try:
                status, body = http(inst.port, "POST", f"/v1/journeys/{c.journey}/commands", data,
                                    self.token, {"Idempotency-Key": c.key},
                                    timeout=ATTEMPT_TIMEOUT)
            except OSError as e:  # refused, reset, timed out: nothing answered
                c.attempts.append((time.time(), inst.name, type(e).__name__))
                time.sleep(0.05)
                continue
            c.attempts.append((time.time(), inst.name, status))
            if status in FINAL:
                c.bodies.append(body)
            # 2xx, a rejection, or 500 (an outcome the processor decided) are final.
            if status in FINAL or status == 500 or (400 <= status < 500 and status not in (408, 429)):
                c.status = status
                c.final_at = time.time()
                return
            time.sleep(0.05)  # 503 unavailable, 504 timeout: the outcome is unknown
