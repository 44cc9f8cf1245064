"""The newcomer's path, as a new user takes it: deploy/local/up.sh in one shell; in another,
fresh shell, the commands up.sh prints, then README's "A first journey" block, each exactly as
printed. And each subcommand asks only for the configuration it uses.

up.sh runs against the test broker (PARCOURS_KAFKA_PORT and PARCOURS_KAFKA_HOME, which
tests/run.sh exports) on its own HTTP port, topic prefix and data directory, the settings README
says a second stack may change; it must leave that broker running when it stops.
"""
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import unittest
import urllib.request
import uuid

from harness import BIN, BROKERS, free_port

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "../.."))


def fresh_env(**extra):
    """A new login shell's environment: no PARCOURS_* variable unless given."""
    env = {"HOME": os.environ.get("HOME", "/root"), "PATH": os.environ["PATH"],
           "LANG": "C.UTF-8"}
    env.update(extra)
    return env


def printed_commands(output):
    """The commands up.sh prints under "In another shell", continuation lines joined."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if "In another shell" in line) + 1
    block = []
    for line in lines[start:]:
        if not line.strip():
            break
        block.append(line[4:] if line.startswith("    ") else line.strip())
    return "\n".join(block)


def readme_walkthrough():
    text = open(os.path.join(ROOT, "README.md")).read()
    block = re.search(r"<!-- first-journey: begin -->\n```sh\n(.*?)```\n<!-- first-journey: end -->",
                      text, re.S)
    return block.group(1)


class Subcommands(unittest.TestCase):
    """Each subcommand asks for what it uses, and only that."""

    def run_bin(self, *args, **env):
        return subprocess.run([BIN, *args], env=fresh_env(**env), capture_output=True, text=True,
                              timeout=120, check=False)

    def test_token_needs_the_signing_secret_only(self):
        out = self.run_bin("token", "--sub", "alice", "--org", "ft-annecy",
                           PARCOURS_JWT_SECRET="s" * 40)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(len(out.stdout.strip().split(".")), 3)
        out = self.run_bin("token", "--sub", "alice")
        self.assertEqual(out.returncode, 2)
        self.assertIn("PARCOURS_JWT_SECRET", out.stderr)
        self.assertNotIn("MASTER_KEY", out.stderr)

    def test_topics_needs_no_secret(self):
        out = self.run_bin("topics", PARCOURS_KAFKA_BROKERS=BROKERS,
                           PARCOURS_TOPIC_PREFIX=f"fj-{uuid.uuid4().hex[:8]}.",
                           PARCOURS_PARTITIONS="1", PARCOURS_SMALL_PARTITIONS="1")
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("created", out.stdout)

    def test_serve_still_needs_the_master_key(self):
        out = self.run_bin("serve", PARCOURS_JWT_SECRET="s" * 40)
        self.assertEqual(out.returncode, 2)
        self.assertIn("PARCOURS_MASTER_KEY is missing", out.stderr)


@unittest.skipUnless(os.environ.get("PARCOURS_KAFKA_HOME") and os.environ.get("PARCOURS_KAFKA_PORT"),
                     "needs the test broker's PARCOURS_KAFKA_PORT and PARCOURS_KAFKA_HOME "
                     "(tests/run.sh exports them)")
class FirstJourney(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="parcours-first-")
        self.addr = f"127.0.0.1:{free_port()}"
        # What a second stack beside the developer's would set (README, "Configuration").
        self.stack = {
            "PARCOURS_KAFKA_PORT": os.environ["PARCOURS_KAFKA_PORT"],
            "PARCOURS_HTTP_ADDR": self.addr,
            "PARCOURS_TOPIC_PREFIX": f"fj-{uuid.uuid4().hex[:8]}.",
        }
        env = fresh_env(**self.stack, PARCOURS_KAFKA_HOME=os.environ["PARCOURS_KAFKA_HOME"],
                        PARCOURS_DATA_DIR=os.path.join(self.tmp, "data"),
                        PARCOURS_PARTITIONS="3")
        self.log = open(os.path.join(self.tmp, "up.log"), "w+")
        self.up = subprocess.Popen([os.path.join(ROOT, "deploy/local/up.sh")], env=env,
                                   stdout=self.log, stderr=subprocess.STDOUT, cwd=self.tmp,
                                   start_new_session=True)
        deadline = time.time() + 300
        while time.time() < deadline:
            if self.up.poll() is not None:
                self.fail("up.sh exited: " + self.output()[-3000:])
            try:
                with urllib.request.urlopen(f"http://{self.addr}/readyz", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.5)
        self.fail("serve not ready: " + self.output()[-3000:])

    def tearDown(self):
        if self.up.poll() is None:
            os.killpg(self.up.pid, signal.SIGKILL)
            self.up.wait()
        self.log.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def output(self):
        self.log.flush()
        with open(self.log.name) as f:
            return f.read()

    def shell(self, script, **extra):
        """Runs a script as pasted into a new shell in the repository's root; stops at the
        first failing command."""
        return subprocess.run(["bash", "-e", "-o", "pipefail", "-c", script],
                              env=fresh_env(**extra), cwd=ROOT, capture_output=True, text=True,
                              timeout=300, check=False)

    def test_printed_commands_then_the_readme_walkthrough_then_ctrl_c(self):
        # 1. What up.sh prints works as printed, in a shell that never sourced anything.
        commands = printed_commands(self.output())
        self.assertIn("token --sub alice --org ft-annecy", commands)
        out = self.shell(commands)
        self.assertEqual(out.returncode, 0, commands + "\n" + out.stdout + out.stderr)
        self.assertIn('"org_id":"ft-annecy"', out.stdout)
        self.assertRegex(out.stdout.strip().splitlines()[-1], r"^[\w-]+\.[\w-]+\.[\w-]+$")

        # 2. README's first journey, with only the stack's own settings exported.
        out = self.shell(readme_walkthrough(), **self.stack)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        for fact in ('"type":"candidature.accepted"', '"type":"pass.issued"',
                     '"type":"contract.started"'):
            self.assertIn(fact, out.stdout.replace(" ", ""))
        self.assertIn('"journey_id":"j-first"', out.stdout)
        self.assertIn("chain: intact, 6 events", out.stdout)  # audit journey
        self.assertRegex(out.stdout, r'"ok": true')  # audit verify

        # 3. Ctrl-C stops serve and up.sh, and leaves the broker up.sh found running.
        os.killpg(self.up.pid, signal.SIGINT)
        self.assertEqual(self.up.wait(60), 0, self.output()[-2000:])
        status = subprocess.run([os.path.join(ROOT, "deploy/local/kafka.sh"), "status"],
                                env=fresh_env(**self.stack), capture_output=True, text=True,
                                check=False)
        self.assertEqual(status.returncode, 0, status.stdout)


if __name__ == "__main__":
    unittest.main()
