"""Paths and helpers shared by the operations tests (tests/ops/run.sh runs them in the venv that
tests/ops/tools.sh installs)."""
import json
import os
import pathlib
import re
import shutil
import subprocess

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
TOOLS = pathlib.Path(os.environ.get("PARCOURS_OPS_TOOLS", ROOT / "var/ops-tools"))
NODE_MODULES = TOOLS / "node/node_modules"
STRIMZI_CRDS = TOOLS / "strimzi"


def documents(path):
    """Every non-empty YAML document of a file."""
    with open(path) as f:
        return [d for d in yaml.safe_load_all(f) if d]


def node(script, *args, stdin=None):
    """Runs a Node.js script of tests/ops with the pinned npm packages; returns its JSON output.

    Node resolves an ES module's imports from the module's own folder (NODE_PATH does not apply),
    so the script runs from a copy beside the installed node_modules."""
    copy = TOOLS / "node" / script
    shutil.copyfile(ROOT / "tests/ops" / script, copy)
    out = subprocess.run(["node", str(copy), *map(str, args)], input=stdin, capture_output=True,
                         text=True, timeout=300, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"{script} failed ({out.returncode}): {out.stderr[-3000:]}")
    return json.loads(out.stdout)


def config_variables():
    """The PARCOURS_* variables `parcours` reads, from the one place they are declared."""
    text = (ROOT / "src/common/config.cc").read_text()
    names = set(re.findall(r'"(PARCOURS_[A-Z0-9_]+)"', text))
    # serve reads its test failpoint itself; never set it in a deployment.
    names.discard("PARCOURS_FAILPOINT")
    return names
