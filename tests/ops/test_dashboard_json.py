"""deploy/grafana/parcours.json as Grafana reads it: its rows, panels and queries. Whether each
query parses and returns data is tests/integration/test_dashboard.py's job (a real Prometheus)."""
import json
import unittest

from common import ROOT

DASHBOARD = json.loads((ROOT / "deploy/grafana/parcours.json").read_text())
TECHNICAL = {"Service", "Commands", "Transactions", "Read models", "HTTP", "RocksDB",
             "Kafka clients", "Process"}
BUSINESS = {"PASS IAE and candidatures", "Exits and refusals (current year)"}


class Dashboard(unittest.TestCase):
    def test_rows(self):
        rows = [p["title"] for p in DASHBOARD["panels"] if p["type"] == "row"]
        self.assertEqual(set(rows), TECHNICAL | BUSINESS)

    def test_panels(self):
        ids = [p["id"] for p in DASHBOARD["panels"]]
        self.assertEqual(len(ids), len(set(ids)))
        for p in DASHBOARD["panels"]:
            with self.subTest(panel=p["title"]):
                g = p["gridPos"]
                self.assertLessEqual(g["x"] + g["w"], 24)
                if p["type"] == "row":
                    continue
                self.assertIn(p["type"], {"timeseries", "stat", "bargauge"})
                self.assertEqual(p["datasource"], {"type": "prometheus", "uid": "prometheus"})
                self.assertTrue(p["description"])
                refs = [t["refId"] for t in p["targets"]]
                self.assertEqual(len(refs), len(set(refs)))
                for t in p["targets"]:
                    self.assertEqual(t["datasource"], p["datasource"])
                    self.assertTrue(t["expr"].strip())
                    # Every query follows the instance selector.
                    self.assertIn('instance=~"$instance"', t["expr"])

    def test_panels_of_the_issue(self):
        titles = " | ".join(p["title"].lower() for p in DASHBOARD["panels"])
        for words in ("commands by outcome", "command latency", "transaction commit time",
                      "batch sizes", "projector lag per partition", "requests by route and status",
                      "pass iae valid", "pass iae suspended", "exits by category",
                      "dynamic exit rate", "refusals by reason", "candidatures waiting"):
            self.assertIn(words, titles)

    def test_store_and_kafka_client_panels(self):
        # The panels of each row, in the order Grafana shows them.
        titles, row = {}, None
        for p in DASHBOARD["panels"]:
            if p["type"] == "row":
                row = p["title"]
            else:
                titles.setdefault(row, []).append(p["title"].lower())
        rows = {name: " | ".join(panels) for name, panels in titles.items()}
        for words in ("table files and live data", "memtables", "block cache usage vs capacity",
                      "pending compaction bytes", "running compactions and flushes",
                      "write stalls"):
            self.assertIn(words, rows["RocksDB"])
        for words in ("broker round-trip time (p99)", "requests in flight", "producer queue",
                      "consumer lag per partition", "bytes sent and received",
                      "broker connections"):
            self.assertIn(words, rows["Kafka clients"])


if __name__ == "__main__":
    unittest.main()
