#!/usr/bin/env python3
"""A fault campaign against the local 3-node cluster (deploy/local/cluster.sh) and N
`parcours serve` instances: client threads send commands and retry each until a final answer
while faults are injected one after another:

  kill9_instance   kill -9 of a random instance, restarted at once (as a supervisor would)
  kill9_broker     kill -9 of a random broker of the cluster, restarted a few seconds later
  kill9_controller kill -9 of a random controller of the quorum (the active one or not),
                   restarted a few seconds later (the dedicated layout of cluster.sh only)
  pause_instance   SIGSTOP of a random instance past its session timeout, then SIGCONT: a
                   zombie, whose late transaction must be fenced
  sigterm_restart  a SIGTERM restart of every instance in turn (a rolling restart), each taken
                   out of the clients' rotation first, as a load balancer would

At the end it reads the topics with confluent_kafka and checks (checks.py), then prints the
figures: faults by kind, commands acknowledged, lost, duplicated, with two outcomes, the
longest unavailability per fault kind, failed commands during rolling restarts, and how often
a process ended by itself. Exit status 0 only if nothing was lost, duplicated, broken or
exited by itself.

  tests/faults/campaign.py --faults 200            the long campaign
  tests/faults/campaign.py --duration 120          a short one (CI: tests/faults/run.sh)
"""
import argparse
import collections
import json
import os
import random
import signal
import statistics
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))

from checks import check_audit, check_digests, check_log  # noqa: E402
from clients import Clients, Rotation  # noqa: E402
from fleet import Cluster, Instance, Settings, http  # noqa: E402

KINDS = ("kill9_instance", "kill9_broker", "kill9_controller", "pause_instance",
         "sigterm_restart")
# Controller-only processes exist in cluster.sh's dedicated layout (its default) only.
DEDICATED = os.environ.get("PARCOURS_CLUSTER_LAYOUT", "dedicated") == "dedicated"


def log(msg):
    print(time.strftime("%H:%M:%S"), msg, flush=True)


class Campaign:
    def __init__(self, args):
        self.args = args
        self.rng = random.Random(args.seed)
        self.cluster = Cluster()
        workdir = tempfile.mkdtemp(prefix="parcours-chaos-", dir=args.workdir)
        self.settings = Settings(args.bin, self.cluster.brokers(), args.partitions,
                                 args.session_timeout_ms, workdir)
        self.instances = [Instance(self.settings, i) for i in range(args.instances)]
        self.rotation = Rotation(self.instances)
        self.faults = []          # {kind, target, start, end, ...}
        self.self_exits = []
        self.stop_monitor = threading.Event()

    # --- set up
    def setup(self):
        r = self.settings.run("topics")
        if r.returncode != 0:
            raise RuntimeError("parcours topics: " + r.stderr)
        for inst in self.instances:
            inst.start()
        for inst in self.instances:
            if not inst.wait_ready():
                raise RuntimeError(f"{inst.name} not ready: " + inst.log_tail())
        self.admin = self.settings.token("admin", roles=["admin"])
        self.token = self.settings.token("chaos", org="ft-chaos")
        status, body = http(self.instances[0].port, "POST", "/v1/organizations/ft-chaos/commands",
                            {"type": "RegisterOrganization",
                             "data": {"name": "ft-chaos", "kind": "prescriber",
                                      "department": "74", "prescriber_kind": "FT"}},
                            self.admin, {"Idempotency-Key": "reg-ft-chaos"}, timeout=30)
        if status not in (200, 201):
            raise RuntimeError(f"register: {status} {body}")
        self.journeys = [f"j-{n}-{os.urandom(3).hex()}" for n in range(self.args.journeys)]
        for j in self.journeys:
            # The API's view of the registry follows the org-events topic within a second.
            for _ in range(50):
                status, body = http(self.instances[0].port, "POST", f"/v1/journeys/{j}/commands",
                                    {"type": "OpenJourney", "data": {
                                        "person": {"first_name": "Camille", "last_name": "Martin",
                                                   "birth_date": "1990-04-02"},
                                        "department": "74"}},
                                    self.token, {"Idempotency-Key": "open-" + j}, timeout=30)
                if status != 403:
                    break
                time.sleep(0.2)
            if status not in (200, 201):
                raise RuntimeError(f"open {j}: {status} {body}")

    # --- processes that end by themselves
    def monitor(self):
        while not self.stop_monitor.is_set():
            for inst in self.instances:
                with inst.lock:
                    exited = inst.proc.poll() is not None and not inst.expected_exit
                if exited:
                    code = inst.proc.returncode
                    self.self_exits.append({"instance": inst.name, "time": time.time(),
                                            "status": code, "log": inst.log_tail(3000)})
                    log(f"SELF-EXIT {inst.name} status {code}; restarting it")
                    inst.start()
            time.sleep(0.1)

    # --- faults
    def kill9_instance(self):
        inst = self.rng.choice(self.instances)
        fault = {"kind": "kill9_instance", "target": inst.name, "start": time.time()}
        inst.kill9()
        # How long the killed process took to go: a process in uninterruptible I/O dies late,
        # and its restart with it.
        fault["reaped_s"] = round(time.time() - fault["start"], 2)
        time.sleep(self.args.restart_delay)
        inst.start()
        fault["recovered"] = inst.wait_ready()
        fault["end"] = time.time()
        return [fault]

    def kill9_broker(self):
        return self.kill9_node("kill9_broker", self.rng.randint(1, 3), "node")

    def kill9_controller(self):
        return self.kill9_node("kill9_controller", self.rng.randint(101, 103), "controller")

    def kill9_node(self, kind, node, what):
        fault = {"kind": kind, "target": f"{what}-{node}", "start": time.time()}
        self.cluster.kill(node)
        time.sleep(self.args.broker_down)
        self.cluster.start_node(node)
        fault["end"] = time.time()
        try:
            self.cluster.wait_healthy(180)
            fault["recovered"] = True
        except RuntimeError as e:
            log(f"cluster not healthy again: {e}")
            fault["recovered"] = False
        return [fault]

    def pause_instance(self):
        inst = self.rng.choice(self.instances)
        fault = {"kind": "pause_instance", "target": inst.name, "start": time.time()}
        self.rotation.take_out(inst.index)
        inst.signal(signal.SIGSTOP)
        time.sleep(self.args.session_timeout_ms / 1000 + self.args.pause_beyond)
        inst.signal(signal.SIGCONT)
        fault["recovered"] = inst.wait_ready()
        fault["end"] = time.time()
        self.rotation.put_back(inst.index)
        return [fault]

    def sigterm_restart(self):
        faults = []
        for inst in self.instances:
            fault = {"kind": "sigterm_restart", "target": inst.name, "start": time.time()}
            self.rotation.take_out(inst.index)
            time.sleep(0.2)
            fault["exit_status"] = inst.terminate()
            inst.start()
            fault["recovered"] = inst.wait_ready()
            fault["end"] = time.time()
            self.rotation.put_back(inst.index)
            faults.append(fault)
            # A rolling restart goes on once the restarted instance processes its partitions.
            self.wait_whole()
            time.sleep(self.args.settle)
        return faults

    def wait_whole(self, timeout=120):
        """Waits until every instance is ready and the command partitions are all processed,
        once each: the fleet as it was before any fault. Each fault starts from there, so that
        its unavailability is its own and not the tail of the one before."""
        started = time.time()
        while time.time() < started + timeout:
            counts = [inst.partitions() if inst.ready() else None for inst in self.instances]
            if None not in counts and sum(counts) == self.args.partitions:
                return time.time() - started
            time.sleep(0.2)
        log(f"fleet not whole after {timeout} s: {counts}")
        return None

    def wait_answered(self, timeout=120):
        """Waits until every command in hand has its final answer: the next fault then starts
        once the last one's effects are over, and each command's wait belongs to one fault."""
        with self.clients.lock:
            waiting = [c for c in self.clients.commands if c.final_at is None]
        deadline = time.time() + timeout
        while time.time() < deadline and any(c.final_at is None for c in waiting):
            time.sleep(0.1)

    def inject(self, deadline, max_faults):
        kinds = [k for k in KINDS
                 if k in self.args.kinds and (DEDICATED or k != "kill9_controller")]
        count = 0
        # Every kind once first (a short campaign sees each), then at random.
        order = list(kinds)
        self.rng.shuffle(order)
        while time.time() < deadline and count < max_faults:
            kind = order.pop(0) if order else self.rng.choice(kinds)
            self.wait_answered()
            whole_after = self.wait_whole()
            log(f"fault {count + 1}: {kind}")
            done = getattr(self, kind)()
            done[0]["whole_after_s"] = None if whole_after is None else round(whole_after, 2)
            for f in done:
                if not f.get("recovered", True):
                    log(f"  {f['target']} did not recover")
            self.faults.extend(done)
            count += len(done)
            time.sleep(self.args.settle)

    # --- figures
    def unavailability(self, commands):
        """Per fault: the longest a command waited for its final answer while that fault was
        the last one injected, that is from the fault's start (or the command's first attempt,
        if later) until the answer or the next fault's start, whichever came first. A command
        still waiting when the next fault begins counts for each fault only the time it waited
        under it."""
        out = collections.defaultdict(list)
        faults = sorted(self.faults, key=lambda f: f["start"])
        for k, f in enumerate(faults):
            t0 = f["start"]
            t1 = faults[k + 1]["start"] if k + 1 < len(faults) else float("inf")
            worst = 0.0
            for c in commands:
                if c.final_at is None or c.final_at < t0 or c.first_sent >= t1:
                    continue
                worst = max(worst, min(c.final_at, t1) - max(c.first_sent, t0))
            f["unavailability_s"] = round(worst, 2)
            out[f["kind"]].append(worst)
        return {k: {"max_s": round(max(v), 2), "median_s": round(statistics.median(v), 2),
                    "faults": len(v)} for k, v in out.items()}

    def failed_during_rolls(self, commands):
        """Attempts answered with an error or not answered, during rolling restarts."""
        windows = [(f["start"], f["end"]) for f in self.faults if f["kind"] == "sigterm_restart"]
        failed = 0
        for c in commands:
            for (t, _, outcome) in c.attempts:
                if any(a <= t <= b for a, b in windows) and not (
                        isinstance(outcome, int) and outcome in (200, 201)):
                    failed += 1
        return failed

    def run(self):
        started = time.time()
        self.setup()
        log(f"{len(self.instances)} instances up, {len(self.journeys)} journeys open, "
            f"topics {self.settings.prefix}*")
        threading.Thread(target=self.monitor, daemon=True).start()
        clients = self.clients = Clients(self.rotation, self.journeys, self.token,
                                         self.args.clients, self.args.pace, self.args.seed)
        clients.start()
        time.sleep(self.args.warmup)
        deadline = started + self.args.duration if self.args.duration else float("inf")
        self.inject(deadline, self.args.faults or 10**9)
        time.sleep(self.args.settle)
        log("faults over; waiting for every command's final answer")
        finished = clients.finish(300)
        self.stop_monitor.set()
        commands = list(clients.commands)
        log(f"{len(commands)} commands; checking the log")
        report = {"faults": dict(collections.Counter(f["kind"] for f in self.faults)),
                  "faults_total": len(self.faults),
                  "not_recovered": [f for f in self.faults if not f.get("recovered", True)],
                  "clients_finished": finished,
                  "commands_sent": len(commands)}
        report.update(check_log(self.settings, commands))
        report["unavailability"] = self.unavailability(commands)
        report["failed_attempts_during_rolling_restarts"] = self.failed_during_rolls(commands)
        report["sigterm_exit_statuses"] = [f.get("exit_status") for f in self.faults
                                           if f["kind"] == "sigterm_restart"]
        slow = sorted((c for c in commands if c.final_at), key=lambda c: c.first_sent - c.final_at)
        report["slowest_commands"] = [
            {"key": c.key, "journey": c.journey, "sent": round(c.first_sent - started, 2),
             "waited_s": round(c.final_at - c.first_sent, 2),
             "attempts": [(round(t - started, 2), i, o) for (t, i, o) in c.attempts]}
            for c in slow[:15]]
        latencies = sorted(c.final_at - c.first_sent for c in commands if c.final_at)
        if latencies:
            report["latency_s"] = {"p50": round(latencies[len(latencies) // 2], 3),
                                   "p99": round(latencies[int(len(latencies) * 0.99)], 3)}
        for f in self.faults:
            f["at_s"] = round(f["start"] - started, 2)
        report["self_exits"] = len(self.self_exits)
        report["self_exit_details"] = self.self_exits
        log("audit verify")
        report["audit"] = check_audit(self.settings)
        log("digests against a rebuild")
        report["digests"] = check_digests(self.settings, self.instances, self.admin,
                                          report["events"])
        report["duration_s"] = round(time.time() - started)
        report["fault_log"] = self.faults
        return report

    def shutdown(self):
        for inst in self.instances:
            if inst.alive():
                if inst.paused:
                    inst.signal(signal.SIGCONT)
                inst.terminate(30)


def verdict(r):
    failures = []
    for key in ("lost", "duplicated", "two_outcomes", "broken_journeys", "orphan_events",
                "answer_mismatches"):
        if r[key]:
            failures.append(f"{key}: {len(r[key])} ({r[key][:5]})")
    if r["unanswered"]:
        failures.append(f"{r['unanswered']} commands never got a final answer")
    if r["rejected"]:
        failures.append(f"commands finally refused: {dict(r['rejected'])}")
    if r["self_exits"]:
        failures.append(f"{r['self_exits']} processes ended by themselves")
    if r["not_recovered"]:
        failures.append(f"{len(r['not_recovered'])} faults not recovered from")
    if r["audit"]["exit"] != 0:
        failures.append("audit verify failed")
    if not r["digests"].get("equal"):
        failures.append("a live digest differs from the rebuild's")
    if any(s not in (0, None) for s in r["sigterm_exit_statuses"]) or None in r["sigterm_exit_statuses"]:
        failures.append(f"SIGTERM exit statuses {r['sigterm_exit_statuses']}")
    if r["failed_attempts_during_rolling_restarts"]:
        failures.append(f"{r['failed_attempts_during_rolling_restarts']} failed attempts "
                        "during rolling restarts")
    return failures


def summary(r):
    lines = [
        f"faults injected: {r['faults_total']} {r['faults']}",
        f"commands: {r['commands_sent']} sent, {r['acknowledged']} acknowledged, "
        f"{len(r['lost'])} lost, {len(r['duplicated'])} duplicated, "
        f"{len(r['two_outcomes'])} with two outcomes, {r['unanswered']} unanswered",
        f"journeys with a gap, a repeated seq or a broken chain: {len(r['broken_journeys'])}",
        f"events in the log: {r['events']}; audit verify exit {r['audit']['exit']}; "
        f"digests equal to a rebuild's: {r['digests'].get('equal')}",
        "longest unavailability per fault kind (s): " +
        ", ".join(f"{k} {v['max_s']} (median {v['median_s']}, {v['faults']} faults)"
                  for k, v in sorted(r["unavailability"].items())),
        f"failed attempts during rolling restarts: {r['failed_attempts_during_rolling_restarts']}",
        f"processes that ended by themselves: {r['self_exits']}",
        f"duration: {r['duration_s']} s",
    ]
    return "\n".join(lines)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--bin", default=os.environ.get("PARCOURS_BIN", os.path.join(
        os.path.dirname(__file__), "../../build/src/cli/parcours")))
    p.add_argument("--instances", type=int, default=3)
    p.add_argument("--partitions", type=int, default=6)
    p.add_argument("--journeys", type=int, default=36)
    p.add_argument("--clients", type=int, default=6)
    p.add_argument("--pace", type=float, default=0.02, help="pause between a client's commands (s)")
    p.add_argument("--faults", type=int, default=0, help="stop after this many faults")
    p.add_argument("--duration", type=float, default=0, help="stop injecting after this long (s)")
    p.add_argument("--kinds", default=",".join(KINDS))
    p.add_argument("--seed", type=int, default=int(time.time()))
    p.add_argument("--session-timeout-ms", type=int, default=10000)
    p.add_argument("--restart-delay", type=float, default=0.5)
    p.add_argument("--broker-down", type=float, default=4.0)
    p.add_argument("--pause-beyond", type=float, default=4.0)
    p.add_argument("--settle", type=float, default=2.0)
    p.add_argument("--warmup", type=float, default=3.0)
    p.add_argument("--workdir", default=None)
    p.add_argument("--report", default=None, help="write the full report (JSON) here")
    args = p.parse_args()
    args.kinds = args.kinds.split(",")
    if not args.faults and not args.duration:
        args.duration = 120
    log(f"seed {args.seed}")
    campaign = Campaign(args)
    try:
        report = campaign.run()
    finally:
        campaign.shutdown()
    report["seed"] = args.seed
    if args.report:
        with open(args.report, "w") as f:
            json.dump(report, f, indent=2, default=str)
    print(summary(report))
    failures = verdict(report)
    for f in failures:
        print("FAIL:", f)
    if failures:
        for e in report["self_exit_details"][:3]:
            print(f"--- {e['instance']} ended by itself (status {e['status']}):\n{e['log']}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
