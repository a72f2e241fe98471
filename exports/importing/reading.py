"""``plantrail import plan FILE``: a Word table, a spreadsheet, a CSV file or plantrail's own
YAML/JSON, read into a :class:`~plantrail.domain.document.PlanDocument` to show (``--dry-run``)
or record in one transaction (``store/bulk.py``).
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ...domain.document import PlanDocument
from .cleaning import clean, clean_tables
from .columns import Mapping, parse_overrides
from .delimited import read_csv
from .document import build_document
from .own_format import read_own_format
from .spreadsheet import read_xlsx
from .tables import ImportProblem
from .word import read_docx

MAX_BYTES = 20 * 1024 * 1024
KINDS = {
    ".docx": "docx",
    ".xlsx": "xlsx",
    ".csv": "csv",
    ".yaml": "yaml",
    ".yml": "yaml",
    ".json": "json",
}


@dataclass
class Reading:
    """A file read: the document to record, what was noticed, the file's fingerprint, how its
    columns were read, and where each action came from (for messages)."""

    document: PlanDocument
    path: Path
    sha256: str
    warnings: list[str] = field(default_factory=list)
    mappings: list[Mapping] = field(default_factory=list)
    origins: dict[str, str] = field(default_factory=dict)
    chosen: str = ""

    @property
    def provenance(self) -> str:
        return f"imported from {self.path.name} (sha256 {self.sha256})"


def read_plan(
    path: str | Path,
    *,
    plan_date: date | None,
    title: str | None,
    organisation: str | None,
    owner: str,
    mapped: list[str] | None = None,
) -> Reading:
    """Read ``path`` into a document; raise :class:`ImportProblem` naming what is wrong.
    ``mapped``: ``--map "COLUMN=role"`` values."""
    overrides = parse_overrides(mapped)
    file = Path(path)
    if not file.is_file():
        raise ImportProblem(f"{path}: no such file")
    size = file.stat().st_size
    if size > MAX_BYTES:
        raise ImportProblem(
            f"{path}: {size // 1024**2} MB is larger than the {MAX_BYTES // 1024**2}"
            " MB plantrail reads; is this really a plan?"
        )
    kind = KINDS.get(file.suffix.lower())
    if kind is None:
        raise ImportProblem(
            f"{path}: unknown kind of file; plantrail reads "
            ".docx, .xlsx, .csv, .yaml, .yml and .json"
        )
    data = file.read_bytes()
    _check_kind(file, kind, data)
    sha256 = hashlib.sha256(data).hexdigest()
    warnings: list[str] = []
    if kind in ("yaml", "json"):
        if overrides:
            raise ImportProblem(f"--map: {file.name} is plantrail's own format, with no columns")
        document = read_own_format(file, kind, data, plan_date, title, warnings)
        return Reading(document, file, sha256, warnings)
    before: list[str] = []
    after: list[str] = []
    if kind == "docx":
        tables, before, after = read_docx(file, data)
    else:
        tables = read_xlsx(file, data) if kind == "xlsx" else read_csv(file, data)
    clean_tables(tables, warnings)
    before = [clean(text, f"{file.name}, text before the table", warnings) for text in before]
    after = [clean(text, f"{file.name}, notes after the table", warnings) for text in after]
    built = build_document(
        file,
        tables,
        before,
        after,
        warnings,
        plan_date=plan_date,
        title=title,
        organisation=organisation,
        owner=owner,
        overrides=overrides,
        one_table=kind == "xlsx",
    )
    return Reading(
        built.document, file, sha256, warnings, built.mappings, built.origins, built.chosen
    )


def _check_kind(file: Path, kind: str, data: bytes) -> None:
    is_zip = data[:4] == b"PK\x03\x04"
    if kind in ("docx", "xlsx"):
        wanted = "word/document.xml" if kind == "docx" else "xl/workbook.xml"
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist() if is_zip else []
        except zipfile.BadZipFile:
            names = []
        if wanted not in names:
            raise ImportProblem(
                f"{file}: not a {'Word' if kind == 'docx' else 'Excel'} file "
                f"despite its name ({_looks_like(data)})"
            )
    elif is_zip or b"\x00" in data[:4096]:
        raise ImportProblem(f"{file}: not a text file despite its name ({_looks_like(data)})")


def _looks_like(data: bytes) -> str:
    if data[:4] == b"PK\x03\x04":
        return "it is a zip archive"
    if data[:5] == b"%PDF-":
        return "it is a PDF"
    if b"\x00" in data[:4096]:
        return "it holds binary data"
    return "it is plain text"
