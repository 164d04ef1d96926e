"""The catalog's schema, as an append-only list of migrations.

A shipped migration is never edited: people's databases already ran it, so a change there would
never reach them and would make new and old databases differ. To change the schema, add a new
function ``mNNN_what_it_does`` at the end. ``tests/unit/catalog/test_migrations.py`` keeps a hash of
each shipped migration's source to catch an accidental edit.

Each migration runs in its own transaction together with the record that it ran
(:mod:`app.catalog.schema`, compatible with sqlite-utils' ``Migrations``), so a failed one leaves
nothing behind and stays pending. Schemas are written out explicitly; nothing is inferred from inserted rows, and a migration uses no constant defined
elsewhere, so its meaning cannot change under it.

JSON columns are TEXT checked with ``json_valid``. Enumerations (statuses, roles, sources) are not
CHECK-constrained, because widening a CHECK means rebuilding the table; the entity layer validates
them. ``conversations`` and ``messages`` use AUTOINCREMENT so an id is never reused: a streaming reply
that writes to a message deleted meanwhile must fail, not land in a newer message.
"""

from __future__ import annotations

from app.catalog.schema import Database, Migrations

MIGRATIONS = Migrations("gptshelf")

def migration_names() -> list[str]:
    """Every migration this version knows, in order."""
    return [m.name for m in MIGRATIONS._migrations]


@MIGRATIONS()
def m001_initial(db: Database) -> None:
    """The first schema: settings, models, GPTs and their versions, listings, chats, reviews."""
    statements = [
        """CREATE TABLE settings (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL CHECK (json_valid(value))
        )""",
        """CREATE TABLE model_files (
            sha256 TEXT PRIMARY KEY,
            display_name TEXT NOT NULL,
            path TEXT NOT NULL,
            size INTEGER NOT NULL CHECK (size >= 0),
            status TEXT NOT NULL,
            info TEXT CHECK (info IS NULL OR json_valid(info)),
            source TEXT NOT NULL DEFAULT '',
            added_at TEXT NOT NULL
        )""",
        "CREATE INDEX model_files_display_name ON model_files (display_name COLLATE NOCASE)",
        """CREATE TABLE gpts (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            instructions TEXT NOT NULL DEFAULT '',
            starters TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(starters)),
            examples TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(examples)),
            params TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(params)),
            chat_template TEXT,
            model_sha256 TEXT NOT NULL REFERENCES model_files (sha256),
            adapter_sha256 TEXT,
            adapter_scale REAL NOT NULL DEFAULT 1.0,
            source TEXT NOT NULL DEFAULT 'custom',
            version TEXT NOT NULL DEFAULT '0.1.0',
            category TEXT NOT NULL DEFAULT '',
            tags TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(tags)),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )""",
        "CREATE INDEX gpts_name ON gpts (name COLLATE NOCASE)",
        "CREATE INDEX gpts_model_sha256 ON gpts (model_sha256)",
        "CREATE INDEX gpts_adapter_sha256 ON gpts (adapter_sha256) WHERE adapter_sha256 IS NOT NULL",
        """CREATE TABLE gpt_versions (
            gpt_id TEXT NOT NULL REFERENCES gpts (id) ON DELETE CASCADE,
            version TEXT NOT NULL,
            snapshot TEXT NOT NULL CHECK (json_valid(snapshot)),
            created_at TEXT NOT NULL,
            PRIMARY KEY (gpt_id, version)
        )""",
        """CREATE TABLE listings (
            id TEXT PRIMARY KEY,
            repo TEXT NOT NULL,
            revision TEXT NOT NULL,
            name TEXT NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            author TEXT NOT NULL DEFAULT '',
            category TEXT NOT NULL DEFAULT '',
            tags TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(tags)),
            license TEXT NOT NULL DEFAULT '',
            likes INTEGER NOT NULL DEFAULT 0,
            downloads INTEGER NOT NULL DEFAULT 0,
            rating_avg REAL,
            rating_count INTEGER NOT NULL DEFAULT 0,
            size INTEGER NOT NULL DEFAULT 0,
            manifest TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(manifest)),
            updated_at TEXT NOT NULL
        )""",
        "CREATE INDEX listings_category ON listings (category)",
        "CREATE INDEX listings_downloads ON listings (downloads DESC)",
        "CREATE INDEX listings_likes ON listings (likes DESC)",
        # listings has a TEXT key, so its implicit rowid may change on VACUUM: the FTS row carries the id.
        """CREATE VIRTUAL TABLE listings_fts USING fts5 (
            listing_id UNINDEXED, name, description, author, category, tags,
            tokenize = 'unicode61 remove_diacritics 2'
        )""",
        """CREATE TABLE conversations (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            gpt_id TEXT NOT NULL,
            title TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )""",
        "CREATE INDEX conversations_updated_at ON conversations (updated_at DESC, id DESC)",
        "CREATE INDEX conversations_gpt_id ON conversations (gpt_id, updated_at DESC)",
        """CREATE TABLE messages (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
            role TEXT NOT NULL,
            content TEXT NOT NULL,
            status TEXT NOT NULL,
            error TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )""",
        "CREATE INDEX messages_conversation_id ON messages (conversation_id)",
        # rowid = messages.id; content is the segmented copy (see app.catalog.cjk).
        "CREATE VIRTUAL TABLE messages_fts USING fts5 (content, tokenize = 'unicode61 remove_diacritics 2')",
        """CREATE TABLE reviews (
            id INTEGER PRIMARY KEY,
            gpt_id TEXT NOT NULL,
            stars INTEGER NOT NULL CHECK (stars BETWEEN 1 AND 5),
            text TEXT NOT NULL DEFAULT '',
            author TEXT NOT NULL DEFAULT 'me',
            created_at TEXT NOT NULL
        )""",
        "CREATE INDEX reviews_gpt_id ON reviews (gpt_id)",
    ]
    for statement in statements:
        db.execute(statement)


@MIGRATIONS()
def m002_unfinished_messages(db: Database) -> None:
    """Index the replies still marked streaming, so those left by a crash are found at start instantly."""
    db.execute("CREATE INDEX messages_streaming ON messages (conversation_id) WHERE status = 'streaming'")


@MIGRATIONS()
def m003_listing_sync(db: Database) -> None:
    """Remember where each listing came from (starter catalog or hub shard) and what it needs in memory,
    and each synced shard's sha256, so a sync fetches and applies only the shards that changed."""
    statements = [
        "ALTER TABLE listings ADD COLUMN source TEXT NOT NULL DEFAULT 'hub'",
        "ALTER TABLE listings ADD COLUMN shard TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE listings ADD COLUMN language TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE listings ADD COLUMN mem_needed INTEGER NOT NULL DEFAULT 0",
        # The FTS row of a listing: listings has a TEXT key, and an UNINDEXED column can't be looked up.
        "ALTER TABLE listings ADD COLUMN fts_rowid INTEGER",
        "CREATE UNIQUE INDEX listings_fts_rowid ON listings (fts_rowid)",
        "CREATE INDEX listings_source_shard ON listings (source, shard)",
        "CREATE INDEX listings_size ON listings (size)",
        "CREATE INDEX listings_rating ON listings (rating_avg DESC, rating_count DESC)",
        "CREATE INDEX listings_updated_at ON listings (updated_at DESC)",
        """CREATE TABLE sync_shards (
            source TEXT NOT NULL,
            path TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            count INTEGER NOT NULL DEFAULT 0,
            synced_at TEXT NOT NULL,
            PRIMARY KEY (source, path)
        )""",
    ]
    for statement in statements:
        db.execute(statement)


@MIGRATIONS()
def m004_downloads(db: Database) -> None:
    """Resumable downloads: each file's progress survives a killed app, so the next start resumes it."""
    db.execute(
        """CREATE TABLE downloads (
            key TEXT PRIMARY KEY,
            url TEXT NOT NULL,
            target TEXT NOT NULL,
            partial TEXT NOT NULL,
            expected_sha256 TEXT,
            expected_size INTEGER,
            bytes_done INTEGER NOT NULL DEFAULT 0,
            status TEXT NOT NULL,
            error TEXT,
            etag TEXT,
            updated_at TEXT NOT NULL
        )"""
    )


@MIGRATIONS()
def m005_pinned_conversations(db: Database) -> None:
    """Pinned chats stay on top of the list; NULL means not pinned, a time orders the pinned ones."""
    db.execute("ALTER TABLE conversations ADD COLUMN pinned_at TEXT")


@MIGRATIONS()
def m006_gpt_files_and_changelog(db: Database) -> None:
    """What a GPT package carries besides the model (author, license, icon, knowledge files, changelog),
    and the one-line note of each saved version, so versions can be listed and rolled back with their why."""
    statements = [
        "ALTER TABLE gpts ADD COLUMN author TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE gpts ADD COLUMN license TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE gpts ADD COLUMN icon TEXT CHECK (icon IS NULL OR json_valid(icon))",
        "ALTER TABLE gpts ADD COLUMN knowledge TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(knowledge))",
        "ALTER TABLE gpts ADD COLUMN changelog TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE gpt_versions ADD COLUMN changelog TEXT NOT NULL DEFAULT ''",
    ]
    for statement in statements:
        db.execute(statement)


@MIGRATIONS()
def m007_listing_category_sorts(db: Database) -> None:
    """Browse and search one store category in any sort order without sorting the whole category.

    With only ``listings_category``, "coding, by rating" read every listing of the category and sorted
    them (a third of a second at a million listings); an index per sort that starts with the category
    gives the page in order. Each one also serves what ``listings_category`` did, which goes.
    """
    statements = [
        "CREATE INDEX listings_category_rating ON listings (category, rating_avg DESC, rating_count DESC)",
        "CREATE INDEX listings_category_likes ON listings (category, likes DESC)",
        "CREATE INDEX listings_category_downloads ON listings (category, downloads DESC)",
        "CREATE INDEX listings_category_updated_at ON listings (category, updated_at DESC)",
        "CREATE INDEX listings_category_size ON listings (category, size)",
        "DROP INDEX listings_category",
    ]
    for statement in statements:
        db.execute(statement)


@MIGRATIONS()
def m008_knowledge(db: Database) -> None:
    """A GPT's knowledge, indexed: documents by content sha256, their chunks with full-text and embedding,
    and the passages each reply was given, so its citations open what the model saw.

    Documents are content-addressed (two GPTs with the same file share its chunks; a changed file is a
    new document). ``knowledge_fts`` rowid = chunk id; its ``doc`` column holds one token per chunk,
    ``k`` + the document's sha256, so a search is scoped to a GPT's documents inside FTS5 itself.
    Embeddings are float32 blobs (little-endian), NULL when no embedding model was installed.
    ``message_sources`` keeps a copy of each passage, so a citation survives re-indexing.
    """
    statements = [
        """CREATE TABLE knowledge_documents (
            sha256 TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            status TEXT NOT NULL,
            error TEXT NOT NULL DEFAULT '',
            chunk_count INTEGER NOT NULL DEFAULT 0,
            embedding_sha256 TEXT NOT NULL DEFAULT '',
            settings TEXT NOT NULL DEFAULT '',
            indexed_at TEXT NOT NULL
        )""",
        """CREATE TABLE knowledge_chunks (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            document_sha256 TEXT NOT NULL REFERENCES knowledge_documents (sha256) ON DELETE CASCADE,
            ordinal INTEGER NOT NULL,
            text TEXT NOT NULL,
            page INTEGER,
            heading TEXT NOT NULL DEFAULT '',
            char_start INTEGER NOT NULL,
            char_end INTEGER NOT NULL,
            embedding BLOB,
            UNIQUE (document_sha256, ordinal)
        )""",
        "CREATE VIRTUAL TABLE knowledge_fts USING fts5 (doc, text, tokenize = 'unicode61 remove_diacritics 2')",
        """CREATE TABLE message_sources (
            message_id INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
            number INTEGER NOT NULL,
            file TEXT NOT NULL,
            text TEXT NOT NULL,
            page INTEGER,
            heading TEXT NOT NULL DEFAULT '',
            char_start INTEGER NOT NULL DEFAULT 0,
            char_end INTEGER NOT NULL DEFAULT 0,
            chunk_id INTEGER,
            score REAL NOT NULL DEFAULT 0,
            PRIMARY KEY (message_id, number)
        )""",
    ]
    for statement in statements:
        db.execute(statement)


@MIGRATIONS()
def m009_api_keys(db: Database) -> None:
    """The local API's keys, by name: only their ids and names live here; each key's digest is in the keyring."""
    db.execute(
        """CREATE TABLE api_keys (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            created_at TEXT NOT NULL,
            last_used_at TEXT
        )"""
    )


@MIGRATIONS()
def m010_linked_models_and_imported_chats(db: Database) -> None:
    """Models linked in place and conversations brought from other apps.

    ``owned = 0`` marks a model file that another app (LM Studio, Ollama...) keeps: its ``path`` is
    absolute and GPT Shelf never deletes it. ``import_key`` names where an imported conversation came
    from (``chatgpt:<id>``), so importing the same export again adds nothing.
    """
    statements = [
        "ALTER TABLE model_files ADD COLUMN owned INTEGER NOT NULL DEFAULT 1",
        "ALTER TABLE conversations ADD COLUMN import_key TEXT",
        "CREATE UNIQUE INDEX conversations_import_key ON conversations (import_key) WHERE import_key IS NOT NULL",
    ]
    for statement in statements:
        db.execute(statement)


@MIGRATIONS()
def m012_remote_engines(db: Database) -> None:
    """Remote OpenAI-compatible engines (their API keys live in the keyring, not here), and which GPTs
    run on one of them instead of this computer. A GPT with no placement row runs here; removing an
    engine removes its placements, so those GPTs run here again."""
    statements = [
        """CREATE TABLE remote_engines (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            name TEXT NOT NULL,
            base_url TEXT NOT NULL,
            verify_tls INTEGER NOT NULL DEFAULT 1,
            timeout_seconds REAL NOT NULL DEFAULT 120,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )""",
        "CREATE UNIQUE INDEX remote_engines_name ON remote_engines (name COLLATE NOCASE)",
        """CREATE TABLE gpt_placements (
            gpt_id TEXT PRIMARY KEY REFERENCES gpts (id) ON DELETE CASCADE,
            engine_id INTEGER NOT NULL REFERENCES remote_engines (id) ON DELETE CASCADE,
            model TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )""",
        "CREATE INDEX gpt_placements_engine_id ON gpt_placements (engine_id)",
    ]
    for statement in statements:
        db.execute(statement)


@MIGRATIONS()
def m014_eval_runs(db: Database) -> None:
    """A GPT's eval set (a file pinned like its icon), and every eval run with each case's output and
    checks, so a later run can show the trend and name the cases that passed before and fail now."""
    statements = [
        "ALTER TABLE gpts ADD COLUMN evals TEXT CHECK (evals IS NULL OR json_valid(evals))",
        """CREATE TABLE eval_runs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            gpt_id TEXT NOT NULL,
            label TEXT NOT NULL,
            version TEXT NOT NULL,
            adapter INTEGER NOT NULL DEFAULT 0,
            evals_sha256 TEXT NOT NULL,
            seed INTEGER NOT NULL,
            cancelled INTEGER NOT NULL DEFAULT 0,
            total_cases INTEGER NOT NULL,
            passed_cases INTEGER NOT NULL,
            total_checks INTEGER NOT NULL,
            passed_checks INTEGER NOT NULL,
            created_at TEXT NOT NULL
        )""",
        "CREATE INDEX eval_runs_gpt_id ON eval_runs (gpt_id, id DESC)",
        """CREATE TABLE eval_cases (
            run_id INTEGER NOT NULL REFERENCES eval_runs (id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            case_id TEXT NOT NULL,
            output TEXT NOT NULL,
            checks TEXT NOT NULL CHECK (json_valid(checks)),
            error TEXT NOT NULL DEFAULT '',
            passed INTEGER NOT NULL,
            seconds REAL NOT NULL DEFAULT 0,
            tokens INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (run_id, position)
        )""",
    ]
    for statement in statements:
        db.execute(statement)
