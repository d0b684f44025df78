"""slapd.py - a private OpenLDAP server for the LDAP tests: Debian's slapd
with a generated slapd.conf (mdb backend, memberof overlay, a size limit
below the test directories) in a temporary directory, listening on a free
loopback port, loaded with ldapadd, always stopped at the end. It fails
loudly when slapd cannot start: an LDAP test never passes by skipping.

Layout: dc=north,dc=org with ou=people (inetOrgPerson entries), ou=groups
(groupOfNames staff, students, admins, owners) and a service account
cn=reader,dc=north,dc=org (not the root DN, so the size limit applies to
it) whose password is in a mode 600 file."""
import os
import shutil
import signal
import socket
import subprocess
import time
import uuid
from pathlib import Path

SLAPD = "/usr/sbin/slapd"
BASE = "dc=north,dc=org"
ROOT_DN = f"cn=admin,{BASE}"
ROOT_PW = "root-secret"
READER_DN = f"cn=reader,{BASE}"
READER_PW = "reader-secret-42"
PEOPLE = f"ou=people,{BASE}"
GROUPS = f"ou=groups,{BASE}"
SIZE_LIMIT = 500
USER_PW = "user-password-1"

CONF = """\
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/nis.schema
include /etc/ldap/schema/inetorgperson.schema
modulepath /usr/lib/ldap
moduleload back_mdb
moduleload memberof
pidfile {dir}/slapd.pid
argsfile {dir}/slapd.args
sizelimit size.soft={limit} size.hard={limit} size.prtotal=unlimited
{tls}
database mdb
suffix "{base}"
rootdn "{root}"
rootpw {rootpw}
directory {dir}/db
maxsize 1073741824
index objectClass eq
index uid,mail eq
overlay memberof
memberof-group-oc groupOfNames
memberof-member-ad member
memberof-memberof-ad memberOf
memberof-refint true
access to attrs=userPassword by self write by anonymous auth by * none
access to * by users read by anonymous auth
"""


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def person(uid, mail=None, name=None, kind="staff", school="Lincoln",
           password=USER_PW, extra=()):
    """An inetOrgPerson entry as LDIF text."""
    mail = mail or f"{uid}@north.org"
    name = name or uid.title()
    lines = [f"dn: uid={uid},{PEOPLE}", "objectClass: inetOrgPerson",
             f"uid: {uid}", f"cn: {name}", f"sn: {name.split()[-1]}",
             f"displayName: {name}", f"mail: {mail}",
             f"employeeType: {kind}", f"ou: {school}",
             f"userPassword: {password}", *extra]
    return "\n".join(lines) + "\n"


def group(cn, members):
    lines = [f"dn: cn={cn},{GROUPS}", "objectClass: groupOfNames", f"cn: {cn}"]
    # groupOfNames needs one member; the root DN stands in for an empty one.
    lines += [f"member: {m}" for m in (members or [ROOT_DN])]
    return "\n".join(lines) + "\n"


class Slapd:
    """One slapd: start() loads the base entries, stop() always ends it."""

    def __init__(self, tmp, tls=None, limit=SIZE_LIMIT):
        self.dir = Path(tmp) / f"slapd-{uuid.uuid4().hex[:8]}"
        (self.dir / "db").mkdir(parents=True)
        self.port = free_port()
        self.uri = f"ldap://127.0.0.1:{self.port}"
        self.tls = tls          # (cert, key) files or None
        self.limit = limit
        self.conf = self.dir / "slapd.conf"
        self.proc = None
        self.pwfile = self.dir / "reader.pw"
        self.pwfile.write_text(READER_PW + "\n")
        os.chmod(self.pwfile, 0o600)

    def write_conf(self):
        if not os.access(SLAPD, os.X_OK):
            raise RuntimeError("slapd is not installed (scripts/deps.sh --test)")
        tls = ""
        if self.tls:
            tls = f"TLSCertificateFile {self.tls[0]}\nTLSCertificateKeyFile {self.tls[1]}"
        self.conf.write_text(CONF.format(dir=self.dir, limit=self.limit, base=BASE,
                                         root=ROOT_DN, rootpw=ROOT_PW, tls=tls))

    def slapadd(self, ldif_path):
        """Load an LDIF file offline (before start(load=False)): the fast
        way to fill a large directory."""
        self.write_conf()
        subprocess.run(["/usr/sbin/slapadd", "-q", "-f", str(self.conf), "-l",
                        str(ldif_path)], check=True, capture_output=True)

    def start(self, load=True):
        self.write_conf()
        self.log = open(self.dir / "slapd.log", "wb")
        self.proc = subprocess.Popen(
            [SLAPD, "-f", str(self.conf), "-h", self.uri + "/", "-d", "0"],
            stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 20
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError("slapd exited: " +
                                   (self.dir / "slapd.log").read_text()[-2000:])
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("slapd did not listen within 20 s")
                time.sleep(0.05)
        if load:
            self.add(self.base_ldif())
        return self

    def base_ldif(self):
        return (f"dn: {BASE}\nobjectClass: dcObject\nobjectClass: organization\n"
                f"dc: north\no: North\n\n"
                f"dn: {READER_DN}\nobjectClass: organizationalRole\n"
                f"objectClass: simpleSecurityObject\ncn: reader\n"
                f"userPassword: {READER_PW}\n\n"
                f"dn: {PEOPLE}\nobjectClass: organizationalUnit\nou: people\n\n"
                f"dn: {GROUPS}\nobjectClass: organizationalUnit\nou: groups\n")

    def ldap(self, tool, ldif, *args):
        p = subprocess.run([tool, "-x", "-H", self.uri, "-D", ROOT_DN, "-w",
                            ROOT_PW, *args], input=ldif.encode(),
                           capture_output=True, timeout=300)
        assert p.returncode == 0, p.stderr.decode()
        return p.stdout.decode()

    def add(self, ldif):
        return self.ldap("ldapadd", ldif)

    def modify(self, ldif):
        return self.ldap("ldapmodify", ldif)

    def delete(self, *dns):
        return self.ldap("ldapdelete", "", *dns)

    def search(self, *args):
        p = subprocess.run(["ldapsearch", "-x", "-LLL", "-H", self.uri, "-D",
                            ROOT_DN, "-w", ROOT_PW, *args],
                           capture_output=True, timeout=120)
        return p.stdout.decode()

    def source_args(self, **settings):
        """listctl source set arguments pointing a district at this server
        as the reader."""
        s = {"uri": self.uri, "base": PEOPLE, "bind-dn": READER_DN,
             "password-file": str(self.pwfile), "timeout": "10"}
        s.update(settings)
        args = ["--type", "ldap"]
        for k, v in s.items():
            if v is None:
                args += ["--unset", k]
            else:
                args += ["--setting", f"{k}={v}"]
        return args

    def kill(self, sig=signal.SIGKILL):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)

    def stop(self):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGCONT)
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self.log.close()
        self.proc = None

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


class Proxy:
    """A loopback TCP relay in front of slapd that lets a test break the
    server mid-answer: after `after` bytes from the server it calls
    on_cut() (e.g. kill slapd) and, with hang=True, stops relaying without
    closing (a server that no longer answers)."""

    def __init__(self, target_port, after, on_cut=None, hang=False):
        import threading
        self.target = target_port
        self.after = after
        self.on_cut = on_cut
        self.hang = hang
        self.sent = 0
        self.cut = threading.Event()
        self.lsock = socket.socket()
        self.lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.lsock.bind(("127.0.0.1", 0))
        self.lsock.listen(8)
        self.port = self.lsock.getsockname()[1]
        self.uri = f"ldap://127.0.0.1:{self.port}"
        self.socks = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        import threading
        while True:
            try:
                c, _ = self.lsock.accept()
            except OSError:
                return
            u = socket.create_connection(("127.0.0.1", self.target))
            self.socks += [c, u]
            threading.Thread(target=self._pump, args=(c, u, False), daemon=True).start()
            threading.Thread(target=self._pump, args=(u, c, True), daemon=True).start()

    def _pump(self, src, dst, from_server):
        while True:
            try:
                data = src.recv(65536)
            except OSError:
                data = b""
            if not data:
                break
            if from_server and self.cut.is_set() and self.hang:
                continue
            try:
                dst.sendall(data)
            except OSError:
                break
            if from_server:
                self.sent += len(data)
                if self.sent >= self.after and not self.cut.is_set():
                    self.cut.set()
                    if self.on_cut:
                        self.on_cut()
        if not (self.hang and self.cut.is_set()):
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self):
        for s in [self.lsock, *self.socks]:
            try:
                s.close()
            except OSError:
                pass


def serve(tmp):
    """python3 slapd.py serve DIR: start a slapd with a few people (ann in
    the admins group, sam in none) for tests outside pytest (the browser
    test), print one JSON line describing it, and stop it when stdin
    closes."""
    import json
    import sys
    srv = Slapd(tmp).start()
    try:
        srv.add(person("ann", name="Ann Admin") + "\n" + person("sam", name="Sam Nobody"))
        srv.add(group("admins", [f"uid=ann,{PEOPLE}"]))
        print(json.dumps({"uri": srv.uri, "base": PEOPLE, "bind_dn": READER_DN,
                          "password_file": str(srv.pwfile), "admins": f"cn=admins,{GROUPS}",
                          "user_password": USER_PW}), flush=True)
        sys.stdin.read()
    finally:
        srv.cleanup()


if __name__ == "__main__":
    import sys
    if len(sys.argv) == 3 and sys.argv[1] == "serve":
        serve(sys.argv[2])
    else:
        sys.exit("usage: slapd.py serve DIR")
