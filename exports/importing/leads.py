"""Who leads, from a lead cell as people write them.

A cell is split only where the writer clearly listed several: line breaks and semicolons;
" and " or "&" between two names; "/" between short names; "together with", "supported by".
A comma never splits on its own: "Deputy Director, Early Help and Family Services" is one
lead, and "Nadia Brook, Performance Manager" is the person Nadia Brook, whose job is
Performance Manager.
Words after the names that say what they will do ("RP & UF to redesign the audit form") are a
duty: they stay with the key action's text. Text that does not look like a name at all
("Methodology", "and the unit") is never made into a person.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

#: Words that make a name a role or group, not a person.
TITLE_WORDS = frozenset(
    {
        "all",
        "assistant",
        "deputy",
        "director",
        "directors",
        "head",
        "heads",
        "manager",
        "managers",
        "officer",
        "officers",
        "lead",
        "leads",
        "team",
        "teams",
        "service",
        "services",
        "support",
        "safeguarding",
        "practitioner",
        "practitioners",
        "worker",
        "workers",
        "coordinator",
        "co-ordinator",
        "principal",
        "senior",
        "group",
        "groups",
        "board",
        "panel",
        "partnership",
        "staff",
        "consultant",
        "consultants",
        "chair",
        "unit",
        "department",
        "quality",
        "assurance",
        "planning",
        "development",
        "family",
        "families",
        "children",
        "childrens",
        "young",
        "people",
        "adult",
        "adults",
        "social",
        "care",
        "commissioning",
        "performance",
        "business",
        "administrator",
        "administration",
        "admin",
        "hr",
        "finance",
        "legal",
        "committee",
        "executive",
        "chief",
        "council",
        "member",
        "members",
        "governor",
        "governors",
        "school",
        "schools",
        "health",
        "police",
        "reviewing",
        "independent",
        "iro",
        "iros",
        "conference",
        "strategic",
        "operational",
        "area",
        "district",
        "locality",
        "front",
        "door",
        "mash",
        "hub",
        "specialist",
        "advanced",
        "educational",
        "psychologist",
        "nurse",
        "nurses",
        "designated",
        "named",
        "doctor",
        "trainer",
        "training",
        "workforce",
        "learning",
        "policy",
        "review",
    }
)
#: Small words allowed inside a name ("Head of Service", "Director for Children").
PARTICLES = frozenset({"of", "for", "and", "the", "in", "on", "&", "de", "van", "von", "le"})
#: Cells that mean "nobody named".
NOBODY = frozenset({"as above", "n/a", "na", "tbc", "tba", "-", "none", "various", "all"})
_DUTY = re.compile(
    r"\s+(?=(?:to|will|should|must|shall|who|is|are|has|have|in order|by|via|with the)\s+[a-z])"
    r"|\s*:\s+|\s+[–—-]\s+(?=[a-z])"
)
_JOINERS = re.compile(r"\s+(?:together with|along with|supported by|assisted by|with)\s+", re.I)


@dataclass(frozen=True)
class Lead:
    """One lead: a name, whether it is a person or a role/group, and a person's job title."""

    name: str
    kind: str  # "person" or "role"
    title: str = ""


@dataclass
class LeadCell:
    """What a lead cell holds: the leads, the duty text beside them, and text that is not a
    name (kept with the key action)."""

    leads: list[Lead] = field(default_factory=list)
    duty: str = ""
    not_names: list[str] = field(default_factory=list)


def read_leads(text: str) -> LeadCell:
    """Read one lead cell (its paragraphs joined by line breaks)."""
    found = LeadCell()
    duties: list[str] = []
    for line in re.split(r"[\n;]+", text):
        line = line.strip(" .,")
        if not line or line.casefold() in NOBODY:
            continue
        names, duty = _split_duty(line)
        if duty:
            duties.append(line)
        for part in _split_names(names):
            lead = _lead(part)
            if lead is None:
                found.not_names.append(part)
            elif lead.name.casefold() not in {x.name.casefold() for x in found.leads}:
                found.leads.append(lead)
    found.duty = "; ".join(duties)
    return found


def _split_duty(line: str) -> tuple[str, str]:
    """'RP & UF to redesign the audit form' → ('RP & UF', 'to redesign the audit form')."""
    match = _DUTY.search(line)
    if not match or match.start() == 0:
        return line, ""
    return line[: match.start()].strip(), line[match.end() :].strip()


def _split_names(text: str) -> list[str]:
    parts = [p for p in _JOINERS.split(text) if p.strip()]
    names: list[str] = []
    for part in parts:
        names.extend(_split_and(part))
    return names


def _split_and(text: str) -> list[str]:
    """Split on ' and ' / '&' only between two names, and '/' only between short names."""
    pieces = re.split(r"\s+and\s+|\s*&\s*", text)
    if len(pieces) > 1 and "," not in pieces[0] and all(_name_like(p) for p in pieces):
        return [p.strip() for p in pieces]
    slashed = [p.strip() for p in text.split("/")]
    if len(slashed) > 1 and all(0 < len(p.split()) <= 3 and _name_like(p) for p in slashed):
        return slashed
    return [text.strip()]


def _words(text: str) -> list[str]:
    return re.findall(r"[A-Za-z][A-Za-z'’.-]*", text)


def _is_initials(word: str) -> bool:
    """'RP', 'UF', 'HoS', 'IRO' (initials and short titles)."""
    return 2 <= len(word) <= 6 and word[0].isupper() and sum(c.isupper() for c in word) >= 2


def _name_like(text: str) -> bool:
    """A person's name or a role's: capitalised words (small particles allowed), or initials;
    not prose. Titles after a comma are allowed ('Nadia Brook, Performance Manager')."""
    head = re.sub(r"^all\b", "All", text.split(",")[0].strip())
    words = _words(head)
    if not words or len(words) > 7:
        return False
    if all(w.lower() in TITLE_WORDS | PARTICLES for w in words):
        return True  # "All staff", "team managers": a role in lower case
    if len(words) == 1:
        return _is_initials(words[0]) or words[0].lower() in TITLE_WORDS
    capitalised = [w for w in words if w.lower() not in PARTICLES]
    if not capitalised or not all(w[0].isupper() for w in capitalised):
        return False
    return words[0][0].isupper() and words[0].lower() not in {"and", "or", "but", "the"}


def _lead(text: str) -> Lead | None:
    """One name as a lead; None when it is not a name."""
    text = re.sub(r"^all\b", "All", " ".join(text.split()).strip(" .,:"))
    if not _name_like(text):
        return None
    head, _, tail = text.partition(",")
    head, tail = head.strip(), tail.strip()
    if tail and _person(head) and _name_like(tail):
        return Lead(head, "person", tail)
    return Lead(text, "person" if _person(text) else "role")


def _person(name: str) -> bool:
    """A person's name: two to four capitalised words, none a job or group word; or
    someone's initials."""
    words = _words(name)
    if re.search(r"['’]s\b", name):
        return False  # "PC's": the plural of a role
    if len(words) == 1:
        return _is_initials(words[0]) and words[0].lower() not in TITLE_WORDS
    return 2 <= len(words) <= 4 and not any(w.lower().strip(".") in TITLE_WORDS for w in words)
