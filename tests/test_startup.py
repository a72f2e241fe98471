"""What a command loads: each command imports only what it runs, so commands typed over SSH
start quickly (``bench/run.py`` measures the time; these tests keep the imports honest).

Each case runs in a fresh interpreter, because this test process has imported everything."""

from __future__ import annotations

import argparse
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
    # pydantic's search for plugins is off, and so is its import of package metadata (~20 ms)
    assert "importlib.metadata" not in modules
    # it signed (the tests' key), reading the key without cryptography's PEM loading
    assert "cryptography.hazmat.primitives.asymmetric.ed25519" in modules
    assert "cryptography.hazmat.primitives.serialization.ssh" not in modules


STAND_IN = """
import os, sys
os.environ["PYDANTIC_DISABLE_PLUGINS"] = sys.argv[1]
from plantrail.tui.cli.startup import skip_plugin_discovery
skip_plugin_discovery()
before = "pydantic.plugin._loader" in sys.modules
from pydantic.plugin._loader import get_plugins
stood_in = not before and "importlib.metadata" not in sys.modules
plugins = list(get_plugins())
from pydantic.plugin._loader import PYDANTIC_ENTRY_POINT_GROUP
print(stood_in, plugins, PYDANTIC_ENTRY_POINT_GROUP, "importlib.metadata" in sys.modules)
"""


@pytest.mark.parametrize(
    ("disabled", "printed"),
    [
        ("__all__", "True [] pydantic True"),  # stood in; the real loader when asked for more
        ("some_plugin", "False [] pydantic True"),  # plugins are searched for: the real loader
    ],
)
def test_pydantic_s_plugin_loader_is_stood_in_for_only_while_every_plugin_is_off(
    disabled: str, printed: str
) -> None:
    done = subprocess.run(
        [sys.executable, "-c", STAND_IN, disabled], capture_output=True, text=True, timeout=60
    )
    assert done.stdout.strip() == printed, done.stderr


def _commands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    """A parser's subcommands by name (none when it has no subcommands)."""
    found = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(found[0].choices) if found else {}


def _helps(parser: argparse.ArgumentParser, path: str = "") -> dict[str, str]:
    """The help text of a parser and of every subcommand under it, by command path."""
    helps = {path: parser.format_help()}
    for name, sub in _commands(parser).items():
        helps.update(_helps(sub, f"{path} {name}".strip()))
    return helps


def test_a_command_builds_only_its_own_parser_the_same_as_the_full_ones() -> None:
    """Only the named command's parser is built (argparse spends ~12 ms on all 60), and it is
    the full parser's: the same help for it and each of its subcommands. A word that names no
    command, help asked first, an abbreviated global option or no command: every command."""
    from plantrail.tui.cli.parser import build_parser

    full = build_parser()
    every = _helps(full)
    names = _commands(full)
    assert {"update", "show", "export", "access", "session"} <= names.keys()
    for name in names:
        for words in ([name], ["--db", "x.db", "--as", "Ann", name], ["--db=x.db", name]):
            built = build_parser(words)
            assert list(_commands(built)) == [name], words
            mine = {p: h for p, h in _helps(built).items() if p}
            assert mine == {p: h for p, h in every.items() if p.split(" ")[0] == name}, words
    for words in (["nonsense"], ["--help", "show"], [], ["--d", "x.db", "show"], ["--db"]):
        assert _helps(build_parser(words)) == every, words
