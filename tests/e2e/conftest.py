"""conftest.py - fixtures for end-to-end tests: the built binaries, a fresh
LISTD_HOME per test, and a runner for listctl that returns exit code,
stdout and stderr (and parsed JSON with --json)."""
import json
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUILD = Path(os.environ.get("LISTD_BUILD", ROOT / "build"))
# The shared test corpus sits beside the repository (../shared), in CI too.
SHARED = next((p for p in (ROOT.parent / "shared", Path("/work/shared"))
               if (p / "corpus").is_dir()), ROOT.parent / "shared")
BIN = BUILD / "bin"


class Ctl:
    """Runs listctl against one home directory."""

    def __init__(self, home):
        self.home = Path(home)

    def run(self, *args, input=None, check=None, timeout=60):
        env = dict(os.environ, LISTD_HOME=str(self.home), LISTD_ACTOR="test")
        p = subprocess.run([str(BIN / "listctl"), *map(str, args)], input=input,
                           capture_output=True, env=env, timeout=timeout)
        out = p.stdout.decode("utf-8", "replace")
        err = p.stderr.decode("utf-8", "replace")
        if check is not None:
            assert p.returncode == check, f"exit {p.returncode}, stderr: {err}"
        return p.returncode, out, err

    def json(self, *args):
        rc, out, err = self.run("--json", *args)
        assert rc == 0, f"exit {rc}: {err}"
        return json.loads(out)


@pytest.fixture
def home(tmp_path):
    h = tmp_path / "home"
    h.mkdir()
    return h


@pytest.fixture
def ctl(home):
    return Ctl(home)


@pytest.fixture
def sink(tmp_path):
    from mailtest import Sink
    s = Sink(tmp_path / "sink")
    yield s
    s.stop()


@pytest.fixture
def district(ctl):
    """A district "north" at north.example.org with a members-only list
    staff@ holding three members and an owner."""
    ctl.run("district", "add", "north", "--domain", "north.example.org",
            "--name", "North District", check=0)
    ctl.run("list", "create", "staff@north.example.org", "--kind", "discussion",
            "--description", "North staff", check=0)
    for a in ("alice@example.net", "bob@example.com", "carol@example.com"):
        ctl.run("member", "add", "staff@north.example.org", a, check=0)
    ctl.run("member", "add", "staff@north.example.org", "owner@north.example.org",
            "--role", "owner", check=0)
    return "staff@north.example.org"


@pytest.fixture
def listd(home, sink):
    from mailtest import Listd
    d = Listd(home, sink.port)
    yield d
    d.stop()
