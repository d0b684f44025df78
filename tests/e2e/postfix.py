"""postfix.py - a private Postfix instance for end-to-end tests: its own
config_directory, queue_directory and data_directory under a temporary
directory, SMTP on a free loopback port, relaying everything that is not
a list address to the test's SMTP sink, and reading listd's generated
maps. Started with "postfix -c DIR start", stopped with "postfix stop"."""
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

from mailtest import free_port, wait_until

POSTFIX = "/usr/sbin/postfix"

SERVICES = [  # name type private unpriv chroot wakeup maxproc command
    "{listen} inet n - n - - smtpd",
    "pickup unix n - n 60 1 pickup",
    "cleanup unix n - n - 0 cleanup",
    "qmgr unix n - n 300 1 qmgr",
    "rewrite unix - - n - - trivial-rewrite",
    "bounce unix - - n - 0 bounce",
    "defer unix - - n - 0 bounce",
    "trace unix - - n - 0 bounce",
    "verify unix - - n - 1 verify",
    "flush unix n - n 1000? 0 flush",
    "proxymap unix - - n - - proxymap",
    "smtp unix - - n - - smtp",
    "relay unix - - n - - smtp",
    "showq unix n - n - - showq",
    "error unix - - n - - error",
    "retry unix - - n - - error",
    "discard unix - - n - - discard",
    "lmtp unix - - n - - lmtp",
    "anvil unix - - n - 1 anvil",
    "scache unix - - n - 1 scache",
    "postlog unix-dgram n - n - 1 postlogd",
]


def unavailable():
    """Why Postfix cannot run here, or None."""
    if not os.path.exists(POSTFIX):
        return "Debian package postfix is not installed (scripts/deps.sh --test installs it)"
    if os.geteuid() != 0:
        return "a private Postfix instance needs root (its master runs as root)"
    try:
        pwd.getpwnam("postfix")
    except KeyError:
        return "there is no postfix user"
    return None


class Postfix:
    def __init__(self, relay_port, maps_dir):
        # pytest's tmp_path is mode 0700: the postfix user could not reach
        # its data_directory there, so the instance gets a 0755 directory.
        self.base = Path(tempfile.mkdtemp(prefix="listd-postfix-"))
        self.base.chmod(0o755)
        self.conf = self.base / "conf"
        self.port = free_port()
        self.relay_port = relay_port
        self.maps = Path(maps_dir)
        self.running = False

    def write_conf(self):
        for d in ("conf", "queue", "data"):
            (self.base / d).mkdir(parents=True, exist_ok=True)
        pw = pwd.getpwnam("postfix")
        os.chown(self.base / "data", pw.pw_uid, pw.pw_gid)
        m = self.maps
        (self.conf / "main.cf").write_text(f"""\
compatibility_level = 3.6
config_directory = {self.conf}
queue_directory = {self.base / 'queue'}
data_directory = {self.base / 'data'}
mail_owner = postfix
setgid_group = postdrop
myhostname = mx.postfix.test
mydomain = postfix.test
mydestination =
myorigin = postfix.test
inet_interfaces = loopback-only
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
relayhost = [127.0.0.1]:{self.relay_port}
recipient_delimiter = +
alias_maps =
alias_database =
local_recipient_maps =
smtputf8_enable = no
biff = no
maillog_file = {self.base / 'maillog'}
maillog_file_prefixes = {self.base}
syslog_name = postfix-listdtest
smtp_tls_security_level = none
smtpd_tls_security_level = none
queue_run_delay = 1s
minimal_backoff_time = 1s
maximal_backoff_time = 2s
# The three lines of listd's README:
transport_maps = hash:{m}/listd_transport
relay_domains = hash:{m}/listd_domains
relay_recipient_maps = hash:{m}/listd_recipients
""")
        (self.conf / "master.cf").write_text("\n".join(
            s.format(listen=f"127.0.0.1:{self.port}") for s in SERVICES) + "\n")
        # Empty map files so "postfix check" finds them before listctl runs.
        for name in ("listd_transport", "listd_domains", "listd_recipients"):
            p = m / f"{name}.db"
            if not p.exists():
                raise AssertionError(f"{p} missing: run listctl mta postfix first")

    def cmd(self, *args, check=True):
        p = subprocess.run([POSTFIX, "-c", str(self.conf), *args],
                           capture_output=True, timeout=60)
        if check and p.returncode != 0:
            raise AssertionError(f"postfix {' '.join(args)}: {p.stderr.decode()} "
                                 f"{self.log()[-2000:]}")
        return p

    def start(self):
        self.write_conf()
        self.cmd("check")
        self.cmd("start")
        self.running = True
        wait_until(self.listening, 30, what="postfix to listen")
        return self

    def listening(self):
        try:
            socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
            return True
        except OSError:
            return False

    def log(self):
        p = self.base / "maillog"
        return p.read_text(errors="replace") if p.exists() else ""

    def stop(self):
        if not self.running:
            return
        self.cmd("stop", check=False)
        pid = self.base / "queue" / "pid" / "master.pid"
        wait_until(lambda: not pid.exists() or not _alive(pid), 30,
                   what="postfix master to exit")
        self.running = False

    def remove(self):
        self.stop()
        shutil.rmtree(self.base, ignore_errors=True)


def _alive(pidfile):
    try:
        pid = int(pidfile.read_text().split()[0])
        os.kill(pid, 0)
        return True
    except (ValueError, IndexError, ProcessLookupError, FileNotFoundError):
        return False
