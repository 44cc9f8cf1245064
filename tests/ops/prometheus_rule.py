"""Writes deploy/kubernetes/prometheus-rule.yaml from deploy/prometheus/alerts.yml.

The alert rules live in one file; the Prometheus Operator wants them inside a PrometheusRule.
Run it after changing alerts.yml (test_kubernetes fails until the two agree):

    var/ops-tools/venv/bin/python tests/ops/prometheus_rule.py
"""
import pathlib

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
ALERTS = ROOT / "deploy/prometheus/alerts.yml"
TARGET = ROOT / "deploy/kubernetes/prometheus-rule.yaml"

HEADER = """\
# Generated from deploy/prometheus/alerts.yml by tests/ops/prometheus_rule.py: edit alerts.yml,
# then run the script. The Prometheus Operator loads these rules (same as the compose stack's).
"""


def rule_resource():
    groups = yaml.safe_load(ALERTS.read_text())["groups"]
    return {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "PrometheusRule",
        "metadata": {"name": "parcours", "namespace": "parcours",
                     "labels": {"app.kubernetes.io/name": "parcours"}},
        "spec": {"groups": groups},
    }


class _Dumper(yaml.SafeDumper):
    """Writes multi-line strings (the PromQL expressions) as literal blocks, as in alerts.yml."""


def _string(dumper, value):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _string)


def main():
    text = yaml.dump(rule_resource(), Dumper=_Dumper, sort_keys=False, width=100,
                     allow_unicode=True)
    TARGET.write_text(HEADER + text)


if __name__ == "__main__":
    main()
