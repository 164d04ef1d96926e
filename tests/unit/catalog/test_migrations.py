"""Migrations: a blank database, an upgrade from the first schema, and the never-edit rule."""

from __future__ import annotations

import hashlib
import inspect
import sqlite3
from pathlib import Path

import pytest
from sqlite_utils import Database

from app.catalog import migrations, open_catalog
from app.catalog.cjk import segment
from app.catalog.migrations import MIGRATIONS, migration_names
from app.core.errors import CatalogError

# sha256 of each shipped migration's source. A shipped migration is never edited (people's databases
# already ran it): add a new migration instead, and add its hash here when it ships.
SHIPPED = {
    "m001_initial": "c4e55a019f225d31e5981a639fd6250aee0eb9c11225c5f2351bc4bbda25d5f4",
    "m002_unfinished_messages": "14836c122fd68e0aefbe0f1a76b75fe2529e3d9e908f49efa0bbe5b7648595f1",
    "m003_listing_sync": "d8335a6b52dfd3c52fcb29ed32c8e09d1a410fbfce312d2728a5cadfa6a57471",
    "m004_downloads": "e49e0e5259c883b48efac9a3347757b39603dc75d1eaa924754a379df2fb4ac2",
    "m005_pinned_conversations": "94e869e1a5c1e90f0f30f6566a97039bea370edfe7cc35aad998ad783313a700",
    "m006_gpt_files_and_changelog": "260f43810ea857bad1bd3a488f4d18cf1b32a0827cc8aea3f709a481a141b370",
    "m007_listing_category_sorts": "a79880a9f13e074d8f0b4f8a60b5c7b7f237aa7f2e2a8ceee5bc4a1a155055f0",
    "m008_knowledge": "035c18b4010d24c31eebd2fe7c456f08c52c2cbd4c7d995f1d7edecc0bbf495a",
    "m009_api_keys": "dcf79faf6f4f58bfd3ceb506bbde0240fe96d4d0cdd60a370695084d9b88a925",
    "m010_linked_models_and_imported_chats": "c0fb43e64a6a9dad30272811bf64d8345d94b22eb712afc07b709f5e77be25d3",
    "m012_remote_engines": "e61bf2568e7decb17b04a8a5d2885b0ee335b260f02ad6fdfc8c53b1f423dff4",
    "m014_eval_runs": "e9ce393d2c17cdf66be3ce84fc6f02353ade87a7c476a9cd1c3d1f21f39b2075",
}

TABLES = {"settings", "model_files", "gpts", "gpt_versions", "listings", "conversations", "messages", "reviews",
          "api_keys"}


def _source_hash(name: str) -> str:
    return hashlib.sha256(inspect.getsource(getattr(migrations, name)).encode()).hexdigest()


def _schema_objects(database: Path) -> set[tuple[str, str]]:
    conn = sqlite3.connect(database)
    found = {(r[0], r[1]) for r in conn.execute("SELECT type, name FROM sqlite_master")}
    conn.close()
    return found


def _first_schema_with_rows(database: Path) -> None:
    """A catalog as the first release left it, filled by raw SQL as that release would have."""
    database.parent.mkdir(parents=True, exist_ok=True)
    db = Database(database)
    MIGRATIONS.apply(db, stop_before="m002_unfinished_messages")
    db.conn.executescript(
        f"""
        INSERT INTO settings VALUES ('theme', '"dark"');
        INSERT INTO model_files VALUES ('{"a" * 64}', 'Old Model', '/old', 10, 'installed', NULL, '', '2024-01-01T00:00:00.000Z');
        INSERT INTO gpts (id, name, model_sha256, created_at, updated_at)
            VALUES ('me/old', 'Old GPT', '{"a" * 64}', '2024-01-01T00:00:00.000Z', '2024-01-01T00:00:00.000Z');
        INSERT INTO conversations (gpt_id, title, created_at, updated_at)
            VALUES ('me/old', 'Old chat', '2024-01-01T00:00:00.000Z', '2024-01-01T00:00:00.000Z');
        INSERT INTO messages (conversation_id, role, content, status, created_at, updated_at)
            VALUES (1, 'user', '旧的模型对话', 'streaming', '2024-01-01T00:00:00.000Z', '2024-01-01T00:00:00.000Z');
        INSERT INTO messages_fts (rowid, content) VALUES (1, '{segment("旧的模型对话")}');
        """
    )
    db.close()


def test_a_blank_database_gets_every_migration(catalog) -> None:
    applied = [m.name for m in MIGRATIONS.applied(catalog._conns.db)]
    assert applied == migration_names() == list(SHIPPED)
    objects = _schema_objects(catalog.path)
    assert TABLES | {"messages_fts", "listings_fts", "_sqlite_migrations"} <= {n for t, n in objects if t == "table"}
    assert ("index", "messages_streaming") in objects


def test_upgrade_from_the_first_schema_keeps_data_and_backs_up_first(paths) -> None:
    database, backups = paths
    _first_schema_with_rows(database)
    assert ("index", "messages_streaming") not in _schema_objects(database)

    with open_catalog(database, backups=backups) as catalog:
        assert catalog.load_settings().theme == "dark"
        assert catalog.get_model("old model").path == "/old"
        assert catalog.get_gpt("me/old").name == "Old GPT"
        [message] = catalog.list_messages(1)
        assert message.content == "旧的模型对话"
        assert [h.message.id for h in catalog.search_messages("模型")] == [1]
        assert [m.name for m in MIGRATIONS.pending(catalog._conns.db)] == []
        assert catalog.finish_interrupted_messages() == 1

    assert ("index", "messages_streaming") in _schema_objects(database)
    [copy] = backups.iterdir()
    assert copy.name.startswith("catalog-") and copy.name.endswith("-before-m002_unfinished_messages.sqlite3")
    old = sqlite3.connect(copy)
    assert old.execute("SELECT name FROM _sqlite_migrations").fetchall() == [("m001_initial",)]
    assert old.execute("SELECT content, status FROM messages").fetchall() == [("旧的模型对话", "streaming")]
    old.close()


def test_a_failed_migration_changes_nothing_and_names_the_backup(paths) -> None:
    database, backups = paths
    _first_schema_with_rows(database)
    conn = sqlite3.connect(database)
    conn.execute("CREATE INDEX messages_streaming ON messages (id)")  # m002 will collide with it
    conn.commit()
    conn.close()
    with pytest.raises(CatalogError) as raised:
        open_catalog(database, backups=backups)
    [copy] = backups.iterdir()
    assert str(copy) in str(raised.value)
    check = sqlite3.connect(database)
    assert check.execute("SELECT name FROM _sqlite_migrations").fetchall() == [("m001_initial",)]
    check.close()


def test_schemas_are_explicit_not_inferred(catalog) -> None:
    conn = catalog._conns.db.conn
    columns = {r["name"]: r["type"] for r in conn.execute("PRAGMA table_info(messages)")}
    assert columns == {
        "id": "INTEGER",
        "conversation_id": "INTEGER",
        "role": "TEXT",
        "content": "TEXT",
        "status": "TEXT",
        "error": "TEXT",
        "created_at": "TEXT",
        "updated_at": "TEXT",
    }
    assert conn.execute("PRAGMA foreign_key_list(messages)").fetchone()["on_delete"] == "CASCADE"


@pytest.mark.parametrize("name", migration_names())
def test_a_shipped_migration_is_never_edited(name: str) -> None:
    assert name in SHIPPED, f"Add {name} with its hash {_source_hash(name)} to SHIPPED when it ships."
    assert _source_hash(name) == SHIPPED[name], (
        f"{name} changed. Shipped migrations are never edited; add a new migration instead."
    )
