"""The repository's own rules, run as tests so the README's one test command checks them all:
ruff (lint and format), mypy, the import-linter layer contracts, and the packaging layout."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PACKAGES = ("domain", "store", "tui", "exports")


@pytest.fixture(scope="module")
def package_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The source folders seen as the ``plantrail`` package, as installed, for mypy and grimp."""
    root = tmp_path_factory.mktemp("pkg")
    (root / "plantrail").mkdir()
    for name in PACKAGES:
        (root / "plantrail" / name).symlink_to(ROOT / name)
    return root


def tool(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [str(BIN / args[0]), *args[1:]],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_ruff_lint_passes():
    tool("ruff", "check", ".")


def test_ruff_format_is_clean():
    tool("ruff", "format", "--check", ".")


def test_mypy_passes(package_tree):
    packages = [arg for name in PACKAGES for arg in ("-p", f"plantrail.{name}")]
    tool("mypy", "--config-file", str(ROOT / "pyproject.toml"), *packages, cwd=package_tree)


def test_layers_are_kept(package_tree):
    """domain/store/exports never import Textual or the TUI; domain never imports storage;
    the command line's modules import downwards only (no cycles)."""
    out = tool("lint-imports", env={"PYTHONPATH": str(package_tree)})
    assert "3 kept, 0 broken" in out


def test_mypy_refuses_a_command_bound_to_the_wrong_method(package_tree, tmp_path):
    """Changes are bound by type: pairing a command model with another command's method is a
    type error, not a runtime surprise."""
    wrong = package_tree / "plantrail" / "wrong_binding.py"
    wrong.write_text(
        "from plantrail.domain import commands as c\n"
        "from plantrail.store.changes import Change\n"
        "from plantrail.store.service import PlanService\n"
        "WRONG = Change(c.RateAction, PlanService.record_progress, 'rated')\n"
    )
    try:
        done = subprocess.run(
            [str(BIN / "mypy"), "--config-file", str(ROOT / "pyproject.toml"), str(wrong)],
            cwd=package_tree,
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        wrong.unlink()
    assert done.returncode == 1
    assert 'Argument 2 to "Change" has incompatible type' in done.stdout


def test_installed_as_plantrail_subpackages_only(tmp_path):
    """`import plantrail.domain` works; nothing called `domain` lands at the top level."""
    code = (
        "import importlib.util, plantrail.domain, plantrail.store, plantrail.tui, "
        "plantrail.exports\n"
        "print(importlib.util.find_spec('domain'), importlib.util.find_spec('store'))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "None None"


def test_command_line_does_not_load_textual(tmp_path):
    """`plantrail show` stays quick over SSH: no Textual, no PostgreSQL driver on that path."""
    db = str(tmp_path / "p.db")
    code = (
        "import sys\nfrom plantrail.tui.cli import main\n"
        f"main(['--db', {db!r}, 'demo']); main(['--db', {db!r}, 'show', '1.1'])\n"
        "print(sorted(m for m in ('textual', 'psycopg') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_every_package_folder_is_declared_for_installation():
    """A folder with an __init__.py that pyproject.toml does not list is left out of a
    non-editable install (the README's run command), though editable installs find it."""
    import tomllib

    declared = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    found = {
        "plantrail." + ".".join(init.parent.relative_to(ROOT).parts)
        for name in PACKAGES
        for init in (ROOT / name).rglob("__init__.py")
    }
    assert found == declared
