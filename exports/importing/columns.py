"""What each column of an imported table means, decided by its header's words and, where the
words are silent or ambiguous, by what the column holds.

Every role has synonyms with a weight (how sure the word makes us). A header scores a role by
the best synonym it equals (the weight), starts with (weight − 30: "Progress March 2025"),
or contains as words (weight − 50: "Ofsted Area for Improvement"). Columns are then assigned
best score first, one column per role, except progress and next actions, of which a plan may
have one per date. A blank header is read from its cells (timescales, BRAG ratings). A header
with a date ("Update as of 5 February 2007") gives its entries that date.

``--map "COLUMN=role"`` overrides or fills the mapping; a column no role claims is always
named in a warning with a sample of what it holds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from ...domain.timescale import Timescale, TimescaleKind
from ...domain.vocabulary import Brag, StepStatus
from ..xlsx_stream import column_letter
from .numbering import read_number
from .tables import ImportProblem, Table

#: Role → (synonym, weight). Normalised words: lower case, punctuation as spaces.
# fmt: off
SYNONYMS: dict[str, tuple[tuple[str, int], ...]] = {
    "ref": (
        ("ref", 100), ("reference", 100), ("no", 95), ("number", 95), ("item", 90),
        ("item no", 100), ("ref no", 100), ("rec no", 100), ("id", 80), ("action ref", 100),
        ("action no", 100),
    ),
    "source": (
        ("ofsted para no", 110), ("ofsted para", 110), ("para no", 100), ("paragraph", 95),
        ("para", 90), ("report paragraph", 105), ("source", 95), ("inspection ref", 100),
        ("code", 80),
    ),
    "standard": (("standard", 100), ("theme", 95), ("section", 80), ("priority area", 90)),
    "area": (
        ("area for development", 120), ("areas for development", 120),
        ("area for improvement", 120), ("areas for improvement", 120),
        ("ofsted area for improvement", 125), ("actions required", 115),
        ("action required", 115), ("recommendation", 110), ("recommendations", 110),
        ("objective", 100), ("objectives", 100), ("issue", 90), ("issues", 90),
        ("finding", 90), ("findings", 90), ("requirement", 95), ("requirements", 95),
        ("improvement", 85), ("improvement needed", 105), ("area", 80), ("aim", 80),
        ("what", 85), ("weakness", 90), ("key issue", 100), ("action", 75),
    ),
    "key": (
        ("key action", 115), ("key actions", 115), ("action", 95), ("actions", 95),
        ("how", 85), ("task", 90), ("tasks", 90), ("steps", 90), ("what we will do", 110),
        ("activity", 85), ("activities", 85), ("action to be taken", 110),
        ("actions to be taken", 110), ("planned action", 105), ("planned actions", 105),
        ("what who how when", 120), ("what how who when", 120),
    ),
    "timescale": (
        ("timescale", 115), ("timescales", 115), ("by when", 110), ("when", 85),
        ("timetable", 110), ("deadline", 105), ("target date", 110), ("due date", 105),
        ("completion date", 105), ("date", 70), ("review date", 75), ("target", 60),
        ("due", 80),
    ),
    "lead": (
        ("lead", 110), ("leads", 110), ("lead officer", 115), ("lead officers", 115),
        ("lead officer s", 115), ("lead person", 115), ("lead s", 110), ("who", 85),
        ("responsible", 105), ("responsibility", 100), ("responsible officer", 115),
        ("owner", 95), ("officer", 90), ("accountable", 95), ("by whom", 105),
    ),
    "evidence": (
        ("evidence", 110), ("success measure", 110), ("success measures", 110),
        ("measure", 90), ("measures", 90), ("measure of success", 110), ("monitoring", 95),
        ("monitoring and evaluation", 115), ("how will we know", 105),
        ("performance indicator", 100), ("performance indicators", 100),
    ),
    "outcome": (
        ("key outcome", 115), ("outcome", 105), ("outcomes", 105), ("impact", 100),
        ("expected outcome", 115), ("intended outcome", 115), ("expected impact", 110),
    ),
    "progress": (
        ("progress", 110), ("update", 100), ("current status", 110), ("comments", 85),
        ("progress update", 115), ("latest progress", 105), ("update as of", 115),
        ("progress to date", 115), ("commentary", 90), ("position", 70), ("progress as at", 115),
    ),
    "next": (
        ("action from", 120), ("actions from", 120), ("next steps", 115), ("next actions", 115),
        ("further action", 110), ("further actions", 110), ("actions arising", 110),
    ),
    "rating": (
        ("rag", 115), ("r a g", 115), ("brag", 115), ("rag status", 115), ("brag rating", 115),
        ("rag rating", 115), ("rating", 105), ("colour", 90), ("color", 90), ("status", 70),
    ),
    "status": (
        ("key action status", 115), ("step status", 110), ("completed", 60), ("status", 65),
    ),
    "derived": (
        ("overdue", 120), ("last progress", 120), ("key action ref", 120), ("due date", 20),
    ),
}
# fmt: on
#: Roles a table may have several columns of (one per date).
MULTI = frozenset({"progress", "next", "derived"})
#: Roles whose columns' texts can simply be joined, so ``--map`` may add a second one.
JOINABLE = frozenset({"evidence", "outcome"})
#: What ``--map`` accepts.
ROLES = (*SYNONYMS, "ignore")
ROLE_HELP = {
    "ref": "the item's number",
    "source": "where it came from (e.g. the inspection report's paragraph)",
    "standard": "the standard or theme",
    "area": "the action (area for development, recommendation)",
    "key": "key actions",
    "timescale": "when",
    "lead": "who leads",
    "evidence": "evidence, measures",
    "outcome": "outcome, impact",
    "progress": "progress entries",
    "next": "next actions of a progress entry",
    "rating": "BRAG / RAG rating",
    "status": "key action status",
    "derived": "worked out by plantrail (not imported)",
    "ignore": "not imported",
}


def normalise(header: str) -> str:
    """Lower case words: 'Lead Officer(s)' → 'lead officer s', 'R/A/G' → 'r a g'."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", header.lower()).split())


@dataclass(frozen=True)
class Column:
    """One column: where it is, its header, the role it was given and why, a sample."""

    index: int
    header: str
    role: str | None
    sample: str = ""
    day: date | None = None  # a date in the header: its entries' effective date
    period: str = ""  # the header's words for that date ("October 2003")
    by: str = ""  # "header", "content", "--map"

    @property
    def letter(self) -> str:
        return column_letter(self.index)

    @property
    def label(self) -> str:
        return f"'{self.header}'" if self.header else f"column {self.letter} (no header)"


@dataclass
class Mapping:
    """A table's header row and what each of its columns means."""

    table: Table
    header_row: int  # index into table.rows
    columns: list[Column]
    score: int
    notes: list[str] = field(default_factory=list)

    def of(self, role: str) -> list[Column]:
        return [c for c in self.columns if c.role == role]

    def first(self, role: str) -> Column | None:
        found = self.of(role)
        return found[0] if found else None

    @property
    def roles(self) -> set[str]:
        return {c.role for c in self.columns if c.role}

    def describe_columns(self) -> str:
        return ", ".join(f"{c.label}={c.role}" for c in self.columns if c.role)


def scores(header: str) -> list[tuple[int, str]]:
    """(score, role) for every role the header's words suggest, best first."""
    name = normalise(header)
    if not name:
        return []
    found: dict[str, int] = {}
    for role, synonyms in SYNONYMS.items():
        best = 0
        for word, weight in synonyms:
            if name == word:
                score = weight
            elif name.startswith(word + " "):
                score = weight - 30
            elif f" {word} " in f" {name} ":
                score = weight - 50
            else:
                continue
            best = max(best, score * 10 + len(word))  # longer synonyms break ties
        if best > 0:
            found[role] = best
    return sorted(((s, r) for r, s in found.items()), reverse=True)


def header_date(header: str, plan_date: date | None) -> tuple[date | None, str]:
    """The date a header names ('Update as of 5 February 2007', 'Progress March 2025',
    'Action from March 2025'): the day, or a month's last day; and the header's words for
    it ('5 February 2007')."""
    words = re.sub(
        r"^.*?\b(?:as of|as at|from|for|of|at|update|progress|status|comments|action|actions)"
        r"\s+(?=\S*\d|[A-Z][a-z]+\s+\d)",
        "",
        " ".join(header.split()),
        flags=re.I,
    ).strip(" :-–")
    reading = Timescale.read(words, plan_date or date(2000, 1, 1))
    if reading.kind not in (TimescaleKind.DATE, TimescaleKind.MONTH) or reading.due is None:
        return None, ""
    if not re.search(r"\d{4}|\b\d{2}\b", words):
        return None, ""  # "Progress May" with no year: not a date to rely on
    return reading.due, words


def content_role(values: list[str], plan_date: date | None) -> str | None:
    """What a column's cells say it is, when its header does not: BRAG ratings, key action
    statuses, or timescales."""
    cells = [v for v in values if v.strip()]
    if not cells:
        return None
    numbered = sum(bool(read_number(v).number) and len(v.split()) <= 4 for v in cells)
    if numbered * 5 >= len(cells) * 4:
        return "ref"  # an unnamed first column of numbers and codes: "(a) (b) 3"
    if all(_is_brag(v) for v in cells):
        return "rating"
    if all(_is_status(v) for v in cells):
        return "status"
    day = plan_date or date(2000, 1, 1)
    read = sum(Timescale.read(v, day).kind is not TimescaleKind.UNPARSED for v in cells)
    if read * 2 >= len(cells):
        return "timescale"
    return None


def _is_brag(text: str) -> bool:
    try:
        Brag.parse(text.split()[0] if text.split() else text)
    except ValueError:
        return False
    return len(text.split()) <= 2


def _is_status(text: str) -> bool:
    try:
        StepStatus.parse(text)
    except ValueError:
        return False
    return True


def column_values(table: Table, header_row: int, index: int) -> list[str]:
    """Every non-blank cell under the header in column ``index``, as one line each."""
    values = []
    for row in table.rows[header_row + 1 :]:
        if index < len(row) and row[index]:
            values.append(" ".join(row[index]))
    return values


def map_columns(
    table: Table, header_row: int, plan_date: date | None, overrides: dict[str, str]
) -> Mapping:
    """Give every column of ``table`` (header at ``header_row``) a role, or none."""
    headers = [" ".join(cell) for cell in table.rows[header_row]]
    width = max(len(r) for r in table.rows)
    headers += [""] * (width - len(headers))
    candidates = sorted(
        ((score, index, role) for index, h in enumerate(headers) for score, role in scores(h)),
        reverse=True,
    )
    chosen: dict[int, tuple[str, str]] = {}
    taken: set[str] = set()
    for index, mapped in _overridden(headers, overrides).items():
        chosen[index] = (mapped, "--map")
        if mapped not in MULTI | JOINABLE:
            taken.add(mapped)
    for _, index, suggested in candidates:
        if index in chosen or (suggested in taken and suggested not in MULTI):
            continue
        chosen[index] = (suggested, "header")
        taken.add(suggested)
    columns = []
    for index, header in enumerate(headers):
        values = column_values(table, header_row, index)
        sample = values[0] if values else ""
        picked: tuple[str | None, str] = chosen.get(index, (None, ""))
        role, by = picked
        if by == "header" and role is not None and role in ("rating", "status", "progress"):
            role = _by_content(role, values)
        if role is None and not header.strip() and values:
            role = content_role(values, plan_date)
            if role in taken and role not in MULTI:
                role = None
            by = "content" if role else ""
            if role:
                taken.add(role)
        day, period = header_date(header, plan_date) if role in ("progress", "next") else (None, "")
        if role == "ignore":
            role = None
        columns.append(Column(index, header.strip(), role, sample, day, period, by))
    score = sum(max((s for s, _ in scores(h)), default=0) for h in headers)
    return Mapping(table, header_row, columns, score)


def _by_content(role: str, values: list[str]) -> str:
    """'Status' may hold BRAG colours, key action statuses or progress prose; so may
    'Current Status'. The cells decide."""
    cells = [v for v in values if v.strip()]
    if not cells:
        return role
    if all(_is_brag(v) for v in cells):
        return "rating"
    if all(_is_status(v) for v in cells):
        return "status"
    if role in ("rating", "status") and _prose(cells):
        return "progress"
    return role


def _prose(cells: list[str]) -> bool:
    return sum(len(c.split()) > 3 for c in cells) * 2 > len(cells)


def _overridden(headers: list[str], overrides: dict[str, str]) -> dict[int, str]:
    found = {}
    for name, role in overrides.items():
        for index, header in enumerate(headers):
            if normalise(header) == normalise(name) or name.upper() == column_letter(index):
                found[index] = role
    return found


def find_header(table: Table, plan_date: date | None, overrides: dict[str, str]) -> Mapping | None:
    """The row among the first twelve whose words best name a plan's columns: it must name an
    action column (area or key action) and at least one more."""
    best: Mapping | None = None
    for index, row in enumerate(table.rows[:12]):
        texts = [" ".join(c) for c in row if c]
        if len(set(texts)) <= 1:
            continue  # empty, or a title merged across the row
        mapping = map_columns(table, index, plan_date, overrides)
        roles = mapping.roles - {"derived"}
        if not ({"area", "key"} & roles) or len(roles) < 2:
            continue
        if best is None or mapping.score > best.score:
            best = mapping
    return best


def parse_overrides(given: list[str] | None) -> dict[str, str]:
    """``--map "Column=role"`` values, checked: a refusal names the value and the roles."""
    overrides = {}
    for text in given or []:
        column, sep, role = text.rpartition("=")
        role = role.strip().lower()
        if not sep or not column.strip():
            raise ImportProblem(f"--map {text!r}: expected COLUMN=ROLE, e.g. 'Who?=lead'")
        if role not in ROLES:
            raise ImportProblem(
                f"--map {text!r}: unknown role {role!r}; roles: "
                + ", ".join(f"{r} ({ROLE_HELP[r]})" for r in ROLES)
            )
        overrides[column.strip()] = role
    return overrides


def unused_warnings(mapping: Mapping) -> list[str]:
    """Every column with something in it that no role claimed, with a sample."""
    notes = []
    for column in mapping.columns:
        if column.role is None and (column.header or column.sample):
            sample = _short(column.sample) if column.sample else "(empty)"
            notes.append(
                f"{mapping.table.where}: column {column.letter} {column.label} is not imported "
                f'(sample: {sample}); use --map "{column.header or column.letter}=ROLE" '
                "to import it"
            )
    return notes


def _short(text: str, width: int = 50) -> str:
    text = " ".join(text.split())
    return repr(text if len(text) <= width else text[: width - 1] + "…")
