"""What happens when the interface meets an error nobody planned for.

The person sees one short message saying what happened, that saved work is safe, and where
the details are; the details (the traceback) go to a log file, never across their terminal.
The program then exits with status 1, so scripts and SSH wrappers see the failure.
"""

from __future__ import annotations

import os
import platform
import sys
import tempfile
import traceback
from datetime import UTC, datetime
from pathlib import Path


def log_folder() -> Path:
    """``$XDG_STATE_HOME/plantrail`` (default ``~/.local/state/plantrail``)."""
    state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(state) / "plantrail"


def write_crash_log(error: BaseException) -> Path:
    """Write ``error``'s traceback to a new log file and return its path.

    Falls back to the system's temporary folder when the state folder cannot be written.
    """
    stamp = datetime.now(tz=UTC).strftime("%Y%m%dT%H%M%SZ")
    name = f"crash-{stamp}-{os.getpid()}.log"
    body = (
        f"plantrail crashed at {stamp}\n"
        f"python {sys.version.split()[0]} on {platform.platform()}\n"
        f"command: {' '.join(sys.argv)}\n\n" + "".join(traceback.format_exception(error))
    )
    for folder in (log_folder(), Path(tempfile.gettempdir())):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / name
            path.write_text(body, encoding="utf-8")
            path.chmod(0o600)
            return path
        except OSError:
            continue
    raise OSError("no folder could take the crash log")


def crash_message(error: BaseException, log: Path | None) -> str:
    """The few lines a person reads after a crash."""
    where = f"The details are in {log}." if log else "The details could not be written."
    return (
        f"plantrail stopped after an unexpected error ({type(error).__name__}: "
        f"{str(error)[:200]}).\nEverything you saved is safe; a form you had not saved is kept "
        f"as a draft and offered back when you open it again.\n{where} Please send that file "
        "to whoever looks after plantrail."
    )
