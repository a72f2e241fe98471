"""What a command loads: each command imports only what it runs, so commands typed over SSH
start quickly (``bench/run.py`` measures the time; these tests keep the imports honest).

Each case runs in a fresh interpreter, because this test process has imported everything."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .support import demo_db

PROBE = """
import json, sys
from plantrail.tui.cli import main
try:
    code = main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
print(json.dumps({"code": code, "modules": sorted(sys.modules)}), file=sys.stderr)
"""

HEAVY = {
    "textual": "the interface",
    "plantrail.store.service": "the write path",
    "plantrail.exports.jobs": "the exports",
    "openpyxl": "the Excel writer",
    "docx": "the Word writer",
    "cryptography": "the signing library",
}


def loaded(*argv: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *argv], capture_output=True, text=True, timeout=60
    )
    report = json.loads(done.stderr.strip().splitlines()[-1])
    assert report["code"] in (0, None), done.stderr
    return set(report["modules"])


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    return demo_db(tmp_path_factory.mktemp("startup"))


def test_help_loads_no_models_no_store_and_no_interface() -> None:
    modules = loaded("--help")
    assert not {"pydantic", "plantrail.store.opening", "tabulate"} & modules
    assert not set(HEAVY) & modules


def test_show_loads_neither_the_write_path_nor_the_interface(db: str) -> None:
    modules = loaded("--db", db, "show")
    assert "plantrail.store.queries" in modules  # it did read the plan
    assert not set(HEAVY) & modules, {HEAVY[m] for m in set(HEAVY) & modules}
    assert "plantrail.domain.commands" not in modules


def test_an_update_loads_the_write_path_but_not_the_interface_or_exports(
    db: str, tmp_path: Path
) -> None:
    modules = loaded(
        "--db",
        db,
        "--as",
        "Ada Quill",
        "update",
        "2.1",
        "--period",
        "Nov 2026",
        "--narrative",
        "Done",
    )
    assert "plantrail.store.service" in modules  # it did write
    assert not {"textual", "plantrail.exports.jobs", "openpyxl", "docx"} & modules
