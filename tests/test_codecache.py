"""The cache of dataclasses' compiled methods: the same classes whether it was used or not, used
only when it can be trusted, and a command's second start compiling none of them."""

from __future__ import annotations

import dataclasses
import marshal
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from plantrail.tui.cli import codecache
from plantrail.tui.cli.codecache import CodeCache

from .support import demo_db

PLANTRAIL = str(Path(sys.executable).parent / "plantrail")


def make_classes() -> tuple[type, type]:
    """Two dataclasses using most of what dataclasses writes, made afresh on each call."""

    @dataclasses.dataclass(frozen=True, order=True)
    class Rating:
        ref: str
        value: int = 0
        tags: tuple[str, ...] = ()

    @dataclasses.dataclass
    class Entry:
        narrative: str
        leads: list[str] = dataclasses.field(default_factory=list)
        words: int = dataclasses.field(init=False, default=0)

        def __post_init__(self) -> None:
            self.words = len(self.narrative.split())

    return Rating, Entry


def using(monkeypatch: pytest.MonkeyPatch, cache: CodeCache) -> CodeCache:
    monkeypatch.setattr(dataclasses, "exec", cache.exec, raising=False)
    return cache


def saved(monkeypatch: pytest.MonkeyPatch, path: str) -> CodeCache:
    """A cache at ``path`` that has compiled :func:`make_classes`'s methods and saved them."""
    cache = using(monkeypatch, CodeCache(path))
    make_classes()
    cache.save()
    return cache


def test_classes_made_from_the_cache_behave_as_compiled_ones(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = str(tmp_path / "codes.marshal")
    assert saved(monkeypatch, path).compiled > 5
    assert Path(path).stat().st_mode & 0o777 == 0o600

    second = using(monkeypatch, CodeCache(path))
    Rating, Entry = make_classes()
    assert second.compiled == 0  # every method came from the file

    low, high = Rating("2.1", 1), Rating("2.1", 3, ("late",))
    assert low < high and low == Rating("2.1", 1) and hash(low) == hash(Rating("2.1", 1))
    assert repr(high).endswith(".Rating(ref='2.1', value=3, tags=('late',))")
    with pytest.raises(dataclasses.FrozenInstanceError):
        low.value = 2
    one, other = Entry("met the first milestone"), Entry("x")
    assert one.words == 4 and one.leads == [] and one.leads is not other.leads
    with pytest.raises(TypeError):
        Entry("x", [], 3)


def _poisoned(path: str, monkeypatch: pytest.MonkeyPatch, mode: int) -> None:
    """A cache file whose ``__repr__`` for :func:`make_classes`'s Rating says it was poisoned."""
    cache = using(monkeypatch, CodeCache(path))
    make_classes()
    [text] = [t for t in cache.codes if "def __repr__" in t and "tags" in t]
    cache.codes[text] = compile(
        "def __create_fn__(__dataclass_builtins_object__=None):\n"
        " def __repr__(self):\n  return 'poisoned'\n return __repr__",
        "<string>",
        "exec",
    )
    with open(path, "wb") as file:
        marshal.dump((codecache._build(), cache.codes), file)
    os.chmod(path, mode)


@pytest.mark.parametrize(("mode", "trusted"), [(0o600, True), (0o644, True), (0o620, False)])
def test_a_cache_others_can_write_to_is_not_read(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, mode: int, trusted: bool
) -> None:
    path = str(tmp_path / "codes.marshal")
    _poisoned(path, monkeypatch, mode)
    cache = using(monkeypatch, CodeCache(path))
    Rating, _ = make_classes()
    # The cache's code runs only under its text; this proves the file is read at all.
    assert (repr(Rating("1.1")) == "poisoned") is trusted
    assert (cache.compiled == 0) is trusted


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"not marshal data at all",
        marshal.dumps([1, 2, 3]),
    ],
)
def test_an_unreadable_or_foreign_cache_is_ignored(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "codes.marshal"
    path.write_bytes(content)
    cache = using(monkeypatch, CodeCache(str(path)))
    Rating, _ = make_classes()
    assert cache.compiled > 5 and Rating("1.1") < Rating("1.2")
    cache.save()  # and replaced by a good one
    assert CodeCache(str(path)).codes.keys() == cache.codes.keys()


def test_a_cache_written_by_another_python_build_is_ignored(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = str(tmp_path / "codes.marshal")
    saved(monkeypatch, path)
    assert CodeCache(path).codes
    (_, tag, version), codes = marshal.loads(Path(path).read_bytes())
    for build in [(codecache.FORMAT, tag, version + 1), (codecache.FORMAT + 1, tag, version)]:
        Path(path).write_bytes(marshal.dumps((build, codes)))
        assert CodeCache(path).codes == {}


def test_a_cache_that_cannot_be_written_fails_nothing(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "file").write_text("")
    cache = using(monkeypatch, CodeCache(str(tmp_path / "file" / "plantrail" / "codes")))
    make_classes()
    cache.save()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


def test_a_grown_cache_keeps_only_what_this_process_used(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = str(tmp_path / "codes.marshal")
    old = CodeCache(path)
    old.codes = {f"x = {n}": compile(f"x = {n}", "<string>", "exec") for n in range(40)}
    old.compiled = 40
    old.save()
    monkeypatch.setattr(codecache, "MOST_KEPT", 45)
    cache = using(monkeypatch, CodeCache(path))
    make_classes()
    assert len(cache.codes) > 45
    cache.save()
    kept = CodeCache(path).codes
    assert kept and not any(text.startswith("x = ") for text in kept)


def test_exec_given_no_globals_runs_in_the_dataclasses_module(tmp_path: Path) -> None:
    namespace: dict[str, Any] = {}
    CodeCache(str(tmp_path / "c")).exec("found = _FIELDS", None, namespace)
    assert namespace["found"] == dataclasses._FIELDS  # type: ignore[attr-defined]


def test_a_command_s_second_start_compiles_nothing_and_writes_no_cache(tmp_path: Path) -> None:
    db = demo_db(tmp_path)
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    update = [PLANTRAIL, "--db", db, "--as", "Ada Quill", "update", "2.1", "--period", "Now"]
    for narrative in ("first", "second"):
        done = subprocess.run(
            [*update, "--narrative", narrative], env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        [path] = (tmp_path / "cache" / "plantrail").iterdir()
        if narrative == "first":
            written = (path.stat().st_ino, path.stat().st_mtime_ns)
            assert len(CodeCache(str(path)).codes) > 100
    # The second process found every method it needed: it compiled none, so wrote nothing.
    assert (path.stat().st_ino, path.stat().st_mtime_ns) == written
    shown = subprocess.run([PLANTRAIL, "--db", db, "history", "2.1"], env=env, text=True,
                           capture_output=True)  # fmt: skip
    assert shown.returncode == 0 and "second" in shown.stdout


def test_a_cache_being_saved_is_never_read_half_written(tmp_path: Path) -> None:
    """Saves from many processes at once replace the file whole: a reader finds one whole."""
    path = str(tmp_path / "codes.marshal")
    writers = []
    for n in range(4):
        writer = CodeCache(path)
        writer.codes = {
            f"w = {n}; x = {i}": compile(f"w = {n}; x = {i}", "<string>", "exec")
            for i in range(2000)
        }
        writer.compiled = 1
        writers.append(writer)
    stop = threading.Event()

    def save_again_and_again(writer: CodeCache) -> None:
        while not stop.is_set():
            writer.save()

    threads = [threading.Thread(target=save_again_and_again, args=(w,)) for w in writers]
    for thread in threads:
        thread.start()
    try:
        sizes = {len(CodeCache(path).codes) for _ in range(200)}
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert sizes <= {0, 2000} and 2000 in sizes
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
