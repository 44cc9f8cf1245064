"""deploy/compose.yaml, checked without a Docker engine: Debian's docker-compose validates it
against the Compose schema and resolves it (`config`), then the resolved file is checked for what
the stack needs: three brokers in one KRaft quorum, two instances, Prometheus scraping them,
Grafana provisioned with the dashboard."""
import json
import pathlib
import shutil
import subprocess
import tempfile
import unittest

import yaml

from common import ROOT, config_variables

COMPOSE = ROOT / "deploy/compose.yaml"


def compose_config(path):
    return subprocess.run(["docker-compose", "--project-directory", str(path.parent), "-f",
                           str(path), "config"], capture_output=True, text=True, check=False)


@unittest.skipUnless(shutil.which("docker-compose"), "docker-compose (Debian) is missing")
class Compose(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        out = compose_config(COMPOSE)
        assert out.returncode == 0, out.stderr
        cls.config = yaml.safe_load(out.stdout)
        cls.services = cls.config["services"]

    def test_compose_rejects_a_broken_file(self):
        text = COMPOSE.read_text()
        mistakes = {
            "unknown option": text.replace('    ports:\n      - "127.0.0.1:8080:8080"',
                                           '    portz:\n      - "127.0.0.1:8080:8080"'),
            "unknown condition": text.replace("condition: service_completed_successfully",
                                              "condition: service_done"),
            "undeclared volume": text.replace("      - parcours-2:/var/lib/parcours",
                                              "      - parcours-9:/var/lib/parcours"),
        }
        with tempfile.TemporaryDirectory() as d:
            bad = pathlib.Path(d) / "compose.yaml"
            for what, broken in mistakes.items():
                with self.subTest(mistake=what):
                    self.assertNotEqual(broken, text)
                    bad.write_text(broken)
                    self.assertNotEqual(compose_config(bad).returncode, 0)

    def test_references_docker_compose_1_does_not_check(self):
        secrets = set(self.config["secrets"])
        for name, s in self.services.items():
            with self.subTest(service=name):
                self.assertIn(s.get("restart", "no"),
                              {"no", "always", "on-failure", "unless-stopped"})
                self.assertEqual({x["source"] for x in s.get("secrets", [])} - secrets, set())
                for v in s.get("volumes", []):
                    self.assertTrue(v.startswith("/") or v.split(":")[0] in self.config["volumes"],
                                    v)

    def brokers(self):
        return {n: s for n, s in self.services.items()
                if s.get("image", "").startswith("apache/kafka:")}

    def instances(self):
        return {n: s for n, s in self.services.items()
                if s.get("image") == "parcours:local" and s.get("command") is None}

    def test_three_brokers_one_quorum(self):
        brokers = self.brokers()
        self.assertEqual(len(brokers), 3)
        ids = {s["environment"]["KAFKA_NODE_ID"] for s in brokers.values()}
        self.assertEqual(ids, {"1", "2", "3"})
        voters = {s["environment"]["KAFKA_CONTROLLER_QUORUM_VOTERS"] for s in brokers.values()}
        self.assertEqual(len(voters), 1)
        self.assertEqual({v.split("@")[1].split(":")[0] for v in voters.pop().split(",")},
                         set(brokers))
        for name, s in brokers.items():
            env = s["environment"]
            self.assertEqual(env["KAFKA_DEFAULT_REPLICATION_FACTOR"], "3")
            self.assertEqual(env["KAFKA_MIN_INSYNC_REPLICAS"], "2")
            self.assertEqual(env["KAFKA_TRANSACTION_STATE_LOG_MIN_ISR"], "2")
            self.assertEqual(env["KAFKA_ADVERTISED_LISTENERS"], f"PLAINTEXT://{name}:9092")
            self.assertIn(f"{name}:/var/lib/kafka/data:rw", s["volumes"])

    def test_two_instances_with_their_own_ids_and_volumes(self):
        instances = self.instances()
        self.assertEqual(len(instances), 2)
        ids = {s["environment"]["PARCOURS_INSTANCE_ID"] for s in instances.values()}
        self.assertEqual(len(ids), 2)
        known = config_variables()
        brokers = set(self.brokers())
        for name, s in instances.items():
            with self.subTest(instance=name):
                env = s["environment"]
                self.assertEqual(set(env) - known, set())
                self.assertEqual({b.split(":")[0] for b in env["PARCOURS_KAFKA_BROKERS"].split(",")},
                                 brokers)
                self.assertEqual(env["PARCOURS_REPLICATION_FACTOR"], "3")
                self.assertEqual(s["build"]["dockerfile"], "deploy/Dockerfile")
                self.assertEqual(s["depends_on"]["topics"]["condition"],
                                 "service_completed_successfully")
                # Secrets are files, named by the *_FILE variables.
                self.assertNotIn("PARCOURS_JWT_SECRET", env)
                self.assertNotIn("PARCOURS_MASTER_KEY", env)
                mounted = {"/run/secrets/" + x["source"] for x in s["secrets"]}
                self.assertIn(env["PARCOURS_JWT_SECRET_FILE"], mounted)
                self.assertIn(env["PARCOURS_MASTER_KEY_FILE"], mounted)
                self.assertIn(f"{name}:/var/lib/parcours:rw", s["volumes"])
                self.assertIn("/readyz", " ".join(s["healthcheck"]["test"]))
        topics = self.services["topics"]
        self.assertEqual(topics["command"], ["topics"])
        for broker in brokers:
            self.assertEqual(topics["depends_on"][broker]["condition"], "service_healthy")

    def test_prometheus_scrapes_both_instances_and_loads_the_rules(self):
        prom = self.services["prometheus"]
        self.assertIn(f"{ROOT}/deploy/prometheus:/etc/prometheus:ro", prom["volumes"])
        config = yaml.safe_load((ROOT / "deploy/prometheus/prometheus.yml").read_text())
        self.assertEqual(config["rule_files"], ["alerts.yml"])
        (job,) = [j for j in config["scrape_configs"] if j["job_name"] == "parcours"]
        targets = job["static_configs"][0]["targets"]
        self.assertEqual(sorted(targets), sorted(f"{n}:8080" for n in self.instances()))

    def test_grafana_is_provisioned_with_the_dashboard(self):
        grafana = self.services["grafana"]
        mounts = {v.split(":")[1]: pathlib.Path(v.split(":")[0]) for v in grafana["volumes"]
                  if v.startswith("/")}
        self.assertEqual(mounts["/etc/grafana/provisioning"], ROOT / "deploy/grafana/provisioning")
        dashboards = yaml.safe_load(
            (ROOT / "deploy/grafana/provisioning/dashboards/parcours.yaml").read_text())
        folder = dashboards["providers"][0]["options"]["path"]
        self.assertEqual(mounts[folder + "/parcours.json"], ROOT / "deploy/grafana/parcours.json")
        sources = yaml.safe_load(
            (ROOT / "deploy/grafana/provisioning/datasources/prometheus.yaml").read_text())
        (source,) = sources["datasources"]
        self.assertEqual(source["url"], "http://prometheus:9090")
        dashboard = json.loads((ROOT / "deploy/grafana/parcours.json").read_text())
        uids = {p["datasource"]["uid"] for p in dashboard["panels"] if "datasource" in p}
        self.assertEqual(uids, {source["uid"]})


if __name__ == "__main__":
    unittest.main()
