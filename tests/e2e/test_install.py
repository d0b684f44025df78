"""test_install.py - what make install ships: the man pages render with
man -l without warnings, and the systemd units carry the hardening the
packaged service relies on."""
import os
import shutil
import subprocess
from pathlib import Path

import pytest

TOP = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("page", ["listd.8", "listctl.8"])
def test_man_page_renders(page):
    if not shutil.which("man"):
        pytest.skip("man-db is not installed (scripts/deps.sh --test installs it)")
    p = subprocess.run(["man", "--warnings", "-l", str(TOP / "doc" / page)],
                       capture_output=True, env=dict(os.environ, MANWIDTH="80"),
                       timeout=30)
    assert p.returncode == 0 and p.stderr == b"", p.stderr
    text = p.stdout.decode()
    assert "NAME" in text and "SYNOPSIS" in text


def test_service_unit_is_hardened():
    unit = (TOP / "contrib" / "listd.service").read_text()
    for line in ("Type=simple", "User=listd", "ProtectSystem=strict",
                 "ReadWritePaths=/var/lib/listd", "NoNewPrivileges=yes",
                 "ExecStartPre=/usr/bin/listd -n"):
        assert line in unit.splitlines(), line
