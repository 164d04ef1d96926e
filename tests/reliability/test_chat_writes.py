"""Suite 1, chat writes: a chat process SIGKILLed at random moments loses no acknowledged write.

SQLite's own method: a child process writes (here the real chat service, a tiny GGUF in the real
engine), the parent kills it (and its engine) at a random moment, then checks the file. Figures: runs,
acknowledged writes lost, torn rows, ``integrity_check`` results. Damaged files at start (truncated,
bit-flipped) are refused, restoring the newest backup is offered, and nothing is deleted.
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from app.catalog import open_catalog
from app.catalog.backups import list_backups, rotate_backup
from app.core.entities import GenerationParams, MessageStatus, Role
from app.core.errors import CatalogDamaged
from app.core.paths import AppPaths
from app.services.catalog_backup import restore_catalog
from app.services.container import open_services
from tests.reliability.chat_child import message_text
from tests.reliability.figures import Figures, size
from tests.unit.catalog.factories import gpt, model_file

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL of a process group is POSIX")

ROOT = Path(__file__).resolve().parents[2]
KILLS = size(3, 100)
_USER = re.compile(r"^run (\d+) message (\d+): ")


@pytest.fixture(scope="module")
def chat_home(tmp_path_factory: pytest.TempPathFactory, tiny_models: dict[str, Path]) -> tuple[Path, str]:
    home = tmp_path_factory.mktemp("chat-home")
    with open_services(AppPaths(home), install_starter=False) as services:
        model = services.models.import_gguf(tiny_models["chatml"])
        gpt = services.gpts.create("Killed", model.sha256, instructions="Be brief.",
                                   params=GenerationParams(temperature=0.8, max_tokens=40, context_length=4096))
    return home, gpt.id


class Child:
    """One chat process in its own process group (so its engine dies with it), its acknowledgements read aside."""

    def __init__(self, home: Path, gpt: str, seed: int) -> None:
        env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1")
        self.proc = subprocess.Popen([sys.executable, "-m", "tests.reliability.chat_child", str(home), gpt, str(seed)],
                                     cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                     start_new_session=True)
        self.acks: list[dict] = []
        self.first = threading.Event()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.acks.append(json.loads(line))
            self.first.set()
        self.first.set()

    def kill_after(self, delay: float) -> str:
        time.sleep(delay)
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait(30)
        self._reader.join(30)
        return self.proc.stderr.read() if self.proc.stderr else ""


def check_catalog(database: Path, acks: list[dict]) -> tuple[bool, int, int]:
    """(integrity ok, acknowledged writes missing, torn rows) for the file as the kill left it."""
    conn = sqlite3.connect(database)
    try:
        ok = conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        conn.execute("INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 1)")
        rows = {r[0]: r[1:] for r in conn.execute("SELECT id, role, content, status FROM messages")}
    finally:
        conn.close()
    lost = 0
    for ack in acks:
        kind = next(k for k in ("user", "reply", "final") if k in ack)
        row = rows.get(ack[kind])
        if row is None:
            lost += 1
        elif kind == "user" and (row[0], row[1], row[2]) != ("user", ack["text"], MessageStatus.COMPLETE.value):
            lost += 1
        elif kind == "reply" and not row[1].startswith(ack["text"]):
            lost += 1
        elif kind == "final" and (row[1], row[2]) != (ack["text"], MessageStatus.COMPLETE.value):
            lost += 1
    torn = 0
    for role, content, status in rows.values():
        if role == "user":
            match = _USER.match(content)
            if not match or content != message_text(int(match[1]), int(match[2])):
                torn += 1
        elif status not in {s.value for s in MessageStatus}:
            torn += 1
    return ok, lost, torn


def test_sigkill_at_random_moments_loses_no_acknowledged_write(chat_home: tuple[Path, str], figures: Figures) -> None:
    home, gpt = chat_home
    database = AppPaths(home).database
    rng = random.Random(20261129)
    runs = integrity_ok = lost = torn = acked = 0
    for seed in range(KILLS):
        child = Child(home, gpt, seed)
        assert child.first.wait(120), "the chat child never acknowledged a message"
        stderr = child.kill_after(rng.uniform(0.0, 1.5))
        assert child.proc.returncode == -signal.SIGKILL, f"the child ended by itself: {stderr[-2000:]}"
        ok, missing, bad = check_catalog(database, child.acks)
        runs += 1
        integrity_ok += ok
        lost += missing
        torn += bad
        acked += len(child.acks)
    figures.record("1 chat writes", "SIGKILLed chat processes", runs, f"{KILLS}", runs == KILLS)
    figures.record("1 chat writes", "acknowledged writes (messages + reply checkpoints) lost", f"{lost} of {acked}",
                   "0", lost == 0)
    figures.record("1 chat writes", "torn rows", torn, "0", torn == 0)
    figures.record("1 chat writes", "integrity_check ok", f"{integrity_ok}/{runs}", f"{runs}/{runs}",
                   integrity_ok == runs)
    assert (lost, torn, integrity_ok) == (0, 0, runs)
    # The next start marks the interrupted reply failed and the catalog opens as usual.
    with open_services(AppPaths(home), install_starter=False) as services:
        services.recover()
        statuses = {m.status for c in services.catalog.list_conversations() for m in services.catalog.list_messages(c.id)}
    assert MessageStatus.STREAMING not in statuses


def _damage(path: Path, how: str, rng: random.Random) -> None:
    data = bytearray(path.read_bytes())
    if how == "truncated":
        del data[rng.randrange(4096, len(data) - 4096):]
    elif how == "emptied":
        data.clear()
    elif how == "header bit":
        data[rng.randrange(0, 16)] ^= 1 << rng.randrange(8)
    elif how == "page-size bit":
        data[16] ^= 1 << rng.randrange(8)
    else:  # a b-tree page header: its page type byte, at the start of some page after the first
        page = int.from_bytes(data[16:18], "big") or 65536
        data[page * rng.randrange(1, len(data) // page)] ^= 0xFF
    path.write_bytes(bytes(data))


DAMAGE = ("truncated", "emptied", "header bit", "page-size bit", "page-type byte")


@pytest.mark.parametrize("how", DAMAGE)
def test_a_damaged_catalog_at_start_offers_the_backup_and_deletes_nothing(
        tmp_path: Path, how: str, figures: Figures) -> None:
    paths = AppPaths(tmp_path / "home").ensure()
    with open_catalog(paths.database, backups=paths.backups) as catalog:
        saved = catalog.save_gpt(gpt(model=catalog.add_model(model_file())))
        conversation = catalog.create_conversation(saved.id, "kept")
        for i in range(300):
            catalog.add_message(conversation.id, Role.USER, f"message {i} " * 30)
    rotate_backup(paths.database, paths.backups)
    _damage(paths.database, how, random.Random(how))
    damaged = paths.database.read_bytes()
    with pytest.raises(CatalogDamaged) as raised:
        open_catalog(paths.database, backups=paths.backups)
    assert raised.value.has_backup and "gptshelf catalog restore" in str(raised.value)
    assert paths.database.read_bytes() == damaged, "the damaged file was changed"
    restored = restore_catalog(paths)
    assert restored.backup == list_backups(paths.backups)[0]
    assert restored.kept_aside[0].read_bytes() == damaged, "the damaged file was not kept aside"
    with open_catalog(paths.database, backups=paths.backups) as catalog:
        assert len(catalog.list_messages(conversation.id)) == 300
    figures.record("1 chat writes", f"damaged catalog ({how}) refused, restore offered, damaged file kept",
                   "yes", "yes", True)
