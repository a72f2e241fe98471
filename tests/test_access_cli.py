"""Access from the command line and over SSH (without sshd; ``test_ssh.py`` runs the real
one): who is acting once an access list exists, the keys command sshd calls, what a session
lets a client run, the database file's mode, and a viewer in the TUI.

The plan is the fictional demo plan (Ada Quill owns it; Tom Ashby leads 1.1.2 and 1.2.1).
"""

from __future__ import annotations

import asyncio
import json
import os
import shlex
import stat
import subprocess
from pathlib import Path
from typing import Any

import pytest

from plantrail.domain.access import SshKey
from plantrail.store.service import PlanService
from plantrail.tui.app import PlantrailApp
from plantrail.tui.cli import main
from plantrail.tui.cli.context import login_name

from .support import FROZEN, frozen_time, notices, positions, screen_text, settle


def plantrail(db: str, *args: str) -> int:
    return main(["--db", db, *args])


def grant(db: str, person: str, role: str, *more: str) -> int:
    return plantrail(db, "access", "grant", person, "--role", role, *more)


def make_key(folder: Path, name: str) -> Path:
    """A real key pair made by ssh-keygen; returns the public key's path."""
    private = folder / name
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", f"{name}@laptop", "-f", str(private)],
        check=True,
    )
    return folder / f"{name}.pub"


def fingerprint(public: Path) -> str:
    return SshKey.parse(public.read_text()).fingerprint


def history(db: str, capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    capsys.readouterr()
    assert plantrail(db, "history", "--format", "json") == 0
    rows: list[dict[str, Any]] = json.loads(capsys.readouterr().out)
    return rows


@pytest.fixture
def granted(db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    """Ada Quill owns the plan from this login; Tom Ashby is a lead with an SSH key; Lena
    Fairweather a viewer with one."""
    tom, lena = make_key(tmp_path, "tom"), make_key(tmp_path, "lena")
    assert grant(db, "Ada Quill", "owner", "--login", login_name()) == 0
    assert grant(db, "Tom Ashby", "lead", "--key", str(tom)) == 0
    assert grant(db, "Lena Fairweather", "viewer", "--key", str(lena)) == 0
    capsys.readouterr()
    return {"tom": fingerprint(tom), "lena": fingerprint(lena), "tom_pub": tom}


def test_a_new_database_file_is_private(tmp_path):
    old = os.umask(0o022)
    try:
        assert main(["--db", str(tmp_path / "demo.db"), "demo"]) == 0
        init = ["init", "--title", "T", "--organisation", "O", "--owner", "Ann Vale"]
        assert main(["--db", str(tmp_path / "init.db"), *init]) == 0
    finally:
        os.umask(old)
    for name in ("demo.db", "init.db"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600, name


def test_access_list_shows_roles_logins_and_keys(db, granted, capsys):
    assert plantrail(db, "access", "list") == 0
    shown = capsys.readouterr().out
    assert "Ada Quill" in shown and login_name() in shown
    assert f"{granted['tom']} ssh-ed25519 tom@laptop" in shown
    assert "Lena Fairweather  viewer" in shown


def test_once_granted_the_login_decides_who_acts(db, granted, capsys, monkeypatch):
    monkeypatch.setenv("USER", "someone-else")  # the login comes from the system, not $USER
    monkeypatch.setenv("LOGNAME", "someone-else")
    before = positions(db)
    update = ["update", "1.1", "--period", "Nov", "--narrative", "x"]
    assert plantrail(db, "--as", "Tom Ashby", *update) == 1
    assert "--as: login" in capsys.readouterr().err
    monkeypatch.setenv("PLANTRAIL_USER", "Tom Ashby")
    assert plantrail(db, "update", "1.1", "--period", "Nov", "--narrative", "x") == 1
    assert "PLANTRAIL_USER: login" in capsys.readouterr().err
    assert positions(db) == before
    monkeypatch.setenv("PLANTRAIL_USER", "ada quill")  # naming yourself is fine
    assert plantrail(db, "update", "1.1", "--period", "Nov", "--narrative", "Mine") == 0
    assert history(db, capsys)[-1]["actor"] == "Ada Quill"


def test_a_login_nobody_was_granted_can_read_but_not_write(db, capsys):
    assert grant(db, "Ada Quill", "owner", "--login", "ada-elsewhere") == 0
    before = positions(db)
    assert plantrail(db, "update", "1.1", "--period", "Nov", "--narrative", "x") == 1
    err = capsys.readouterr().err
    assert f"login {login_name()!r} is on no one's" in err
    assert f"--login {login_name()}" in err  # and says how to fix it
    assert positions(db) == before
    assert plantrail(db, "show", "1.1") == 0
    assert plantrail(db, "report") == 0
    assert f"by login {login_name()}" in capsys.readouterr().out  # not a person it is not


def test_a_private_key_is_refused_without_printing_it(db, tmp_path, capsys):
    make_key(tmp_path, "oops")
    secret = (tmp_path / "oops").read_text().splitlines()[1]
    assert grant(db, "Ada Quill", "owner", "--key", str(tmp_path / "oops")) == 1
    err = capsys.readouterr().err
    assert "is a private key: give the .pub file" in err
    assert secret[:20] not in err


def test_keys_command_answers_only_for_granted_keys_of_the_plan_account(db, granted, capsys):
    assert plantrail(db, "ssh", "keys-command", "--user", "plans", "plans", granted["tom"]) == 0
    line = capsys.readouterr().out.strip()
    options, _, key = line.partition('" ')
    assert options.startswith('restrict,pty,command="')
    assert key == granted["tom_pub"].read_text().strip()
    command = shlex.split(options.removeprefix('restrict,pty,command="'))
    assert command[1:] == ["--db", str(Path(db).resolve()), "session", "--key", granted["tom"]]
    assert Path(command[0]).is_absolute()

    for login, key_fingerprint in (("root", granted["tom"]), ("plans", "SHA256:" + "A" * 43)):
        assert plantrail(db, "ssh", "keys-command", "--user", "plans", login, key_fingerprint) == 0
        assert capsys.readouterr().out == ""
    assert plantrail(db, "access", "revoke", "Tom Ashby", "--reason", "Left the service") == 0
    capsys.readouterr()
    assert plantrail(db, "ssh", "keys-command", "--user", "plans", "plans", granted["tom"]) == 0
    assert capsys.readouterr().out == ""


def test_ssh_setup_prints_a_configuration_sshd_accepts(db, tmp_path, capsys):
    assert plantrail(db, "ssh", "setup", "--user", "plans") == 0
    block = capsys.readouterr().out
    assert "Match User plans" in block and "DisableForwarding yes" in block
    host_key = tmp_path / "host_key"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(host_key)], check=True)
    config = tmp_path / "sshd_config"
    config.write_text(f"HostKey {host_key}\nUsePAM no\n{block}")
    checked = subprocess.run(
        ["/usr/sbin/sshd", "-t", "-f", str(config)], capture_output=True, text=True, check=False
    )
    assert checked.returncode == 0, checked.stderr


def session(db: str, key: str, command: str | None, monkeypatch: pytest.MonkeyPatch) -> int:
    """``plantrail session`` in this process. It drops ``PLANTRAIL_*`` from the environment
    (as it should, in its own process): note them so they come back after the test."""
    for name in [n for n in os.environ if n.startswith("PLANTRAIL_")]:
        monkeypatch.setenv(name, os.environ[name])
    if command is None:
        monkeypatch.delenv("SSH_ORIGINAL_COMMAND", raising=False)
    else:
        monkeypatch.setenv("SSH_ORIGINAL_COMMAND", command)
    return plantrail(db, "session", "--key", key)


def test_a_session_acts_as_the_keys_person_whatever_the_client_sends(
    db, granted, capsys, monkeypatch
):
    monkeypatch.setenv("PLANTRAIL_USER", "Ada Quill")  # as if sshd let the client set it
    command = 'update 1.2 --period "November 2026" --narrative "Form agreed" --brag G'
    assert session(db, granted["tom"], command, monkeypatch) == 0
    row = history(db, capsys)[-2]
    assert (row["actor"], row["ref"], row["event"]) == ("Tom Ashby", "1.2", "ProgressRecorded")
    assert "PLANTRAIL_USER" not in os.environ  # dropped for the session


@pytest.mark.parametrize(
    ("command", "why"),
    [
        ("bash -i", "not a plantrail command a session may run"),
        ("internal-sftp", "not a plantrail command a session may run"),
        ("scp -t /tmp", "not a plantrail command a session may run"),
        ("import events backup.jsonl", "not a plantrail command a session may run"),
        ("keys init", "not a plantrail command a session may run"),
        ("export events -o /tmp/all.jsonl", "not a plantrail command a session may run"),
        ("--as 'Ada Quill' update 1.1 --period Nov --narrative x", "--as is not allowed"),
        ("--db /tmp/other.db show", "--db is not allowed"),
        ("report -o /srv/report.md", "-o names something on the server"),
        ("update 1.1 --period Nov --narrative-file /etc/passwd", "--narrative-file reads a file"),
        ("evidence add 1.1 --title t --file /etc/shadow", "--file names something"),
        ("verify --against /srv/pack.zip", "--against names something"),
        ("access grant 'Omar Shah' --role lead --key /srv/k.pub", "send the public key on"),
        ("update 2.3 --period Nov --narrative 'Not mine'", "Tom Ashby is a lead, but not of"),
        ("close 1.1", "needs the owner role; Tom Ashby is a lead"),
        ("update 'unclosed", "cannot read the command"),
    ],
)
def test_a_session_refuses_anything_but_the_plans_own_commands(
    db, granted, capsys, monkeypatch, command, why
):
    before = positions(db)
    assert session(db, granted["tom"], command, monkeypatch) == 1
    assert why in capsys.readouterr().err
    assert positions(db) == before


def test_a_lead_session_withdraws_evidence_it_added_in_error(db, granted, capsys, monkeypatch):
    assert session(db, granted["tom"], "evidence add 1.2 --title 'Wrong file'", monkeypatch) == 0
    short = capsys.readouterr().out.split()[2]
    withdraw = f"evidence withdraw 1.2 {short} --reason 'Wrong action'"
    assert session(db, granted["lena"], withdraw, monkeypatch) == 1  # a viewer
    assert "is a viewer (read only)" in capsys.readouterr().err
    assert session(db, granted["tom"], withdraw, monkeypatch) == 0
    row = history(db, capsys)[-1]
    assert (row["actor"], row["ref"], row["event"]) == ("Tom Ashby", "1.2", "EvidenceWithdrawn")


def test_a_viewer_session_reads_but_cannot_write(db, granted, capsys, monkeypatch):
    assert session(db, granted["lena"], "show 1.1", monkeypatch) == 0
    assert "Action 1.1" in capsys.readouterr().out
    assert session(db, granted["lena"], "status 1.1.2 completed", monkeypatch) == 1
    assert "Lena Fairweather is a viewer (read only)" in capsys.readouterr().err


def test_a_revoked_or_unknown_key_opens_nothing(db, granted, capsys, monkeypatch):
    revoke = ["access", "revoke", "Tom Ashby", "--key", granted["tom"], "--reason", "Lost laptop"]
    assert plantrail(db, *revoke) == 0
    assert session(db, granted["tom"], "show", monkeypatch) == 1
    assert "no longer has access" in capsys.readouterr().err


def test_a_session_without_a_command_needs_a_terminal(db, granted, capsys, monkeypatch):
    assert session(db, granted["tom"], None, monkeypatch) == 1  # pytest's stdin is no tty
    assert "connect with ssh -t" in capsys.readouterr().err


# -- the terminal interface ------------------------------------------------------------------


def run_app(db: str, actor: str, keys: list[str], remote: bool = False) -> PlantrailApp:
    app = PlantrailApp(
        PlanService.open(db), actor, today=lambda: FROZEN.date(), poll_seconds=0.2, remote=remote
    )
    app.animation_level = "none"

    async def scenario() -> None:
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            for key in keys:
                await pilot.press(key)
                await settle(pilot)
            app.shown = screen_text(app)  # type: ignore[attr-defined]

    with frozen_time():
        try:
            asyncio.run(scenario())
        finally:
            app.service.close()
    return app


def test_a_viewer_sees_the_plan_read_only(db, granted):
    app = run_app(db, "Lena Fairweather", ["down", "u"])
    assert "Lena Fairweather (viewer, read only)" in app.shown  # type: ignore[attr-defined]
    assert any("Lena Fairweather is a viewer" in n for n in notices(app))
    assert "Record progress" not in app.shown  # type: ignore[attr-defined]


def test_exports_write_no_file_on_the_server_in_a_session(db, granted, tmp_path):
    app = run_app(db, "Tom Ashby", ["x"], remote=True)
    assert any("Over SSH, exports are not written on the server" in n for n in notices(app))
    assert "Tom Ashby (lead)" in app.shown  # type: ignore[attr-defined]


def test_evidence_in_a_session_reads_no_file_on_the_server(db, granted):
    """Over SSH a path names a file on the server: the evidence form asks for none (its size
    and hash would tell the lead what the server holds), as a command sent over SSH may not
    name one with --file. On the person's own machine the form fingerprints a file."""
    app = run_app(db, "Tom Ashby", ["e"], remote=True)
    shown = app.shown  # type: ignore[attr-defined]
    assert "Add evidence to 1.1" in shown
    assert "File to fingerprint" not in shown and "Over SSH no file is read" in shown
    local = run_app(db, "Tom Ashby", ["e"])
    assert "File to fingerprint" in local.shown  # type: ignore[attr-defined]
