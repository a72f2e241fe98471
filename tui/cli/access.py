"""Who may use the plan: ``access list``, and the two commands that hand SSH to the server's
own OpenSSH (``ssh keys-command`` for sshd's ``AuthorizedKeysCommand``, ``ssh setup`` for the
configuration). Granting and revoking are changes like any other (``changes.py``).

The design follows gitolite and GitLab: OpenSSH authenticates; plantrail only says which key
belongs to whom, and forces every connection with that key into ``plantrail session``, where
the key's person is the actor whatever the client sends.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import sys
from pathlib import Path

from ...domain.access import person_for_key
from ...exports.text_tables import text_table
from ...store.config import Database
from .context import reading, warn
from .render import say


def access_list(args: argparse.Namespace) -> int:
    """Who has access: person, role, logins, SSH keys (fingerprint and comment)."""
    with reading(args) as plan_store:
        grants = plan_store.grants()
    if not grants:
        say(
            "No access list yet: anyone who can open the database may change the plan.\n"
            "Start one with `plantrail access grant PERSON --role owner --login NAME`."
        )
        return 0
    rows = [
        [
            person,
            grant["role"],
            "\n".join(grant["logins"]) or "-",
            "\n".join(
                f"{k['fingerprint']} {k['type']}" + (f" {k['comment']}" if k["comment"] else "")
                for k in grant["keys"]
            )
            or "-",
        ]
        for person, grant in sorted(grants.items(), key=lambda item: item[0].casefold())
    ]
    say(text_table(rows, ["Person", "Role", "Logins", "SSH keys"], tablefmt="simple"))
    return 0


def forced_command(database: Database, fingerprint: str, program: str) -> str:
    """The command sshd runs for a connection with the key ``fingerprint``."""
    words = [program, "--db", database.location, "session", "--key", fingerprint]
    return " ".join(shlex.quote(word) for word in words)


def program_path(given: str | None) -> str:
    """The absolute path of this ``plantrail`` (sshd needs one), or ``--program``."""
    if given:
        return str(Path(given).resolve())
    running = Path(sys.argv[0])
    if running.name == "plantrail" and running.exists():
        return str(running.resolve())
    found = shutil.which("plantrail")
    return str(Path(found).resolve()) if found else str(running.resolve())


def keys_command(args: argparse.Namespace) -> int:
    """sshd's ``AuthorizedKeysCommand``: for the plan's account (``--user``) and a granted key's
    fingerprint, print one ``authorized_keys`` line that forces ``plantrail session``; for
    anything else print nothing, so sshd refuses the key."""
    if args.login != args.user:
        return 0  # another account: not ours to answer for
    try:
        with reading(args) as plan_store:
            grants = plan_store.grants()
    except Exception as exc:  # sshd logs standard error; no line means no entry
        warn(f"cannot read the access list: {exc}")
        return 1
    person = person_for_key(grants, args.fingerprint)
    if person is None:
        return 0
    key = next(k for k in grants[person]["keys"] if k["fingerprint"] == args.fingerprint)
    database = Database.parse(args.db)
    command = forced_command(database, args.fingerprint, program_path(args.program))
    escaped = command.replace("\\", "\\\\").replace('"', '\\"')
    line = f"{key['type']} {key['body']} {key['comment']}".rstrip()
    sys.stdout.write(f'restrict,pty,command="{escaped}" {line}\n')
    return 0


SETUP = """\
# plantrail over SSH: OpenSSH authenticates, plantrail maps each key to a person.
# 1. Put this block in /etc/ssh/sshd_config.d/plantrail.conf (as root).
Match User {user}
    AuthorizedKeysFile none
    AuthorizedKeysCommand {keys_command}
    AuthorizedKeysCommandUser {user}
    PasswordAuthentication no
    KbdInteractiveAuthentication no
    DisableForwarding yes
    AllowTcpForwarding no
    AllowAgentForwarding no
    AllowStreamLocalForwarding no
    X11Forwarding no
    PermitTunnel no
    PermitTTY yes

# 2. Keep PermitUserEnvironment at its default (no) in the main sshd_config: it cannot be set
#    inside a Match block. plantrail ignores PLANTRAIL_* and --as in a session anyway.
# 3. Check the configuration and reload sshd:
#      sshd -t && systemctl reload ssh
# 4. sshd runs the command above only if it and every folder above it belong to root and
#    no one else can write them ({program} and its parents).
# 5. The account '{user}' needs a shell that runs commands (/bin/sh), no password, and owns
#    the database ({database}) with mode 0600. Leads then connect with
#      ssh -t {user}@this-server            (the plan in the terminal)
#      ssh {user}@this-server show 2.3      (one command)
"""


def ssh_setup(args: argparse.Namespace) -> int:
    """Print the sshd configuration block and the steps for the plan's account."""
    database = Database.parse(args.db)
    program = program_path(args.program)
    target = database.location
    keys = " ".join(
        shlex.quote(word)
        for word in [program, "--db", target, "ssh", "keys-command", "--user", args.user]
    )
    say(
        SETUP.format(
            user=args.user,
            keys_command=f"{keys} %u %f",
            program=program,
            database=target,
        ).rstrip()
    )
    if not database.is_postgres and os.path.exists(target):
        mode = os.stat(target).st_mode & 0o777
        if mode & 0o077:
            warn(f"{target} is readable by others (mode {mode:o}): chmod 600 {target}")
    return 0
