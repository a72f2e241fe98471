"""plantrail's own plan format (YAML or JSON): read, cleaned of refused characters, checked
by the plan document model (``domain/document.py``)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pydantic import ValidationError

from ...domain.document import PlanDocument
from .cleaning import clean_value
from .tables import ImportProblem


def read_own_format(
    file: Path,
    kind: str,
    data: bytes,
    plan_date: date | None,
    title: str | None,
    warnings: list[str],
) -> PlanDocument:
    try:
        if kind == "json":
            import json

            raw = json.loads(data.decode("utf-8-sig"))
        else:
            import yaml

            raw = yaml.safe_load(data.decode("utf-8-sig"))
    except Exception as exc:
        raise ImportProblem(f"{file}: cannot be read as {kind.upper()}: {exc}") from None
    if not isinstance(raw, dict):
        raise ImportProblem(f"{file}: expected a plan (a mapping at the top level)")
    if plan_date:
        raw["plan_date"] = plan_date.isoformat()
    if title:
        raw["title"] = title
    raw = clean_value(raw, file.name, warnings)
    try:
        return PlanDocument.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()[:10]
        )
        raise ImportProblem(f"{file}: not a valid plantrail plan: {problems}") from None
