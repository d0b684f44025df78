"""test_listctl_smoke.py - the README's first session, run as written."""


def test_first_session_from_readme(ctl, tmp_path):
    csv = tmp_path / "families.csv"
    csv.write_text("address,name\nalice@example.net,Alice\nbob@example.com,Bob\n")
    ctl.run("district", "add", "bethel", "--domain", "bethel.example.org",
            "--name", "Bethel School District", check=0)
    ctl.run("list", "create", "news@bethel.example.org", "--kind", "announcement", check=0)
    ctl.run("member", "import", "news@bethel.example.org", csv, check=0)
    rc, out, _ = ctl.run("member", "list", "news@bethel.example.org", check=0)
    assert "alice@example.net" in out and "bob@example.com" in out
