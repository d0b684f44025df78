#!/usr/bin/python3
"""make_mm2_fixture.py - build a Mailman 2.1 installation tree for one list,
as the old server holds it, for the migration tests:

  OUT/lists/NAME/config.pck                    (the list's pickled attributes)
  OUT/archives/private/NAME.mbox/NAME.mbox     (copied from --mbox, if given)
  OUT/config_list.txt                          (what `bin/config_list -o` prints)
  OUT/list_members.txt, digest_members.txt, nomail_members.txt
                                               (`bin/list_members -f [-d|-n]`)

--style py2 writes the pickle as Python 2's cPickle.dump(dict, fp, 1) does:
byte strings (py2 str) as SHORT_BINSTRING/BINSTRING, unicode as BINUNICODE.
--style py3 is Python 3's pickle.dump(dict, fp, protocol=1): every str is
BINUNICODE. Attribute names and option bits are Mailman 2.1's (Defaults.py).

--bounce-info fills bounce_info with instances of Mailman.Bouncer._BounceInfo
(a stand-in class registered under that module name, so the pickle's GLOBAL
names the real class) for the members with bounce history, as a list with
bounces has; --protocol picks the pickle protocol (Mailman 2.1: 1 or 2)."""
import argparse
import io
import pickle
import shutil
import struct
import sys
import types
from pathlib import Path

# Mailman 2.1 Defaults.py user option bits.
DisableDelivery, DontReceiveOwnPosts, AcknowledgePosts = 1, 2, 4
DisableMime, ConcealSubscription, SuppressPasswordReminder = 8, 16, 32
Moderate = 128
# MemberAdaptor delivery status values.
ENABLED, UNKNOWN, BYUSER, BYADMIN, BYBOUNCE = 0, 1, 2, 3, 4


class Py2Pickler(pickle._Pickler):
    """Pure-Python pickler that writes bytes as Python 2 str (no GLOBAL)."""
    dispatch = pickle._Pickler.dispatch.copy()

    def save_py2str(self, obj):
        n = len(obj)
        if n < 256:
            self.write(pickle.SHORT_BINSTRING + bytes([n]) + obj)
        else:
            self.write(pickle.BINSTRING + struct.pack("<i", n) + obj)
        self.memoize(obj)

    dispatch[bytes] = save_py2str


def bounce_class():
    """Mailman.Bouncer._BounceInfo as Mailman 2.1 defines its attributes."""
    pkg = sys.modules.setdefault("Mailman", types.ModuleType("Mailman"))
    mod = sys.modules.setdefault("Mailman.Bouncer", types.ModuleType("Mailman.Bouncer"))
    pkg.Bouncer = mod

    class _BounceInfo:
        def __init__(self, member, score, date, noticesleft):
            self.member = member
            self.score = score
            self.date = date
            self.noticesleft = noticesleft
            self.lastnotice = (1970, 1, 1)
            self.cookie = None
    _BounceInfo.__module__ = "Mailman.Bouncer"
    _BounceInfo.__qualname__ = "_BounceInfo"
    mod._BounceInfo = _BounceInfo
    return _BounceInfo


def members(n):
    """n members: (address as given, name, kind) with kind among regular,
    digest, nomail, bounce, moderated."""
    names = ["Zoë Ångström", "山田 太郎", "José Núñez", "Ольга Петрова", ""]
    out = []
    for i in range(n):
        kind = ("digest" if i % 6 == 1 else "nomail" if i % 10 == 2 else
                "bounce" if i == 3 else "moderated" if i % 12 == 5 else
                "regular")
        addr = f"member{i:03d}@example.org"
        if i % 7 == 0:
            addr = f"Member{i:03d}@Example.ORG"
        name = names[i % len(names)] if i % 3 == 0 else f"Member {i}"
        out.append((addr, name, kind))
    return out


def build(name, n_members, style):
    s = (lambda x: x.encode("utf-8")) if style == "py2" else (lambda x: x)
    mem, dig, opts, users, status = {}, {}, {}, {}, {}
    for addr, full, kind in members(n_members):
        key = addr.lower()
        target = dig if kind == "digest" else mem
        target[s(key)] = s(addr) if addr != key else 0
        flags = 0
        if kind in ("nomail", "bounce"):
            flags |= DisableDelivery
            status[s(key)] = (BYBOUNCE if kind == "bounce" else BYUSER,
                              1600000000.0)
        if kind == "moderated":
            flags |= Moderate
        if kind == "digest":
            flags |= 0  # Digests = 0: digest mode is digest_members itself
        if key.startswith("member01"):
            flags |= ConcealSubscription | SuppressPasswordReminder
        opts[s(key)] = flags
        if full:
            users[s(key)] = full if any(ord(c) > 127 for c in full) else s(full)
    d = {
        "real_name": s(name.capitalize()),
        "description": "Liste des parents d'élèves".encode("latin-1")
        if style == "py2" else "Liste des parents d'élèves",
        "info": s("Parents of students at Bethel schools.\nBe kind."),
        "subject_prefix": s(f"[{name.capitalize()}] "),
        "owner": [s("owner@bethel.example.org"), s("member000@example.org")],
        "moderator": [s("mod1@bethel.example.org"), s("member004@example.org")],
        "members": mem, "digest_members": dig, "user_options": opts,
        "usernames": users, "delivery_status": status,
        "passwords": {k: s("secret") for k in list(mem)[:3]},
        "generic_nonmember_action": 1, "default_member_moderation": 0,
        "member_moderation_action": 0, "subscribe_policy": 3,
        "archive": True, "archive_private": 1, "max_message_size": 40,
        "msg_footer": s("_______________________________________________\n"
                        "%(real_name)s mailing list\n%(real_name)s@%(host_name)s"),
        "reply_goes_to_list": 1, "advertised": 0,
        "dmarc_moderation_action": 1, "from_is_list": 0,
        "accept_these_nonmembers": [s("principal@bethel.example.org"),
                                    s("^.*@district\\.example\\.org$")],
        "hold_these_nonmembers": [s("spammer@example.com")],
        "digestable": True, "digest_is_default": False,
        "mime_is_default_digest": False, "bounce_info": {},
        "topics": [(s("sports"), s("football|soccer"), s(""), False)],
        "language": {}, "new_member_options": 256, "data_version": 111,
        "welcome_msg": s(""), "host_name": s("lists.bethel.example.org"),
    }
    if ARGS.bounce_info:
        info = bounce_class()
        d["bounce_info"] = {
            s("member003@example.org"): info(s("member003@example.org"), 5.0,
                                             (2020, 9, 13), 0),
            s("member008@example.org"): info(s("member008@example.org"), 1.0,
                                             (2021, 1, 2), 3),
        }
    return {s(k): v for k, v in d.items()}


def dump(d, style):
    if style == "py3":
        return pickle.dumps(d, protocol=ARGS.protocol)
    f = io.BytesIO()
    Py2Pickler(f, protocol=ARGS.protocol).dump(d)
    return f.getvalue()


def pyrepr(v):
    if isinstance(v, bytes):
        try:
            v = v.decode("utf-8")
        except UnicodeDecodeError:
            return repr(v)[1:]  # py2 str repr: '\xe9'
    if isinstance(v, str) and "\n" in v:
        return '"""' + v.replace("\\", "\\\\").replace('"', '\\"') + '"""'
    if isinstance(v, list):
        return "[" + ", ".join(pyrepr(x) for x in v) + "]"
    if isinstance(v, tuple):
        return "(" + ", ".join(pyrepr(x) for x in v) + ("," if len(v) == 1 else "") + ")"
    return repr(v)


CONFIG_LIST_SKIP = {"members", "digest_members", "user_options", "usernames",
                    "delivery_status", "passwords", "bounce_info", "language",
                    "data_version", "topics"}


def config_list(name, d):
    out = [f'## "{name}" mailing list configuration settings -*- python -*-',
           "## captured on Mon Jan  4 10:00:00 2021", "",
           "## Mailman version 2.1.29", ""]
    for k, v in d.items():
        k = k.decode() if isinstance(k, bytes) else k
        if k in CONFIG_LIST_SKIP:
            continue
        out += ["# legal values are described in the web interface", f"{k} = {pyrepr(v)}", ""]
    return "\n".join(out) + "\n"


def list_members(name_filter):
    lines = []
    for addr, full, kind in members(ARGS.members):
        if name_filter(kind):
            lines.append(f'"{full}" <{addr}>' if full else addr)
    return "\n".join(lines) + "\n"


def main():
    global ARGS
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--name", default="parents")
    ap.add_argument("--members", type=int, default=50)
    ap.add_argument("--style", choices=("py2", "py3"), default="py2")
    ap.add_argument("--mbox")
    ap.add_argument("--bounce-info", action="store_true")
    ap.add_argument("--protocol", type=int, choices=(0, 1, 2), default=1)
    ARGS = ap.parse_args()
    out = Path(ARGS.out)
    lst = out / "lists" / ARGS.name
    lst.mkdir(parents=True, exist_ok=True)
    d = build(ARGS.name, ARGS.members, ARGS.style)
    (lst / "config.pck").write_bytes(dump(d, ARGS.style))
    (out / "config_list.txt").write_text(config_list(ARGS.name, d), encoding="utf-8")
    (out / "list_members.txt").write_text(list_members(
        lambda k: k not in ("digest",)), encoding="utf-8")
    (out / "digest_members.txt").write_text(list_members(
        lambda k: k == "digest"), encoding="utf-8")
    (out / "nomail_members.txt").write_text(list_members(
        lambda k: k in ("nomail", "bounce")), encoding="utf-8")
    if ARGS.mbox:
        arc = out / "archives" / "private" / f"{ARGS.name}.mbox"
        arc.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ARGS.mbox, arc / f"{ARGS.name}.mbox")


if __name__ == "__main__":
    main()
