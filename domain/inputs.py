"""The types of everything people give plantrail, in one place.

The command models (``commands.py``) and the plan document that imports and restores read
(``document.py``) are built from these, so a value an import accepts is a value every later
command accepts too: an imported source code ``a`` is stored as ``(a)``, a reference such as
``1.12345`` is refused on the way in, not discovered later.

- ``Line``: one line of printable text (titles, names, periods, timescales, locations).
- ``Prose``: printable text with line breaks and tabs (narratives, action text, reasons).
- ``Name``: a person, role or group as written in the directory.
- ``ActionRef`` / ``StepRef``: "2.7" / "2.7.1" ("3" / "3.1" in a plan without standards).
- ``Code``: a source code, stored in the plan's form "(a)".
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints

from .access import SshKey, is_fingerprint
from .text import check_text
from .vocabulary import Brag, StepStatus

#: Longest one-line value: a title, a name, a timescale.
LINE_MAX = 500
#: Longest text value, about a megabyte: a narrative pasted from a long report still fits.
PROSE_MAX = 1_000_000


def _one_line(value: str) -> str:
    return check_text(value, multiline=False)


def _multi_line(value: str) -> str:
    return check_text(value, multiline=True)


def _length(required: bool, longest: int) -> StringConstraints:
    return StringConstraints(strip_whitespace=True, min_length=int(required), max_length=longest)


_ONE_LINE = AfterValidator(_one_line)
_MULTI_LINE = AfterValidator(_multi_line)
Line = Annotated[str, _length(True, LINE_MAX), _ONE_LINE]
OptionalLine = Annotated[str, _length(False, LINE_MAX), _ONE_LINE]
Prose = Annotated[str, _length(True, PROSE_MAX), _MULTI_LINE]
OptionalProse = Annotated[str, _length(False, PROSE_MAX), _MULTI_LINE]
Name = Annotated[str, _length(True, 200), _ONE_LINE]
ActionRef = Annotated[
    str,
    StringConstraints(strip_whitespace=True, pattern=r"^[1-9]\d{0,3}(\.[1-9]\d{0,3})?$"),
]
StepRef = Annotated[
    str,
    StringConstraints(strip_whitespace=True, pattern=r"^[1-9]\d{0,3}(\.[1-9]\d{0,3}){1,2}$"),
]
SourceCode = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^\(?[A-Za-z0-9]{1,4}\)?$")
]


def _parse_brag(value: Any) -> Any:
    return Brag.parse(value) if isinstance(value, str) else value


def _parse_status(value: Any) -> Any:
    return StepStatus.parse(value) if isinstance(value, str) else value


def _normalise_code(value: Any) -> Any:
    """Sources are written "(a)" in plans; accept "a" too and store the plan's form."""
    if isinstance(value, str) and value.strip() and not value.strip().startswith("("):
        return f"({value.strip()})"
    return value


BragValue = Annotated[Brag, BeforeValidator(_parse_brag)]
StatusValue = Annotated[StepStatus, BeforeValidator(_parse_status)]
Code = Annotated[SourceCode, BeforeValidator(_normalise_code)]
StandardNumber = Annotated[int, Field(ge=1, le=999)]
Cadence = Annotated[int, Field(ge=1, le=366)]
Sha256 = Annotated[str, StringConstraints(pattern=r"^([0-9a-f]{64})?$")]
#: A login name on the server (what ``getpass.getuser()`` says), as POSIX systems allow.
Login = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9_][A-Za-z0-9_.@-]{0,63}$")
]


def _public_key(value: str) -> str:
    return SshKey.parse(value).line()


def _fingerprint(value: str) -> str:
    if not is_fingerprint(value):
        raise ValueError("is not a key fingerprint (SHA256:…, as `plantrail access list` shows)")
    return value


#: A key's SHA-256 fingerprint as ``ssh-keygen -l`` prints it.
KeyFingerprint = Annotated[
    str, StringConstraints(strip_whitespace=True), AfterValidator(_fingerprint)
]

#: One OpenSSH public key line, checked and normalised (type, base64, comment).
PublicKeyLine = Annotated[str, StringConstraints(max_length=20_000), AfterValidator(_public_key)]

#: What a pattern mismatch means, by field name, for messages.
PATTERN_HELP = {
    "ref": "an action reference such as 2.7, or 3 in a plan without standards",
    "step": "a key action reference such as 2.7.1, or 3.1 in a plan without standards",
    "code": "a short source code such as (a)",
    "sources": "short source codes such as (a)",
    "sha256": "64 lowercase hex digits",
    "logins": "a login name such as jsmith (letters, digits, . _ - @)",
}
