"""One writer, many readers: no "database is locked", and an intact file afterwards."""

from __future__ import annotations

import threading
from collections.abc import Callable

from app.catalog import Catalog, open_catalog
from app.core.entities import MessageStatus, Role

MESSAGES = 500


def _run(*targets: Callable[[], None]) -> list[BaseException]:
    errors: list[BaseException] = []

    def guarded(target: Callable[[], None]) -> None:
        try:
            target()
        except BaseException as exc:  # collected and asserted on in the main thread
            errors.append(exc)

    threads = [threading.Thread(target=guarded, args=(t,)) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    return errors


def test_a_writer_and_readers_never_see_database_is_locked(catalog: Catalog, conversation_id: int) -> None:
    done = threading.Event()
    reads = {"lists": 0, "searches": 0}

    def writer() -> None:
        try:
            for i in range(MESSAGES):
                catalog.add_message(conversation_id, Role.USER, f"message {i} 模型对话 number{i}")
        finally:
            done.set()

    def streamer() -> None:
        reply = catalog.add_message(conversation_id, Role.ASSISTANT, "", status=MessageStatus.STREAMING)
        text = ""
        while not done.is_set():
            text += "token "
            catalog.update_message(reply.id, content=text)
        catalog.update_message(reply.id, status=MessageStatus.COMPLETE)

    def reader() -> None:
        while not done.is_set():
            messages = catalog.list_messages(conversation_id)
            assert [m.id for m in messages] == sorted(m.id for m in messages)
            catalog.list_conversations()
            reads["lists"] += 1
            catalog.search_messages("模型")
            catalog.search_messages("number4")
            reads["searches"] += 1

    errors = _run(writer, streamer, reader, reader)
    assert errors == []
    assert reads["lists"] > 0 and reads["searches"] > 0
    assert len(catalog.list_messages(conversation_id)) == MESSAGES + 1
    assert len(catalog.search_messages("模型", limit=1000)) == MESSAGES
    assert catalog._conns.db.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    catalog._conns.db.conn.execute("INSERT INTO messages_fts (messages_fts) VALUES ('integrity-check')")


def test_two_catalogs_on_one_file_wait_for_each_other(catalog: Catalog, conversation_id: int) -> None:
    """Like the CLI writing while the GUI runs: busy_timeout and BEGIN IMMEDIATE make them take turns."""
    other = open_catalog(catalog.path, backups=catalog.path.parent / "backups")
    try:

        def write_with(which: Catalog) -> Callable[[], None]:
            return lambda: [which.add_message(conversation_id, Role.USER, f"turn {i}") for i in range(200)]

        errors = _run(write_with(catalog), write_with(other))
        assert errors == []
        assert len(other.list_messages(conversation_id)) == 400
    finally:
        other.close()
    assert catalog._conns.db.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_readers_of_finished_threads_are_closed(catalog: Catalog) -> None:
    _run(*[catalog.list_gpts for _ in range(5)])
    catalog.list_gpts()  # this thread's reader prunes the finished threads' ones
    assert len(catalog._conns._readers) == 1
