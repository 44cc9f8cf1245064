"""The Grafana dashboard and the alert rules against a real Prometheus (Debian's package) scraping
a running `parcours serve` under a small workload.

Every panel's every query runs through Prometheus's HTTP API as Grafana would send it (a range
query, Grafana's variables replaced): each must parse, and return at least one value that is a
number. Every metric a panel names must be one `serve` exports. The alert rules load and evaluate
without error, and each metric they name is exported too, except those listed in
NOT_FROM_SERVE with the reason.
"""
import datetime
import json
import math
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import unittest
import urllib.parse
import urllib.request

from harness import Stack, free_port, person

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "../.."))
DASHBOARD = os.path.join(ROOT, "deploy/grafana/parcours.json")
ALERTS = os.path.join(ROOT, "deploy/prometheus/alerts.yml")
PROMETHEUS = shutil.which("prometheus") or "/usr/bin/prometheus"

# Series the alert rules read that `serve` does not export, and why.
NOT_FROM_SERVE = {
    "up": "Prometheus's own, per target",
    "kubelet_volume_stats_available_bytes": "kubelet (kube-prometheus), Kubernetes only",
    "kubelet_volume_stats_capacity_bytes": "kubelet (kube-prometheus), Kubernetes only",
    "kafka_brokers": "Strimzi's Kafka Exporter",
    "kafka_consumergroup_lag": "Strimzi's Kafka Exporter",
}
# Families `serve` registers whose first series appears with the first event it counts (none in
# a healthy run): checked against the probe that registers them instead.
FIRST_SERIES_ON_FAILURE = {
    "parcours_transaction_failures_total": "src/processor/processor_probe.cc",
    "parcours_commands_failed_total": "src/processor/processor_probe.cc",
}
PROMQL_WORDS = {
    "sum", "max", "min", "avg", "count", "by", "without", "on", "ignoring", "group_left",
    "group_right", "rate", "increase", "histogram_quantile", "clamp_min", "label_replace",
    "time", "vector", "or", "and", "unless", "bool", "offset", "predict_linear", "scalar",
    "humanize", "le", "inf",
}


def day(delta):
    return (datetime.date.today() + datetime.timedelta(days=delta)).isoformat()


def metric_names(expr):
    """Metric names in a PromQL expression: identifiers outside label matchers and strings that
    are not functions, keywords or label names of by/on clauses."""
    text = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)
    text = re.sub(r"\{[^}]*\}", "{}", text)
    text = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", text)
    text = re.sub(r"\[[^\]]*\]", "[]", text)
    text = re.sub(r"\boffset\s+[0-9a-z]+", " ", text)
    names = set(re.findall(r"[a-zA-Z_:][a-zA-Z0-9_:]*", text))
    return {n for n in names if n.lower() not in PROMQL_WORDS and not n.startswith("$")}


class Prometheus:
    def __init__(self, target_port):
        self.dir = tempfile.mkdtemp(prefix="parcours-prom-")
        self.port = free_port()
        config = os.path.join(self.dir, "prometheus.yml")
        with open(config, "w") as f:
            f.write(f"""
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files: ["{ALERTS}"]
scrape_configs:
  - job_name: parcours
    static_configs:
      - targets: ["127.0.0.1:{target_port}"]
""")
        self.log = open(os.path.join(self.dir, "prometheus.log"), "wb")
        self.proc = subprocess.Popen(
            [PROMETHEUS, f"--config.file={config}", f"--storage.tsdb.path={self.dir}/data",
             f"--web.listen-address=127.0.0.1:{self.port}"],
            stdout=self.log, stderr=self.log)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/-/ready", timeout=2):
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("prometheus not ready: " + open(self.log.name).read()[-2000:])

    def wait_for_scrape(self, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            r = self.api("query", query="up")
            if r.get("status") == "success" and any(
                    v["value"][1] == "1" for v in r["data"]["result"]):
                return
            time.sleep(0.2)
        raise RuntimeError("prometheus did not scrape the target in time")

    def api(self, path, **params):
        url = f"http://127.0.0.1:{self.port}/api/v1/{path}?" + urllib.parse.urlencode(params)
        try:
            with urllib.request.urlopen(url, timeout=30) as r:
                return json.loads(r.read())
        except urllib.error.HTTPError as e:
            return json.loads(e.read())

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


def workload(s):
    """Enough of everything for each panel: hires, an exit, refusals, a candidature waiting
    for 40 days, business rejections, client errors, reads."""
    s.register("ft-dash", "prescriber", prescriber_kind="FT")
    s.register("ei-dash", "siae", siae_kind="EI")
    s.register("ei-dash2", "siae", siae_kind="EI")
    ft, ei = s.token("alice", org="ft-dash"), s.token("bob", org="ei-dash")
    ei2 = s.token("carol", org="ei-dash2")
    for j, start in (("dash-1", -300), ("dash-2", -100)):
        begin = datetime.date.today() + datetime.timedelta(days=start)
        diag = (begin - datetime.timedelta(days=10)).isoformat()
        assert s.command(j, "OpenJourney", {"person": person(), "department": "74"}, ft).status == 201
        assert s.command(j, "MakeEligibilityDiagnosis", {"diagnosis_id": "d1", "date": diag,
                                                         "criteria": ["RSA"]}, ft).status == 201
        assert s.command(j, "SubmitCandidature", {"candidature_id": "c1", "siae_org": "ei-dash",
                                                  "date": diag}, ft).status == 201
        r = s.command(j, "AcceptCandidature", {
            "candidature_id": "c1", "hiring_start": begin.isoformat(),
            "hiring_end": (begin + datetime.timedelta(days=360)).isoformat(),
            "contract": {"type": "CDDI", "weekly_hours": 26}}, ei)
        assert r.status == 201, r
    r = s.command("dash-1", "RecordExit", {"contract_id": "c1", "date": day(0),
                                           "destination": {"kind": "cdi"}}, ei)
    assert r.status == 201, r
    for cid, siae, sent in (("w1", "ei-dash", day(-40)), ("r1", "ei-dash2", day(-3))):
        r = s.command("dash-2", "SubmitCandidature", {"candidature_id": cid, "siae_org": siae,
                                                      "date": sent}, ft)
        assert r.status == 201, r
    r = s.command("dash-2", "RefuseCandidature", {"candidature_id": "r1", "reason": "no_position",
                                                  "shared_with_job_seeker": False}, ei2)
    assert r.status == 201, r
    for i in range(20):
        j = f"dash-open-{i}"
        assert s.command(j, "OpenJourney", {"person": person(), "department": "74"}, ft).status == 201
        # Business rules say no (no such candidature, a duplicate), and a malformed command.
        for _ in range(2):
            s.command(j, "SubmitCandidature", {"candidature_id": "c1", "siae_org": "ei-dash",
                                               "date": day(0)}, ft)
        s.command(j, "AcceptCandidature", {"candidature_id": "none", "hiring_start": day(1),
                                           "contract": {"type": "CDDI", "weekly_hours": 26}}, ei)
        s.command(j, "SubmitCandidature", {"siae_org": "ei-dash"}, ft)
        s.journey(j, ft, min_version=1)
        s.request("GET", "/v1/journeys/unknown-journey", token=ft)
        s.request("GET", "/readyz")


class Dashboard(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # The Kafka clients' statistics every second, so that the short workload spans several.
        cls.s = Stack(partitions=3, extra_env={"PARCOURS_BUSINESS_GAUGES_MS": "200",
                                               "PARCOURS_KAFKA_STATISTICS_INTERVAL_MS": "1000"})
        cls.prom = None
        try:
            cls.s.start()
            cls.prom = Prometheus(cls.s.port)
            # Ready is not scraping: wait for a first scrape, or a quick workload happens before
            # Prometheus sees the series and no rate moves.
            cls.prom.wait_for_scrape()
            cls.started = time.time()
            workload(cls.s)
            # Rates need two scrapes in their window, business gauges a count after the workload.
            time.sleep(12)
            cls.ended = time.time()
        except BaseException:
            cls.tearDownClass()
            raise
        with open(DASHBOARD) as f:
            cls.dashboard = json.load(f)

    @classmethod
    def tearDownClass(cls):
        if cls.prom:
            cls.prom.stop()
        cls.s.cleanup()

    def queries(self):
        for panel in self.dashboard["panels"]:
            for target in panel.get("targets", []):
                yield panel["title"], target["refId"], target["expr"]

    def grafana(self, expr):
        # What Grafana sends for "All" instances and a rate interval of a few scrapes.
        return expr.replace("$instance", ".*").replace("$__rate_interval", "10s")

    def test_every_panel_query_parses_and_returns_numbers(self):
        count = 0
        for title, ref, expr in self.queries():
            with self.subTest(panel=title, ref=ref):
                r = self.prom.api("query_range", query=self.grafana(expr), start=self.started,
                                  end=self.ended, step=1)
                self.assertEqual(r["status"], "success", r.get("error"))
                values = [float(v) for series in r["data"]["result"] for _, v in series["values"]]
                self.assertTrue(any(not math.isnan(v) for v in values),
                                f"{expr} returned no number")
                count += 1
        self.assertGreaterEqual(count, 30)

    def exported(self):
        names = set(self.prom.api("label/__name__/values")["data"])
        for name, source in FIRST_SERIES_ON_FAILURE.items():
            with open(os.path.join(ROOT, source)) as f:
                if f'"{name}"' in f.read():
                    names.add(name)
        return names

    def test_every_metric_a_panel_names_is_exported(self):
        exported = self.exported()
        self.assertIn("parcours_commands_total", exported)
        for title, ref, expr in self.queries():
            with self.subTest(panel=title, ref=ref):
                names = metric_names(self.grafana(expr))
                self.assertTrue(names, expr)
                self.assertEqual(names - exported, set())

    def test_instance_variable_lists_the_instance(self):
        (var,) = self.dashboard["templating"]["list"]
        match = re.fullmatch(r"label_values\((.+), (\w+)\)", var["query"]["query"])
        r = self.prom.api(f"label/{match.group(2)}/values", **{"match[]": match.group(1)})
        self.assertEqual(r["data"], [f"127.0.0.1:{self.s.port}"])

    def test_alert_rules_evaluate_on_live_series(self):
        rules = [rule for g in self.prom.api("rules")["data"]["groups"] for rule in g["rules"]]
        self.assertGreaterEqual(len(rules), 20)
        for rule in rules:
            with self.subTest(rule=rule["name"]):
                self.assertEqual(rule["health"], "ok", rule.get("lastError"))
        exported = self.exported()
        recorded = {r["name"] for r in rules if r["type"] == "recording"}
        for rule in rules:
            with self.subTest(rule=rule["name"]):
                missing = metric_names(rule["query"]) - exported - recorded - set(NOT_FROM_SERVE)
                self.assertEqual(missing, set())
        # The dashboard's recording rule has data: its inputs are exported under these names.
        r = self.prom.api("query", query="parcours:projector_lag_seconds:estimate")
        self.assertTrue(r["data"]["result"])

    def test_a_query_with_a_typo_fails_the_checks(self):
        # The checks above can fail: a misspelt metric returns nothing, bad syntax is an error.
        r = self.prom.api("query_range", query="sum(rate(parcours_command_total[10s]))",
                          start=self.started, end=self.ended, step=1)
        self.assertEqual(r["data"]["result"], [])
        r = self.prom.api("query", query="sum(rate(parcours_commands_total[10s])")
        self.assertEqual(r["status"], "error")
        self.assertEqual(metric_names('max by (state) (parcours_pass_iae{state="valid"})'),
                         {"parcours_pass_iae"})

    def test_projector_lag_estimate_is_zero_when_idle(self):
        # The lag alerts divide by the append rate: an idle, caught-up system must read no lag,
        # or they would fire every quiet night. The raw gauge reads 1 per partition then (the
        # last commit marker's offset), which the recording rule discounts.
        r = self.prom.api("query", query="max(parcours_projector_lag_records)")
        self.assertLessEqual(float(r["data"]["result"][0]["value"][1]), 1.0)
        r = self.prom.api("query", query="parcours:projector_lag_seconds:estimate")
        self.assertEqual([float(x["value"][1]) for x in r["data"]["result"]], [0.0])


if __name__ == "__main__":
    unittest.main()
