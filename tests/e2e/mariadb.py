"""mariadb.py - a throwaway MariaDB server for tests: its own data
directory, unix socket and loopback port, initialised with
mariadb-install-db, started as a child process, stopped (or killed) by the
test. Every wait is bounded; a server that cannot start fails the test
loudly. Only a machine without the mariadb-server package skips, with a
message saying how to install it.

    srv = MariaDB().start()
    srv.sql("CREATE DATABASE d")
    srv.stop()

Fixtures: mariadb_server (one per test module) and mariadb (per test: the
server running, database `directory` empty, user `reader` with SELECT on
it and the password READER_PASSWORD)."""
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from mailtest import free_port, wait_until

READER_PASSWORD = "Rd-8s3cret-Qz7"
DATABASE = "directory"


def _find(name):
    return shutil.which(name) or next(
        (p for p in (f"/usr/sbin/{name}", f"/usr/bin/{name}") if os.access(p, os.X_OK)),
        None)


class MariaDB:
    """One mariadbd on 127.0.0.1:port and dir/sock, run as root."""

    def __init__(self):
        self.mariadbd = _find("mariadbd")
        self.install_db = _find("mariadb-install-db")
        self.client = _find("mariadb") or _find("mysql")
        if not (self.mariadbd and self.install_db and self.client):
            pytest.skip("mariadb-server and mariadb-client are not installed "
                        "(scripts/deps.sh --test installs them)")
        # A short directory: unix socket paths are limited to 107 bytes.
        self.dir = Path(tempfile.mkdtemp(prefix="listd-mariadb-", dir="/tmp"))
        self.data = self.dir / "data"
        self.sock = self.dir / "sock"
        self.log = self.dir / "error.log"
        self.port = free_port()
        self.proc = None

    def install(self):
        p = subprocess.run(
            [self.install_db, "--no-defaults", f"--datadir={self.data}",
             "--user=root", "--auth-root-authentication-method=normal",
             "--skip-test-db", "--skip-name-resolve"],
            capture_output=True, timeout=180)
        assert p.returncode == 0, ("mariadb-install-db failed: " +
                                   p.stderr.decode(errors="replace")[-2000:])

    def args(self, extra=()):
        return [self.mariadbd, "--no-defaults", f"--datadir={self.data}",
                f"--socket={self.sock}", f"--port={self.port}",
                "--bind-address=127.0.0.1", "--user=root",
                f"--pid-file={self.dir / 'pid'}", f"--log-error={self.log}",
                "--skip-name-resolve", "--skip-log-bin",
                "--innodb-buffer-pool-size=32M", "--max-connections=50",
                *extra]

    def start(self, extra=()):
        """Initialise on first use, start, and wait (at most 90 s) until a
        client can connect."""
        if not self.data.exists():
            self.install()
        self.proc = subprocess.Popen(self.args(extra), stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        wait_until(self.ready, 90, 0.1, what="mariadbd to accept connections")
        return self

    def ready(self):
        if self.proc.poll() is not None:
            log = self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""
            raise AssertionError(f"mariadbd exited {self.proc.returncode}: {log}")
        if not self.sock.exists():
            return False
        p = subprocess.run(self.client_args() + ["-e", "SELECT 1"],
                           capture_output=True, timeout=30)
        return p.returncode == 0

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def client_args(self, user="root", database=None):
        a = [self.client, "--no-defaults", f"--socket={self.sock}", f"--user={user}",
             "--batch", "--skip-column-names"]
        return a + ([database] if database else [])

    def sql(self, text, database=None, check=True, timeout=120):
        """Run SQL as root through the mariadb client; its output."""
        p = subprocess.run(self.client_args(database=database), input=text.encode(),
                           capture_output=True, timeout=timeout)
        if check:
            assert p.returncode == 0, p.stderr.decode(errors="replace")
        return p.stdout.decode()

    def kill(self):
        """SIGKILL the server, as a crash or a pulled cable would."""
        if self.running():
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(30)

    def stop(self):
        if self.running():
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(30)

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def reset(self):
        """Database `directory` empty and user `reader` (SELECT only); a
        reader's query a test left running is killed first."""
        for cid in self.sql("SELECT id FROM information_schema.processlist "
                            "WHERE user = 'reader'").split():
            self.sql(f"KILL {cid}", check=False)
        self.sql(f"DROP DATABASE IF EXISTS {DATABASE};"
                 f"CREATE DATABASE {DATABASE} CHARACTER SET utf8mb4;"
                 "DROP USER IF EXISTS 'reader'@'%';"
                 f"CREATE USER 'reader'@'%' IDENTIFIED BY '{READER_PASSWORD}';"
                 f"GRANT SELECT ON {DATABASE}.* TO 'reader'@'%';")

    def wait_for_state(self, state, timeout=30):
        """Wait until a client connection is in the given processlist state
        (e.g. "User sleep")."""
        q = ("SELECT COUNT(*) FROM information_schema.processlist "
             f"WHERE state = '{state}'")
        wait_until(lambda: int(self.sql(q).strip() or 0) > 0, timeout, 0.05,
                   what=f"a query in state {state!r}")


def sql_str(v):
    """A Python value as an SQL literal (NULL for None)."""
    if v is None:
        return "NULL"
    return "'" + str(v).replace("\\", "\\\\").replace("'", "''") + "'"


def insert_rows(table, columns, rows, chunk=500):
    """INSERT statements for rows, chunk rows a statement."""
    out = []
    for i in range(0, len(rows), chunk):
        vals = ",".join("(" + ",".join(sql_str(v) for v in r) + ")"
                        for r in rows[i:i + chunk])
        out.append(f"INSERT INTO {table} ({','.join(columns)}) VALUES {vals};")
    return "\n".join(out)


@pytest.fixture(scope="module")
def mariadb_server():
    srv = MariaDB().start()
    yield srv
    srv.cleanup()


@pytest.fixture
def mariadb(mariadb_server):
    """The module's server, running (restarted if a test killed it), with
    an empty `directory` database and the read-only user `reader`."""
    if not mariadb_server.running():
        mariadb_server.start()
    mariadb_server.reset()
    return mariadb_server
