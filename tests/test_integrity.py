"""The tamper-evident log: RFC 9162 known answers, and every kind of tampering caught and named
on SQLite and PostgreSQL, by `plantrail verify` and by the checks shipped with packs and
backups. The tampering is done the way someone with the database would do it: plain SQL."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from plantrail.domain import commands as c
from plantrail.exports.eventlog import DamagedLog, read_backup
from plantrail.exports.pack_reading import BadPack, compare_packs, read_pack
from plantrail.store import merkle
from plantrail.store.integrity import event_leaf, stored_leaves
from plantrail.store.merkle import Frontier
from plantrail.store.service import PlanService
from plantrail.store.signing import PublicKey, create_key, load_signer, public_path
from plantrail.tui.cli import main

from .support import POSTGRES_URL, make_plan

# -- RFC 9162 (6962) known answers ---------------------------------------------------------------

LEAF_INPUTS = [
    "",
    "00",
    "10",
    "2021",
    "3031",
    "40414243",
    "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
]
#: MTH for the first 1..8 leaves, from the Certificate Transparency reference test data.
ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
LEAVES = [merkle.leaf_hash(bytes.fromhex(h)) for h in LEAF_INPUTS]


def test_tree_heads_match_the_reference_vectors():
    assert merkle.empty_root().hex() == hashlib.sha256(b"").hexdigest()
    for size, expected in enumerate(ROOTS, start=1):
        assert merkle.root(LEAVES[:size]).hex() == expected


def test_inclusion_and_consistency_proofs_match_the_reference_vectors():
    assert [p.hex() for p in merkle.inclusion_proof(5, LEAVES)] == [
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ]
    assert [p.hex() for p in merkle.consistency_proof(2, LEAVES[:5])] == [
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
    ]


def test_every_proof_verifies_and_a_wrong_one_does_not():
    leaves = [merkle.leaf_hash(bytes([i])) for i in range(20)]
    for size in range(1, 21):
        head = merkle.root(leaves[:size])
        for index in range(size):
            path = merkle.inclusion_proof(index, leaves[:size])
            assert merkle.verify_inclusion(index, size, leaves[index], path, head)
            assert not merkle.verify_inclusion(index, size, leaves[(index + 1) % 20], path, head)
        for old in range(1, size + 1):
            proof = merkle.consistency_proof(old, leaves[:size])
            old_head = merkle.root(leaves[:old])
            assert merkle.verify_consistency(old, size, old_head, head, proof)
            if old < size:
                assert not merkle.verify_consistency(old, size, head, head, proof)


def test_the_frontier_gives_the_same_root_as_the_whole_tree():
    frontier = Frontier()
    for n, leaf in enumerate(LEAVES * 5, start=1):
        frontier.append(leaf)
        assert frontier.root() == merkle.root((LEAVES * 5)[:n])
        again = Frontier.from_bytes(frontier.size, frontier.to_bytes())
        assert again.root() == frontier.root()


# -- tampering with a real database ---------------------------------------------------------------


class Store:
    """A plan in a real database, and plain-SQL access to it for the tampering."""

    def __init__(self, target: str, schema: str | None) -> None:
        self.target, self.schema = target, schema
        self.postgres = target.startswith("postgresql")
        self.db = f"{target}?schema={schema}" if schema else target
        service = self.open()
        make_plan(service)
        for n in range(6):
            service.record_progress(
                c.validate(c.RecordProgress, ref="1.1", period=f"P{n}", narrative=f"n{n}"), "ann"
            )
        service.close()

    def open(self) -> PlanService:
        return PlanService.open(self.target, schema=self.schema)

    @property
    def events(self) -> str:
        return f'"{self.schema}".plantrail_events' if self.postgres else "stored_events"

    @property
    def position(self) -> str:
        return "notification_id" if self.postgres else "rowid"

    def table(self, name: str) -> str:
        return f'"{self.schema}".plantrail_{name}' if self.postgres else f"plantrail_{name}"

    def sql(self, statement: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        if self.postgres:
            import psycopg

            with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
                cur = conn.execute(statement.replace("?", "%s"), params)
                return list(cur.fetchall()) if cur.description else []
        import sqlite3

        conn = sqlite3.connect(self.target)
        try:
            rows = conn.execute(statement, params).fetchall()
            conn.commit()
            return rows
        finally:
            conn.close()

    def positions(self) -> list[int]:
        return [r[0] for r in self.sql(f"SELECT {self.position} FROM {self.events} ORDER BY 1")]

    def state(self, position: int) -> bytes:
        sql = f"SELECT state FROM {self.events} WHERE {self.position} = ?"
        return bytes(self.sql(sql, (position,))[0][0])

    def set_state(self, position: int, state: bytes) -> None:
        sql = f"UPDATE {self.events} SET state = ? WHERE {self.position} = ?"
        self.sql(sql, (state, position))

    def verify(self, *extra: str) -> tuple[int, str]:
        return _run(["--db", self.db, "verify", *extra])


def _run(argv: list[str]) -> tuple[int, str]:
    done = subprocess.run(
        [str(Path(sys.executable).parent / "plantrail"), *argv],
        capture_output=True,
        text=True,
        check=False,
    )
    return done.returncode, done.stdout + done.stderr


@pytest.fixture
def store(backend: tuple[str, str | None]) -> Store:
    return Store(*backend)


def test_an_untouched_log_verifies_with_its_count_and_root(store):
    code, out = store.verify()
    service = store.open()
    try:
        count = len(list(service.reader.raw()))
        head = service.checkpoint_now().root.hex()
    finally:
        service.close()
    assert code == 0, out
    assert f"Verified {count} events" in out and f"Root {head}" in out
    assert "the latest signed one covers" in out


def test_one_edited_byte_is_named(store):
    n = 7
    position = store.positions()[n - 1]
    state = bytearray(store.state(position))
    state[state.index(b'"actor":"') + 10] ^= 0x01  # 'ann' → 'aon'
    store.set_state(position, bytes(state))
    code, out = store.verify()
    assert code == 1
    assert f"BROKEN at event {n}: edited" in out and f"row {position}" in out


def test_a_deleted_middle_row_is_named(store):
    n = 5
    position = store.positions()[n - 1]
    store.sql(f"DELETE FROM {store.events} WHERE {store.position} = ?", (position,))
    code, out = store.verify()
    assert code == 1 and f"BROKEN at event {n}: missing" in out


def test_a_deleted_last_row_refilled_by_the_next_write_is_named(store):
    positions = store.positions()
    store.sql(f"DELETE FROM {store.events} WHERE {store.position} = ?", (positions[-1],))
    service = store.open()
    service.record_progress(
        c.validate(c.RecordProgress, ref="1.1", period="later", narrative="refill"), "ann"
    )
    service.close()
    code, out = store.verify()
    assert code == 1 and f"BROKEN at event {len(positions)}:" in out
    assert any(kind in out for kind in ("missing", "reordered", "edited"))


def test_two_swapped_bodies_are_named_as_reordered(store):
    first, second = store.positions()[10:12]
    a, b = store.state(first), store.state(second)
    store.set_state(first, b)
    store.set_state(second, a)
    code, out = store.verify()
    assert code == 1 and "BROKEN at event 11: reordered" in out and "event 12" in out


def test_a_forged_row_is_named_as_inserted(store):
    last = store.positions()[-1]
    row = store.sql(
        f"SELECT originator_id, originator_version, topic, state FROM {store.events} "
        f"WHERE {store.position} = ?",
        (last,),
    )[0]
    store.sql(
        f"INSERT INTO {store.events} (originator_id, originator_version, topic, state) "
        "VALUES (?, ?, ?, ?)",
        (row[0], row[1] + 1, row[2], bytes(row[3])),
    )
    code, out = store.verify()
    assert code == 1 and f"BROKEN at event {len(store.positions())}: inserted" in out


def _rewrite_with_hashes(store: Store, change: bytes, into: bytes) -> int:
    """What someone with the database and plantrail's code (but not its key) can do: change
    the first event that says ``change``, then recompute every recorded hash so they all agree
    again. Returns that event's place in the log."""
    positions = store.positions()
    n = next(i for i, p in enumerate(positions, 1) if change in store.state(p))
    position = positions[n - 1]
    store.set_state(position, store.state(position).replace(change, into))
    rows = store.sql(
        f"SELECT {store.position}, originator_id, originator_version, topic, state "
        f"FROM {store.events} ORDER BY 1"
    )
    frontier = Frontier()
    for number, (_, originator, version, topic, state) in enumerate(rows, start=1):
        key = originator if isinstance(originator, str) else originator.hex
        leaf = event_leaf(number, key, version, topic, bytes(state))
        frontier.append(leaf)
        store.sql(
            f"UPDATE {store.table('leaves')} SET leaf = ?, body = ? WHERE n = ?",
            (leaf, hashlib.sha256(bytes(state)).digest(), number),
        )
    store.sql(f"UPDATE {store.table('tree')} SET frontier = ?", (frontier.to_bytes(),))
    return n


def test_a_log_rewritten_with_all_its_hashes_is_caught_only_by_the_signed_checkpoint(store):
    _rewrite_with_hashes(store, b'"narrative":"n3"', b'"narrative":"n9"')
    service = store.open()
    try:
        leaves = list(stored_leaves(service.rows, service.tables))
        recomputed = [
            event_leaf(n, o, v, t, s)
            for n, (_, o, v, t, s) in enumerate(service.reader.raw(), start=1)
        ]
    finally:
        service.close()
    assert [leaf.leaf for leaf in leaves] == recomputed  # every recorded hash agrees...
    code, out = store.verify()
    assert code == 1  # ...but the signed root does not
    assert "rewritten" in out and "signed checkpoint" in out


def test_an_older_copy_put_back_is_caught_against_a_newer_checkpoint(store, tmp_path):
    backup = tmp_path / "older.jsonl"
    assert _run(["--db", store.db, "export", "events", "-o", str(backup)])[0] == 0
    service = store.open()
    service.record_progress(
        c.validate(c.RecordProgress, ref="1.1", period="new", narrative="after the copy"), "ann"
    )
    service.close()
    newer = tmp_path / "checkpoint.json"
    assert _run(["--db", store.db, "checkpoint", "-o", str(newer)])[0] == 0
    older = tmp_path / "older.db"
    assert _run(["--db", str(older), "import", "events", str(backup)])[0] == 0
    code, out = _run(["--db", str(older), "verify"])
    assert code == 0, out  # on its own the older copy is a sound log...
    code, out = _run(["--db", str(older), "verify", "--against", str(newer)])
    assert code == 1 and "truncated" in out  # ...but it is not the log that was signed later


# -- packs and backups, checked offline -----------------------------------------------------------


@pytest.fixture
def demo(db: str) -> str:
    return db


def test_a_pack_checks_itself_with_standard_tools_and_a_flipped_byte_fails(demo, tmp_path):
    pack = tmp_path / "pack.zip"
    assert _run(["--db", demo, "export", "pack", "--as-at", "2026-10-31", "-o", str(pack)])[0] == 0
    folder = tmp_path / "unzipped"
    zipfile.ZipFile(pack).extractall(folder)
    for command in (
        ["sha256sum", "-c", "SHA256SUMS"],
        [sys.executable, "verify.py"],
        ["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", "public-key.pem", "-rawin",
         "-in", "checkpoint.txt", "-sigfile", "checkpoint.sig"],
    ):  # fmt: skip
        done = subprocess.run(command, cwd=folder, capture_output=True, text=True, check=False)
        assert done.returncode == 0, (command, done.stdout, done.stderr)
    events = folder / "events.jsonl"
    data = bytearray(events.read_bytes())
    data[data.index(b'"state":"') + 40] ^= 0x01
    events.write_bytes(bytes(data))
    done = subprocess.run(
        [sys.executable, "verify.py"], cwd=folder, capture_output=True, text=True, check=False
    )
    assert done.returncode == 1 and "FAILED" in done.stdout
    assert "events.jsonl" in done.stdout
    sums = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=folder, check=False,
                          capture_output=True)  # fmt: skip
    assert sums.returncode != 0


def test_verify_pack_proves_a_later_pack_extends_an_earlier_one(demo, tmp_path):
    old, new = tmp_path / "old.zip", tmp_path / "new.zip"
    assert _run(["--db", demo, "export", "pack", "--as-at", "2026-10-31", "-o", str(old)])[0] == 0
    assert (
        _run(["--db", demo, "update", "1.3", "--period", "Nov", "--narrative", "Log live"])[0] == 0
    )
    assert _run(["--db", demo, "export", "pack", "--as-at", "2026-11-20", "-o", str(new)])[0] == 0
    code, out = _run(["verify-pack", str(old), str(new)])
    assert code == 0 and "EXTENDS: a consistency proof" in out
    comparison = compare_packs(read_pack(old), read_pack(new))
    assert comparison.extends


def test_verify_pack_says_where_a_rewritten_log_parts_from_an_earlier_pack(demo, tmp_path):
    old = tmp_path / "old.zip"
    assert _run(["--db", demo, "export", "pack", "--as-at", "2026-10-31", "-o", str(old)])[0] == 0
    rewritten = Store.__new__(Store)
    rewritten.target, rewritten.schema, rewritten.postgres, rewritten.db = demo, None, False, demo
    n = _rewrite_with_hashes(rewritten, b"Daily huddle established", b"Daily huddle abandoned")
    new = tmp_path / "new.zip"
    assert _run(["--db", demo, "export", "pack", "--as-at", "2026-11-20", "-o", str(new)])[0] == 0
    code, out = _run(["verify-pack", str(old), str(new)])
    assert code == 1 and "DIVERGES" in out and f"they part at event {n}" in out
    code, out = _run(["--db", demo, "verify", "--against", str(old)])
    assert code == 1 and f"BROKEN at event {n}: rewritten" in out


def test_a_pack_with_a_changed_file_is_refused_by_verify_pack(demo, tmp_path):
    pack = tmp_path / "pack.zip"
    assert _run(["--db", demo, "export", "pack", "--as-at", "2026-10-31", "-o", str(pack)])[0] == 0
    broken = tmp_path / "broken.zip"
    with zipfile.ZipFile(pack) as source, zipfile.ZipFile(broken, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "leaves.txt":
                data = data.replace(b"1 ", b"1  ", 1)
            target.writestr(item, data)
    with pytest.raises(BadPack, match=r"leaves\.txt does not match its SHA-256"):
        read_pack(broken)


def test_a_backup_carries_its_checkpoint_and_a_recomputed_edit_is_refused(demo, tmp_path, capsys):
    backup = tmp_path / "log.jsonl"
    assert main(["--db", demo, "export", "events", "-o", str(backup)]) == 0
    checked = read_backup(backup)
    signer = load_signer()
    assert checked.checkpoint is not None and signer is not None
    assert checked.checkpoint.key_id == signer.key_id and checked.checkpoint.size == len(
        checked.events
    )
    lines = backup.read_text().splitlines(keepends=True)
    event = json.loads(lines[20])
    event["state"] = event["state"].replace("Ada Quill", "Ada Quilt")
    event["leaf"] = event_leaf(
        event["n"],
        event["originator_id"],
        event["originator_version"],
        event["topic"],
        event["state"].encode(),
    ).hex()  # the edit, with its own hash recomputed...
    lines[20] = json.dumps(event, separators=(",", ":")) + "\n"
    digest = hashlib.sha256("".join(lines[1:-1]).encode()).hexdigest()
    trailer = json.loads(lines[-1])
    trailer["sha256"] = digest  # ...and the file's checksum recomputed too
    lines[-1] = json.dumps(trailer) + "\n"
    backup.write_text("".join(lines))
    with pytest.raises(DamagedLog, match="do not match the backup's checkpoint"):
        read_backup(backup)
    assert main(["--db", str(tmp_path / "new.db"), "import", "events", str(backup)]) == 1
    assert (
        not (tmp_path / "new.db").exists()
        or _run(["--db", str(tmp_path / "new.db"), "show"])[0] == 1
    )


def test_a_backup_can_be_required_to_be_signed_by_a_given_key(demo, tmp_path, signing_key):
    backup = tmp_path / "log.jsonl"
    assert main(["--db", demo, "export", "events", "-o", str(backup)]) == 0
    other = tmp_path / "other.pem"
    from plantrail.store.signing import create_key, public_path

    create_key(other)
    code, out = _run(
        ["--db", str(tmp_path / "a.db"), "import", "events", str(backup), "--key",
         str(public_path(other))]
    )  # fmt: skip
    assert code == 1 and "not trusted here" in out
    code, out = _run(
        ["--db", str(tmp_path / "b.db"), "import", "events", str(backup), "--key",
         str(public_path(signing_key))]
    )  # fmt: skip
    assert code == 0, out


def test_keys_init_writes_a_private_key_only_its_owner_can_read(tmp_path):
    path = tmp_path / "keys" / "plan.pem"
    assert main(["keys", "init", "--path", str(path)]) == 0
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert (path.parent / "plan.pem.pub").read_text().startswith("-----BEGIN PUBLIC KEY-----")
    assert main(["keys", "init", "--path", str(path)]) == 1  # never replaced


def test_a_signing_key_is_read_as_cryptography_reads_it(tmp_path):
    """A key as ``keys init`` writes it is read without cryptography's PEM loading: the same
    key, public PEM and fingerprint as that loading gives, and its signatures verify. Any
    other key file is read by cryptography as before: encrypted, with CRLF line ends, or not
    an Ed25519 key at all."""
    from cryptography.hazmat.primitives import serialization as pem
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from plantrail.store.signing import KeyProblem, PublicKey, create_key

    for n in range(5):
        path = tmp_path / f"key{n}.pem"
        made = create_key(path)
        loaded = load_signer(path)
        assert loaded is not None
        theirs = pem.load_pem_private_key(path.read_bytes(), password=None)
        public = theirs.public_key()
        expected = public.public_bytes(pem.Encoding.PEM, pem.PublicFormat.SubjectPublicKeyInfo)
        assert loaded.public.pem == made.public.pem == expected.decode()
        assert loaded.key_id == made.key_id == PublicKey(expected.decode()).key_id
        assert PublicKey(loaded.public.pem).verifies(b"statement", loaded.sign(b"statement"))
        public.verify(loaded.sign(b"statement"), b"statement")  # raises if it does not
    crlf = tmp_path / "crlf.pem"
    crlf.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    assert load_signer(crlf).key_id == loaded.key_id  # type: ignore[union-attr]
    encrypted = tmp_path / "encrypted.pem"
    encrypted.write_bytes(
        Ed25519PrivateKey.generate().private_bytes(
            pem.Encoding.PEM, pem.PrivateFormat.PKCS8, pem.BestAvailableEncryption(b"secret")
        )
    )
    with pytest.raises(KeyProblem, match="cannot read the signing key"):
        load_signer(encrypted)
    other = tmp_path / "ec.pem"
    other.write_bytes(
        ec.generate_private_key(ec.SECP256R1()).private_bytes(
            pem.Encoding.PEM, pem.PrivateFormat.PKCS8, pem.NoEncryption()
        )
    )
    with pytest.raises(KeyProblem, match="is not an Ed25519 key"):
        load_signer(other)


def test_a_report_footer_carries_the_signed_checkpoint(demo, capsys):
    assert main(["--db", demo, "report", "--as-at", "2026-10-31"]) == 0
    out = capsys.readouterr().out
    signer = load_signer()
    assert signer is not None
    assert "Log checkpoint:" in out and f"signed by key {signer.key_id}" in out


def test_writes_without_a_key_are_sealed_but_not_signed(tmp_path, monkeypatch):
    monkeypatch.setenv("PLANTRAIL_SIGNING_KEY", str(tmp_path / "no-key-here.pem"))
    db = str(tmp_path / "p.db")
    service = PlanService.open(db)
    make_plan(service)
    service.close()
    code, out = _run(["--db", db, "verify"])
    assert code == 0 and "No signed checkpoint yet" in out


def test_pack_check_script_is_stdlib_only():
    script = Path(__file__).parent.parent / "exports" / "pack_verify.py"
    imports = {
        line.split()[1].split(".")[0]
        for line in script.read_text().splitlines()
        if line.startswith(("import ", "from "))
    }
    assert imports <= {"__future__", "hashlib", "json", "sys", "pathlib"}


def test_copying_the_database_does_not_copy_trust(demo, tmp_path):
    """A copy verifies as the same log (same root); it is the checkpoint that dates it."""
    copy = tmp_path / "copy.db"
    shutil.copy(demo, copy)
    first, second = _run(["--db", demo, "verify"]), _run(["--db", str(copy), "verify"])
    assert first[0] == second[0] == 0
    assert first[1].splitlines()[1] == second[1].splitlines()[1]  # the same root


def test_checkpoints_signed_by_a_key_that_is_not_trusted_are_named(store, tmp_path):
    """Given only another key to trust, the log's own signed checkpoints are not accepted, and
    the report says why in words."""
    other = tmp_path / "other.pem"
    create_key(other)
    pem = public_path(other).read_text(encoding="utf-8")
    service = store.open()
    try:
        result = service.verify_log({PublicKey(pem).key_id: pem})
    finally:
        service.close()
    assert result.broken is not None
    assert result.broken.detail.endswith("events is signed by a key that is not trusted")


def test_verify_reads_leaves_a_window_at_a_time_and_a_write_meanwhile_is_no_break(
    store, monkeypatch
):
    """Leaves are read in windows (two at a time here), beside the log read in its own; the
    log is read only as far as it went when the leaves were counted, so someone writing during
    a verify changes nothing, and a tampered event is still named at its place."""
    from plantrail.store import integrity, records

    monkeypatch.setattr(integrity, "LEAF_WINDOW", 2)
    monkeypatch.setattr(records, "PAGE", 3)
    writer = store.open()
    service = store.open()
    counted = len(store.positions())
    raw = records.LogReader.raw

    def write_first(self, upto=2**62):  # type: ignore[no-untyped-def]
        writer.record_progress(
            c.validate(c.RecordProgress, ref="1.1", period="During", narrative="meanwhile"), "ann"
        )
        return raw(self, upto)

    monkeypatch.setattr(records.LogReader, "raw", write_first)
    try:
        result = service.verify_log({})
        assert result.broken is None and result.events == result.sealed == counted
        monkeypatch.setattr(records.LogReader, "raw", raw)
        assert service.verify_log({}).events == counted + 1
        n = 9
        position = store.positions()[n - 1]
        state = bytearray(store.state(position))
        state[state.index(b'"actor":"') + 10] ^= 0x01
        store.set_state(position, bytes(state))
        broken = service.verify_log({}).broken
        assert broken is not None and (broken.kind, broken.n) == ("edited", n)
    finally:
        writer.close()
        service.close()


@pytest.mark.parametrize("first_read", [None, 4])
def test_a_log_written_before_sealing_is_named_unsealed_and_sealed_by_the_next_write(
    store, monkeypatch, first_read
):
    """No leaves at all (a log from before plantrail sealed its log): verify says so, plainly,
    and the next write seals every event so far (also when they are more than a seal's first
    read brings, ``integrity.SEAL_READ``: it reads on after them)."""
    from plantrail.store import integrity

    if first_read is not None:
        monkeypatch.setattr(integrity, "SEAL_READ", first_read)
    store.sql(f"DROP TABLE {store.table('leaves')}")
    store.sql(f"DROP TABLE {store.table('tree')}")
    store.sql(f"DROP TABLE {store.table('checkpoints')}")
    code, out = store.verify()
    assert code == 1 and "no hashes have been recorded for this log yet" in out, out
    service = store.open()
    try:
        service.record_progress(
            c.validate(c.RecordProgress, ref="1.1", period="Later", narrative="sealed"), "ann"
        )
    finally:
        service.close()
    code, out = store.verify()
    assert code == 0 and f"Verified {len(store.positions())} events" in out, out


def test_a_first_seal_that_fails_after_making_the_tables_does_not_break_later_writes(
    store, monkeypatch
):
    """The first write of a process to a log without integrity tables makes them inside its
    transaction; if that transaction fails and rolls back (here: once, on purpose), the retry
    makes them again instead of failing on a table that is no longer there."""
    from eventsourcing.persistence import IntegrityError

    from plantrail.store import integrity

    for name in ("leaves", "tree", "checkpoints"):
        store.sql(f"DROP TABLE {store.table(name)}")
    service = store.open()
    failures = []
    index_older = integrity.Sealer._index_older_events

    def fail_once(self, run, many, sealed_upto):  # type: ignore[no-untyped-def]
        if not failures:
            failures.append(sealed_upto)
            raise IntegrityError("a clash, as if another writer got there first")
        return index_older(self, run, many, sealed_upto)

    monkeypatch.setattr(integrity.Sealer, "_index_older_events", fail_once)
    try:
        service.record_progress(
            c.validate(c.RecordProgress, ref="1.1", period="Retry", narrative="saved"), "ann"
        )
    finally:
        service.close()
    assert failures or store.postgres  # PostgreSQL makes the tables when it opens the log
    code, out = store.verify()
    assert code == 0 and f"Verified {len(store.positions())} events" in out, out


def test_a_failure_while_sealing_stores_nothing(
    open_service: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An event is stored with its seal or not at all. On PostgreSQL the library kept a
    failure raised while sealing until its transaction block ended, and the block committed:
    the event was stored unsealed. The connection the failed save used is left ready: the
    next save is stored and sealed."""
    from plantrail.store import integrity

    service = open_service()
    make_plan(service)
    end = service.last_position()

    def unreadable_key(*_: Any) -> None:
        raise RuntimeError("the signing key could not be read")

    assert service.recorder.sealer.signer is not None  # the tests' key: every seal signs
    monkeypatch.setattr(integrity, "sign", unreadable_key)
    with pytest.raises(RuntimeError, match="signing key"):
        service.record_progress(
            c.validate(c.RecordProgress, ref="1.1", period="Lost", narrative="n"), "Ada Quill"
        )
    monkeypatch.undo()
    assert service.last_position() == end
    reader = open_service()
    assert "Lost" not in [p.period for p in reader.action_at("1.1").progress]
    assert reader.verify_log({}).ok
    service.record_progress(
        c.validate(c.RecordProgress, ref="1.1", period="Kept", narrative="n"), "Ada Quill"
    )
    assert "Kept" in [p.period for p in reader.action_at("1.1").progress]
    assert reader.verify_log({}).ok
