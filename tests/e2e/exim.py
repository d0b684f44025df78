"""exim.py - a private Exim instance for end-to-end tests: its own
configuration (contrib/exim-router.conf's router and transport, pointed at
the test's maps and LMTP socket), spool and log directories under a
temporary directory, SMTP on a free loopback port, no system service.

Debian's exim4 looks up its compiled-in user "Debian-exim" before it reads
any configuration. When that user does not exist here (exim4 is not
installed system-wide: it would replace Postfix), the instance runs in a
private mount namespace where /etc/passwd and /etc/group name Debian-exim
as nobody/nogroup; nothing outside the process changes. The binary is the
system's /usr/sbin/exim4 or a copy unpacked by scripts/deps.sh --test
(apt-get download; dpkg -x) under $LISTD_EXIM_ROOT."""
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from mailtest import free_port, wait_until

ROOT = Path(__file__).resolve().parents[2]
CONTRIB = ROOT / "contrib" / "exim-router.conf"
PRIVATE = Path(os.environ.get("LISTD_EXIM_ROOT", "/var/cache/listd-test/exim"))


def binary():
    """(exim path, LD_LIBRARY_PATH or None), or (None, None)."""
    if Path("/usr/sbin/exim4").exists():
        return "/usr/sbin/exim4", None
    exe = PRIVATE / "usr" / "sbin" / "exim4"
    if exe.exists():
        return str(exe), str(PRIVATE / "usr" / "lib" / "x86_64-linux-gnu")
    return None, None


def unavailable():
    """Why Exim cannot run here, or None."""
    exe, _ = binary()
    if exe is None:
        return (f"exim4 is not installed and not unpacked in {PRIVATE} "
                "(scripts/deps.sh --test unpacks exim4-daemon-light there)")
    if os.geteuid() != 0:
        return "a private Exim instance needs root (it starts as root)"
    if not has_user("Debian-exim") and shutil.which("unshare") is None:
        return "no Debian-exim user and no unshare(1) for a private one"
    return None


def has_user(name):
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def contrib_blocks(maps_dir, socket_path):
    """The router and transport of contrib/exim-router.conf, with the
    test's maps directory and LMTP socket in place of the packaged paths."""
    text = CONTRIB.read_text()
    text = text.replace("/var/lib/listd/postfix", str(maps_dir))
    text = text.replace("/run/listd/lmtp.sock", str(socket_path))
    routers = text[text.index("# In the routers section"):text.index("# In the transports section")]
    transports = text[text.index("# In the transports section"):]
    return routers, transports


class Exim:
    def __init__(self, maps_dir, socket_path):
        self.base = Path(tempfile.mkdtemp(prefix="listd-exim-"))
        self.base.chmod(0o755)
        self.port = free_port()
        self.maps = Path(maps_dir)
        self.socket = Path(socket_path)
        self.proc = None
        self.conf = self.base / "exim.conf"

    def write_conf(self):
        for d in ("spool", "log"):
            (self.base / d).mkdir(exist_ok=True)
            shutil.chown(self.base / d, "nobody" if not has_user("Debian-exim")
                         else "Debian-exim")
        routers, transports = contrib_blocks(self.maps, self.socket)
        exe, libs = binary()
        self.conf.write_text(f"""\
# A private Exim for listd's tests: only list mail, handed to listd.
exim_path = {exe}
keep_environment = {"LD_LIBRARY_PATH" if libs else ""}
primary_hostname = mx.listd.test
exim_user = Debian-exim
exim_group = Debian-exim
spool_directory = {self.base / 'spool'}
log_file_path = {self.base / 'log'}/%slog
pid_file_path = {self.base / 'exim.pid'}
daemon_smtp_ports = {self.port}
local_interfaces = <; 127.0.0.1
host_lookup =
rfc1413_hosts =
acl_smtp_rcpt = acl_rcpt
queue_run_max = 1

begin acl
acl_rcpt:
  accept verify = recipient
  deny   message = no such list here

begin routers
{routers}
begin transports
{transports}
""")
        self.conf.chmod(0o644)

    def command(self, *args):
        exe, libs = binary()
        env = dict(os.environ)
        if libs:
            env["LD_LIBRARY_PATH"] = libs
        cmd = [exe, "-C", str(self.conf), *args]
        if has_user("Debian-exim"):
            return cmd, env
        passwd, group = self.base / "passwd", self.base / "group"
        nobody = pwd.getpwnam("nobody")
        passwd.write_text(Path("/etc/passwd").read_text() +
                          f"Debian-exim:x:{nobody.pw_uid}:{nobody.pw_gid}::/nonexistent:/usr/sbin/nologin\n")
        group.write_text(Path("/etc/group").read_text() + f"Debian-exim:x:{nobody.pw_gid}:\n")
        script = ('mount --bind "$1" /etc/passwd && mount --bind "$2" /etc/group && '
                  'shift 2 && exec "$@"')
        return ["unshare", "-m", "--propagation", "private", "sh", "-c", script, "sh",
                str(passwd), str(group), *cmd], env

    def check(self):
        """exim -bV: the configuration parses. (exit code, output)."""
        cmd, env = self.command("-bV")
        p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=30)
        return p.returncode, p.stdout + p.stderr

    def start(self):
        self.write_conf()
        rc, out = self.check()
        assert rc == 0, out
        cmd, env = self.command("-bdf", "-q5s")
        self.log = open(self.base / "stderr", "ab")
        self.proc = subprocess.Popen(cmd, env=env, stdout=self.log, stderr=subprocess.STDOUT)

        def listening():
            import socket
            if self.proc.poll() is not None:
                raise AssertionError(f"exim exited {self.proc.returncode}: {self.logs()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return True
            except OSError:
                return False
        wait_until(listening, 20, what="exim to listen")
        return self

    def logs(self):
        out = []
        for name in ("stderr", "log/mainlog", "log/paniclog", "log/rejectlog"):
            p = self.base / name
            if p.exists():
                out.append(f"--- {name}\n" + p.read_text(errors="replace")[-3000:])
        return "\n".join(out)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc:
            self.log.close()
        shutil.rmtree(self.base, ignore_errors=True)
