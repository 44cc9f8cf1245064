"""deploy/prometheus/ with Debian's promtool: the configuration and the rules load, every rule's
test cases pass, and every rule has test cases, a severity and a runbook entry."""
import re
import shutil
import subprocess
import unittest

import yaml

from common import ROOT

HERE = ROOT / "deploy/prometheus"
TESTS = ["alerts.test.yml", "alerts.business.test.yml"]


def promtool(*args):
    return subprocess.run(["promtool", *args], cwd=HERE, capture_output=True, text=True,
                          check=False)


def rules():
    return [r for g in yaml.safe_load((HERE / "alerts.yml").read_text())["groups"]
            for r in g["rules"]]


@unittest.skipUnless(shutil.which("promtool"), "promtool (Debian's prometheus) is missing")
class Prometheus(unittest.TestCase):
    def test_config_and_rules_load(self):
        out = promtool("check", "config", "prometheus.yml")
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        out = promtool("check", "rules", "alerts.yml")
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)

    def test_rule_tests_pass(self):
        out = promtool("test", "rules", *TESTS)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)

    def test_every_rule_has_cases(self):
        tested_alerts, tested_exprs = set(), ""
        for name in TESTS:
            for case in yaml.safe_load((HERE / name).read_text())["tests"]:
                tested_alerts |= {t["alertname"] for t in case.get("alert_rule_test", [])}
                tested_exprs += " ".join(t["expr"] for t in case.get("promql_expr_test", []))
        for rule in rules():
            with self.subTest(rule=rule.get("alert") or rule.get("record")):
                if "alert" in rule:
                    self.assertIn(rule["alert"], tested_alerts)
                else:
                    self.assertIn(rule["record"], tested_exprs)

    def test_every_alert_has_a_severity_and_a_runbook_entry(self):
        runbook = (ROOT / "docs/operations.md").read_text()
        anchors = {re.sub(r"[^a-z0-9 -]", "", h.strip().lower()).replace(" ", "-")
                   for h in re.findall(r"^#+ (.+)$", runbook, re.M)}
        for rule in rules():
            if "alert" not in rule:
                continue
            with self.subTest(alert=rule["alert"]):
                self.assertIn(rule["labels"]["severity"], {"critical", "warning", "info"})
                url = rule["annotations"]["runbook_url"]
                page, anchor = url.split("#")
                self.assertEqual(page, "docs/operations.md")
                self.assertIn(anchor, anchors)

    def test_a_broken_case_fails(self):
        # promtool must fail a case that expects the wrong thing, or the cases prove nothing.
        broken = (HERE / "alerts.test.yml").read_text().replace(
            "summary: \"Parcours instance a does not answer /metrics\"",
            "summary: \"Parcours instance b does not answer /metrics\"")
        path = HERE / ".broken.test.yml"
        try:
            path.write_text(broken)
            self.assertNotEqual(promtool("test", "rules", path.name).returncode, 0)
        finally:
            path.unlink()


if __name__ == "__main__":
    unittest.main()
