"""The one rule for text people give plantrail, and the ways stored text is shown safely.

Input: printable Unicode, plus line breaks and tabs in multi-line fields. Everything else that
could change what a terminal, a spreadsheet or a reader sees without being seen itself is
refused, naming the character and where it is: control characters (ESC, BEL, form feed, a lone
carriage return, DEL and the C1 controls), the bidirectional embedding, override and isolate
controls (U+202A–U+202E, U+2066–U+2069, which can make "approved" display as "devorppa"),
line and paragraph separators, surrogates and unassigned code points. A Windows line ending
(CR LF) in multi-line text is read as a line break. Importers replace what the rule refuses
with a visible mark and report it, instead of refusing the file.

Output: text already stored (logs written before this rule) may hold anything, so everything
shown is passed through :func:`visible` (terminal, Markdown, HTML, CSV) or :func:`xml_safe`
(Word and Excel, whose XML cannot hold most control characters at all).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

#: Bidirectional embedding, override and isolate controls: they reorder what is displayed.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
#: What a multi-line field may hold besides printable text.
LINE_BREAKS = frozenset("\n\t")

_NAMES = {
    "\x00": "NUL",
    "\x07": "BEL",
    "\x08": "BACKSPACE",
    "\x09": "TAB",
    "\x0a": "LINE FEED",
    "\x0b": "VERTICAL TAB",
    "\x0c": "FORM FEED",
    "\x0d": "CARRIAGE RETURN",
    "\x1b": "ESC",
    "\x7f": "DEL",
}


@dataclass(frozen=True)
class Unsafe:
    """The first character the rule refuses: which, and where (1-based, in characters)."""

    char: str
    position: int

    def describe(self) -> str:
        return f"{character_name(self.char)} at position {self.position}"


def character_name(char: str) -> str:
    """'U+001B (ESC)', 'U+202E (RIGHT-TO-LEFT OVERRIDE)': how a message names a character."""
    name = _NAMES.get(char) or unicodedata.name(char, "") or unicodedata.category(char)
    return f"U+{ord(char):04X} ({name})"


@lru_cache(maxsize=4096)
def _refused(char: str, multiline: bool) -> bool:
    if char in LINE_BREAKS:
        return not multiline
    if char in BIDI_CONTROLS:
        return True
    return unicodedata.category(char) in ("Cc", "Cs", "Cn", "Zl", "Zp")


def first_unsafe(text: str, *, multiline: bool) -> Unsafe | None:
    """The first character of ``text`` the rule refuses, or None if all of it is allowed."""
    if text.isprintable() and not (set(text) & BIDI_CONTROLS):
        return None  # the common case, checked in C
    for index, char in enumerate(text, start=1):
        if _refused(char, multiline):
            return Unsafe(char, index)
    return None


def normalise_breaks(text: str) -> str:
    """Windows (CR LF) line endings as plain line breaks; a lone CR stays (and is refused)."""
    return text.replace("\r\n", "\n") if "\r\n" in text else text


def check_text(text: str, *, multiline: bool) -> str:
    """``text`` if the rule allows it (line endings normalised); otherwise ``ValueError``
    naming the character and its position."""
    text = normalise_breaks(text) if multiline else text
    found = first_unsafe(text, multiline=multiline)
    if found is not None:
        allowed = "printable text, line breaks and tabs" if multiline else "printable text"
        raise ValueError(f"contains {found.describe()}; only {allowed} can be stored")
    return text


def replace_unsafe(text: str, *, multiline: bool) -> tuple[str, list[Unsafe]]:
    """``text`` with every refused character replaced by a visible mark, and what was replaced
    (for importers, which report rather than refuse)."""
    text = normalise_breaks(text) if multiline else text
    if first_unsafe(text, multiline=multiline) is None:
        return text, []
    found = []
    out = []
    for index, char in enumerate(text, start=1):
        if _refused(char, multiline):
            found.append(Unsafe(char, index))
            out.append(" " if char in LINE_BREAKS else _mark(char))
        else:
            out.append(char)
    return "".join(out), found


def _mark(char: str) -> str:
    """A visible stand-in: the Unicode control picture for C0 and DEL, else ⟨U+XXXX⟩."""
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)
    if code == 0x7F:
        return "\u2421"
    return f"⟨U+{code:04X}⟩"


@lru_cache(maxsize=4096)
def _hidden(char: str) -> bool:
    return _refused(char, True)


def visible(text: str) -> str:
    """Stored text made safe to show: line breaks and tabs kept, every other control, bidi
    control or separator replaced by a visible mark (ESC becomes ␛), so nothing stored can
    clear a screen, retitle a terminal or reorder what a reader sees."""
    if text.isprintable():  # most stored text: nothing to look for (checked in C)
        return text  # (bidi controls are format characters, so never "printable")
    if text.replace("\n", "").replace("\t", "").isprintable():  # a table or a narrative
        return text
    text = normalise_breaks(text)
    return "".join(_mark(c) if _hidden(c) else c for c in text)


def visible_everywhere(value: Any) -> Any:
    """Every string inside ``value`` (dicts, lists, tuples) passed through :func:`visible`."""
    if isinstance(value, str):
        return visible(value)
    if isinstance(value, dict):
        return {k: visible_everywhere(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(visible_everywhere(v) for v in value)
    return value


def all_visible(json_text: str | bytes) -> bool:
    """Nothing in the JSON document ``json_text`` would change under :func:`visible`: every
    character printable once the line breaks and tabs it escapes are set aside.

    One check in C over a whole plan instead of a call per string. JSON escapes every C0
    control (``\\n``, ``\\t``, ``\\r``, ``\\b``, ``\\f``, ``\\u00XX``); only a line break
    or a tab is left as it is, so any other escape answers False (as does an escaped
    backslash before such a letter: a false alarm costs only the slow path). DEL, C1
    controls, bidi controls and separators are written raw, and are not printable."""
    text = json_text.decode() if isinstance(json_text, bytes) else json_text
    if not text.isprintable():
        return False
    return not any(escape in text for escape in ("\\u", "\\r", "\\b", "\\f"))


def one_line(text: str) -> str:
    """Stored text on one line: :func:`visible`, with runs of whitespace as one space."""
    return " ".join(visible(text).split())


def xml_safe(text: str) -> str:
    """Text a Word or Excel file can hold: :func:`visible` (XML 1.0 has no room for most
    control characters, and an unpaired surrogate cannot be encoded at all)."""
    return visible(text)


#: Characters JSON may leave unescaped that a terminal would act on or reorder: DEL, the C1
#: controls, the line and paragraph separators and the bidi controls.
_RAW_IN_JSON = re.compile("[\x7f-\x9f\u2028\u2029" + "".join(sorted(BIDI_CONTROLS)) + "]")


def _escaped(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def json_safe(text: str) -> str:
    """JSON text safe to print to a terminal: DEL, C1 controls, line separators and bidi
    controls (which JSON may leave raw) written as ``\\uXXXX`` escapes. It decodes to the same
    data. One regular expression over the text (a Python test per character was a fifth of
    the evidence pack's audit trail in JSON Lines)."""
    if text.isascii() and "\x7f" not in text:
        return text
    return _RAW_IN_JSON.sub(_escaped, text)


def shown(value: object, limit: int = 80) -> str:
    """A value quoted in a message: visible, cut to ``limit`` characters so a refusal never
    echoes a whole narrative back."""
    text = visible(value if isinstance(value, str) else repr(value))
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return repr(text) if isinstance(value, str) else text
