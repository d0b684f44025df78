"""test_schedule.py - listd runs the roster generator itself once a day at
generate_at (UTC) and mails the summary to the district's report_to
addresses; a restart the same day does not run it again; a bad
generate_at or report_to is refused."""
from mailtest import Listd, wait_until

T0 = 1_800_000_000          # 2027-01-15 08:00 UTC


def setup_district(ctl, tmp_path):
    csv = tmp_path / "dir.csv"
    csv.write_text("id,address,name,role,active\n"
                   "1,t1@north.example.org,Teacher One,staff,yes\n"
                   "2,t2@north.example.org,Teacher Two,staff,yes\n"
                   "3,k1@north.example.org,Kid One,student,yes\n")
    ctl.run("district", "add", "north", "--domain", "north.example.org",
            "--name", "North", "--students-email", "yes", check=0)
    ctl.run("source", "set", "north", "--type", "csv", "--path", csv, check=0)
    ctl.run("district", "set", "north", "--report-to", "it@north.example.org", check=0)


def test_daily_run_and_report(ctl, home, sink, tmp_path):
    setup_district(ctl, tmp_path)
    d = Listd(home, sink.port, extra_conf="[listd]\ngenerate_at = 07:30\n",
              env={"LISTD_NOW": str(T0)}).start()
    wait_until(lambda: any("it@north.example.org" in m["rcpts"] for m in sink.messages),
               what="the roster report")
    d.stop()
    report = [m for m in sink.messages if "it@north.example.org" in m["rcpts"]][0]["data"]
    assert b"Roster update for North" in report and b"staff@north.example.org" in report
    staff = [m["address"] for m in ctl.json("member", "list", "staff@north.example.org")]
    assert sorted(staff) == ["t1@north.example.org", "t2@north.example.org"]
    # Same day again: no second run, no second report.
    d = Listd(home, sink.port, extra_conf="[listd]\ngenerate_at = 07:30\n",
              env={"LISTD_NOW": str(T0 + 600)}).start()
    rc, out, _ = ctl.run("generate", "status")
    d.stop()
    assert len([m for m in sink.messages if "it@north.example.org" in m["rcpts"]]) == 1


def test_not_before_the_hour(ctl, home, sink, tmp_path):
    setup_district(ctl, tmp_path)
    d = Listd(home, sink.port, extra_conf="[listd]\ngenerate_at = 09:00\n",
              env={"LISTD_NOW": str(T0)}).start()
    ctl.run("list", "list", check=0)
    d.stop()
    rc, out, _ = ctl.run("list", "list")
    assert "staff@north.example.org" not in out


def test_bad_settings_are_refused(ctl, home, tmp_path):
    setup_district(ctl, tmp_path)
    assert ctl.run("district", "set", "north", "--report-to", "it@,x")[0] == 64
    (home / "listd.conf").write_text("[listd]\ngenerate_at = 25:00\n")
    import subprocess
    from conftest import BIN
    p = subprocess.run([str(BIN / "listd"), "-n", "-c", str(home / "listd.conf")],
                       capture_output=True, text=True)
    assert p.returncode == 78 and "generate_at" in p.stderr
