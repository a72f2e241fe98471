"""End to end over the real OpenSSH: the system's ``sshd`` on a loopback port with a generated
configuration (the block ``plantrail ssh setup`` prints) and host key, the real ``ssh`` and
``sftp`` clients with a generated key, and a pseudo-terminal for the TUI.

sshd runs commands as the account logged in to, so it must run as root; CI does (``.ci/run``
installs ``openssh-server`` when it is missing). The test fails, rather than skips, without
root or sshd, like the PostgreSQL tests.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pexpect
import pytest

from plantrail.tui.cli.context import login_name

from .test_e2e import PLANTRAIL, Terminal

SSHD = "/usr/sbin/sshd"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def cli(db: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PLANTRAIL, "--db", db, *args], capture_output=True, text=True, check=False
    )


def keygen(path: Path, comment: str = "") -> Path:
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", str(path)], check=True
    )
    return path


@dataclass
class Server:
    """sshd serving the plan at ``db`` as the account ``user`` on ``port``."""

    db: str
    user: str
    port: int
    key: Path  # the client's private key (its .pub is granted to Tom Ashby)
    log: Path  # sshd's log, quoted when a client hangs

    def ssh_options(self, key: Path | None = None) -> list[str]:
        return [
            "-F", "/dev/null",
            "-i", str(key or self.key),
            "-o", "IdentitiesOnly=yes",
            "-o", "StrictHostKeyChecking=no",
            "-o", "UserKnownHostsFile=/dev/null",
            "-o", "BatchMode=yes",
            "-o", "LogLevel=ERROR",
        ]  # fmt: skip

    def ssh(
        self, *args: str, stdin: str = "", login: str | None = None, options: tuple[str, ...] = ()
    ) -> subprocess.CompletedProcess[str]:
        command = [
            "ssh", *self.ssh_options(), *options, "-p", str(self.port),
            "-l", login or self.user, "127.0.0.1", *args,
        ]  # fmt: skip
        return run_client(command, stdin, self.log)

    def history(self) -> list[dict[str, object]]:
        done = cli(self.db, "history", "--format", "json")
        assert done.returncode == 0, done.stderr
        rows: list[dict[str, object]] = json.loads(done.stdout)
        return rows


def run_client(command: list[str], stdin: str, log: Path) -> subprocess.CompletedProcess[str]:
    """Run an OpenSSH client; if it hangs, fail saying which and what sshd logged."""
    try:
        return subprocess.run(
            command, input=stdin, capture_output=True, text=True, timeout=90, check=False
        )
    except subprocess.TimeoutExpired as exc:
        logged = log.read_text()[-3000:] if log.exists() else "(no log)"
        pytest.fail(f"{shlex.join(command)} hung; stderr: {exc.stderr!r}\nsshd log:\n{logged}")


def require_root_and_sshd() -> None:
    if os.geteuid() != 0:
        pytest.fail("the SSH end-to-end test runs sshd, which needs root", pytrace=False)
    if not Path(SSHD).exists():
        pytest.fail(
            f"{SSHD} is missing: apt-get install openssh-server (.ci/run does)", pytrace=False
        )


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    require_root_and_sshd()
    db = str(tmp_path / "plan.db")
    assert cli(db, "demo").returncode == 0
    client_key = keygen(tmp_path / "tom_key", "tom@laptop")
    user = login_name()
    granted = [
        ("Ada Quill", "owner", ["--login", user]),
        ("Tom Ashby", "lead", ["--key", f"{client_key}.pub"]),
    ]
    for person, role, more in granted:
        done = cli(db, "access", "grant", person, "--role", role, *more)
        assert done.returncode == 0, done.stderr

    # sshd runs its AuthorizedKeysCommand only from a root-owned path no one else can write:
    # not under /tmp. The folder is made here and removed afterwards.
    Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # sshd's privilege-separation folder
    home = Path(tempfile.mkdtemp(prefix="plantrail-ssh-", dir="/run"))
    home.chmod(0o755)
    keys_command = home / "keys-command"
    keys_command.write_text(
        "#!/bin/sh\nexec "
        + shlex.join([PLANTRAIL, "--db", db, "ssh", "keys-command", "--user", user])
        + ' "$@"\n'
    )
    keys_command.chmod(0o755)
    host_key = keygen(home / "host_key")
    setup = cli(db, "ssh", "setup", "--user", user)
    assert setup.returncode == 0, setup.stderr
    block = "\n".join(
        f"    AuthorizedKeysCommand {keys_command} %u %f"
        if line.strip().startswith("AuthorizedKeysCommand ")
        else line
        for line in setup.stdout.splitlines()
    )
    port = free_port()
    config = home / "sshd_config"
    config.write_text(
        f"Port {port}\nListenAddress 127.0.0.1\nHostKey {host_key}\nPidFile {home}/sshd.pid\n"
        "UsePAM no\nStrictModes no\nPermitRootLogin prohibit-password\n"
        "Subsystem sftp /usr/lib/openssh/sftp-server\nLogLevel VERBOSE\n" + block + "\n"
    )
    log = home / "sshd.log"
    daemon = subprocess.Popen([SSHD, "-D", "-f", str(config), "-E", str(log)])
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        else:
            pytest.fail(f"sshd did not start:\n{log.read_text() if log.exists() else ''}")
        yield Server(db, user, port, client_key, log)
    finally:
        stop(daemon)
        shutil.rmtree(home, ignore_errors=True)


def stop(process: subprocess.Popen[bytes]) -> None:
    """End a client or server the test started: asked first, then made to (an ssh client can
    linger on SIGTERM while its channels close, and it has done its part by then)."""
    process.terminate()
    try:
        process.wait(5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(5)


@pytest.mark.slow
def test_a_lead_records_progress_over_ssh_by_keys_only(server):
    env = {**os.environ, "TERM": "xterm-256color"}
    args = [*server.ssh_options(), "-t", "-p", str(server.port), "-l", server.user, "127.0.0.1"]
    terminal = Terminal(args, env, program="ssh")
    try:
        terminal.wait_for("Tom Ashby (lead)", timeout=30)
        terminal.wait_for("Action 1.1")
        terminal.keys("u")
        terminal.wait_for("Record progress on 1.1")
        terminal.keys(*"November 2026", "\t", *"Guide drafted over SSH", "\x13")  # ^S saves
        terminal.wait_for("Saved")
        terminal.keys("q")
        terminal.child.expect(pexpect.EOF, timeout=15)
    finally:
        terminal.child.close(force=True)
    progress = [r for r in server.history() if r["event"] == "ProgressRecorded"]
    assert (progress[-1]["actor"], progress[-1]["ref"]) == ("Tom Ashby", "1.1")
    assert progress[-1]["changes"][0]["after"] == "November 2026: Guide drafted over SSH"  # type: ignore[index]


@pytest.mark.slow
def test_one_command_over_ssh_runs_as_the_keys_person(server):
    done = server.ssh(
        "update", "1.2", "--period", "'November 2026'", "--narrative", "-",
        stdin="Referral form agreed with partners\n",
        options=("-o", "SetEnv=PLANTRAIL_USER=Ada_Quill"),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    last = server.history()[-1]
    assert (last["actor"], last["ref"], last["event"]) == ("Tom Ashby", "1.2", "ProgressRecorded")
    shown = server.ssh("show", "1.2")
    assert shown.returncode == 0 and "Referral form agreed" in shown.stdout


@pytest.mark.slow
def test_everything_else_is_refused(server):
    before = len(server.history())

    other = server.ssh("show", login="daemon")  # the same key, another account
    assert other.returncode == 255 and "Permission denied" in other.stderr

    shell = server.ssh("bash", "-c", "id")
    assert shell.returncode == 1 and "not a plantrail command" in shell.stderr
    assert "uid=" not in shell.stdout

    pretend = server.ssh("--", "--as", "'Ada Quill'", "close", "1.1")
    assert pretend.returncode == 1 and "--as is not allowed" in pretend.stderr

    sftp = run_client(
        ["sftp", *server.ssh_options(), "-P", str(server.port), f"{server.user}@127.0.0.1"],
        "ls\n",
        server.log,
    )
    assert sftp.returncode != 0

    # Port forwarding: the tunnel is set up on the client, and every connection through it is
    # refused by the server (a working tunnel would answer with sshd's banner).
    local = free_port()
    tunnel = subprocess.Popen(
        ["ssh", *server.ssh_options(), "-N", "-L", f"{local}:127.0.0.1:{server.port}",
         "-p", str(server.port), "-l", server.user, "127.0.0.1"],
        stderr=subprocess.DEVNULL,  # one "open failed" line per refused connection, unread
    )  # fmt: skip
    try:
        deadline, answer = time.monotonic() + 10, b""
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", local), timeout=2) as through:
                    through.settimeout(3)
                    answer = through.recv(64)
                break
            except (ConnectionRefusedError, TimeoutError):
                time.sleep(0.1)
        else:
            pytest.fail("the forwarding client never listened")
        assert not answer.startswith(b"SSH-"), "the tunnel reached sshd: forwarding is allowed"
    finally:
        stop(tunnel)

    assert len(server.history()) == before


@pytest.mark.slow
def test_a_revoked_key_is_refused_at_once(server):
    assert server.ssh("show").returncode == 0
    revoked = cli(server.db, "access", "revoke", "Tom Ashby", "--reason", "Left the service")
    assert revoked.returncode == 0, revoked.stderr
    after = server.ssh("show")
    assert after.returncode == 255 and "Permission denied" in after.stderr
