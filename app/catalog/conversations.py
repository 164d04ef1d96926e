"""Conversations, their messages, full-text search over them, and reviews.

Every message write updates ``messages_fts`` in the same transaction (rowid = message id), with the
segmented text from :mod:`app.catalog.cjk`. Triggers could not do this: segmentation is Python, and a
trigger calling a Python function would break every other tool that opens the file.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from app.catalog import rows
from app.catalog.cjk import fts_query, segment, unsegment
from app.catalog.connections import Connections
from app.core.entities import Conversation, Message, MessageStatus, Role, SearchHit
from app.core.errors import InvalidInput, NotFound

MATCH_START = "\u00ab"  # «  marks the matched words in SearchHit.snippet
MATCH_END = "\u00bb"  # »
_ELLIPSIS = "\u2026"
_SNIPPET_TOKENS = 24
INTERRUPTED = "GPT Shelf stopped before this reply was finished."

_CONVERSATION = (
    "SELECT c.id, c.gpt_id, c.title, c.created_at, c.updated_at, c.pinned_at, "
    "(SELECT count(*) FROM messages AS m WHERE m.conversation_id = c.id) AS message_count "
    "FROM conversations AS c"
)
_MESSAGE = "SELECT id, conversation_id, role, content, status, error, created_at FROM messages"
# The full-text part runs alone in a CTE (its LIMIT keeps SQLite from flattening it into the join):
# a JOIN inside the MATCH query makes SQLite visit every match before ranking.
_SEARCH = f"""
WITH hits AS (
    SELECT rowid AS id, rank, snippet(messages_fts, 0, ?, ?, ?, {_SNIPPET_TOKENS}) AS excerpt
    FROM messages_fts WHERE messages_fts MATCH ? ORDER BY rank LIMIT ?
)
SELECT m.id, m.conversation_id, m.role, m.content, m.status, m.error, m.created_at,
       c.title, c.gpt_id, hits.excerpt
FROM hits
JOIN messages AS m ON m.id = hits.id
JOIN conversations AS c ON c.id = m.conversation_id
ORDER BY hits.rank, m.id
"""


class ConversationsAndMessages:
    _conns: Connections

    # Conversations -------------------------------------------------------------------------------

    def create_conversation(self, gpt_id: str, title: str) -> Conversation:
        with self._conns.write() as conn:
            if conn.execute("SELECT 1 FROM gpts WHERE id = ?", (gpt_id,)).fetchone() is None:
                raise NotFound("GPT", gpt_id)
            now = rows.utc_now()
            cursor = conn.execute(
                "INSERT INTO conversations (gpt_id, title, created_at, updated_at) VALUES (?, ?, ?, ?)",
                (gpt_id, title.strip(), now, now),
            )
            return _conversation(conn, _rowid(cursor))

    def get_conversation(self, conversation_id: int) -> Conversation:
        return _conversation(self._conns.read(), conversation_id)

    def list_conversations(self, *, gpt_id: str | None = None, limit: int = 200) -> list[Conversation]:
        """Pinned first (most recently pinned on top), then newest activity first."""
        where, params = ("WHERE c.gpt_id = ?", [gpt_id]) if gpt_id is not None else ("", [])
        found = self._conns.read().execute(
            f"{_CONVERSATION} {where} ORDER BY c.pinned_at IS NULL, c.pinned_at DESC, c.updated_at DESC, c.id DESC "
            "LIMIT ?", [*params, max(0, limit)]
        ).fetchall()
        return [rows.conversation_from_row(r) for r in found]

    def rename_conversation(self, conversation_id: int, title: str) -> Conversation:
        with self._conns.write() as conn:
            changed = conn.execute(
                "UPDATE conversations SET title = ?, updated_at = ? WHERE id = ?",
                (title.strip(), rows.utc_now(), conversation_id),
            ).rowcount
            if not changed:
                raise NotFound("conversation", conversation_id)
            return _conversation(conn, conversation_id)

    def pin_conversation(self, conversation_id: int, pinned: bool = True) -> Conversation:
        """Pin (or unpin) a chat; pinning does not count as activity, so ``updated_at`` stays."""
        with self._conns.write() as conn:
            changed = conn.execute(
                "UPDATE conversations SET pinned_at = ? WHERE id = ?",
                (rows.utc_now() if pinned else None, conversation_id),
            ).rowcount
            if not changed:
                raise NotFound("conversation", conversation_id)
            return _conversation(conn, conversation_id)

    def delete_conversation(self, conversation_id: int) -> Conversation:
        """Delete a conversation with its messages (and their search entries); returns it as it was."""
        with self._conns.write() as conn:
            conversation = _conversation(conn, conversation_id)
            conn.execute(
                "DELETE FROM messages_fts WHERE rowid IN (SELECT id FROM messages WHERE conversation_id = ?)",
                (conversation_id,),
            )
            conn.execute("DELETE FROM conversations WHERE id = ?", (conversation_id,))
            return conversation

    def import_conversation(self, import_key: str, gpt_id: str, title: str, created_at: str, updated_at: str,
                            messages: Sequence[tuple[Role, str, str]]) -> Conversation | None:
        """Store a conversation brought from another app, with its own times, in one transaction.

        ``messages`` are (role, text, created_at). ``import_key`` names where it came from; one already
        imported under that key is left as it is and ``None`` is returned, so importing again adds nothing.
        """
        with self._conns.write() as conn:
            if conn.execute("SELECT 1 FROM conversations WHERE import_key = ?", (import_key,)).fetchone():
                return None
            cursor = conn.execute(
                "INSERT INTO conversations (gpt_id, title, created_at, updated_at, import_key) VALUES (?, ?, ?, ?, ?)",
                (gpt_id, title.strip(), created_at, updated_at, import_key),
            )
            conversation_id = _rowid(cursor)
            for role, content, at in messages:
                cursor = conn.execute(
                    "INSERT INTO messages (conversation_id, role, content, status, created_at, updated_at) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (conversation_id, _role(role).value, content, MessageStatus.COMPLETE.value, at, at),
                )
                conn.execute("INSERT INTO messages_fts (rowid, content) VALUES (?, ?)",
                             (_rowid(cursor), segment(content)))
            return _conversation(conn, conversation_id)

    def imported_keys(self, prefix: str) -> set[str]:
        """The import keys starting with ``prefix`` already in the catalog."""
        found = self._conns.read().execute(
            "SELECT import_key FROM conversations WHERE substr(import_key, 1, ?) = ?", (len(prefix), prefix)
        ).fetchall()
        return {r["import_key"] for r in found}

    # Messages ------------------------------------------------------------------------------------

    def add_message(
        self,
        conversation_id: int,
        role: Role,
        content: str,
        *,
        status: MessageStatus = MessageStatus.COMPLETE,
        error: str | None = None,
    ) -> Message:
        """Store a message at once (a streaming reply starts empty with status STREAMING)."""
        role, status = _role(role), _status(status)
        with self._conns.write() as conn:
            _conversation(conn, conversation_id)
            now = rows.utc_now()
            cursor = conn.execute(
                "INSERT INTO messages (conversation_id, role, content, status, error, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (conversation_id, role.value, content, status.value, error, now, now),
            )
            message_id = _rowid(cursor)
            conn.execute("INSERT INTO messages_fts (rowid, content) VALUES (?, ?)", (message_id, segment(content)))
            conn.execute("UPDATE conversations SET updated_at = ? WHERE id = ?", (now, conversation_id))
            return _message(conn, message_id)

    def update_message(
        self,
        message_id: int,
        *,
        content: str | None = None,
        status: MessageStatus | None = None,
        error: str | None = None,
    ) -> Message:
        """Change a message's content and/or status, re-indexing its text.

        ``error`` is set when given. When a ``status`` is given without an ``error``, the error is
        cleared (a reply that completes after a retry carries no stale error); otherwise it is kept.
        """
        with self._conns.write() as conn:
            message = _message(conn, message_id)
            new_status = message.status if status is None else _status(status)
            new_error = error if (error is not None or status is not None) else message.error
            new_content = message.content if content is None else content
            conn.execute(
                "UPDATE messages SET content = ?, status = ?, error = ?, updated_at = ? WHERE id = ?",
                (new_content, new_status.value, new_error, rows.utc_now(), message_id),
            )
            if content is not None and content != message.content:
                conn.execute("DELETE FROM messages_fts WHERE rowid = ?", (message_id,))
                conn.execute("INSERT INTO messages_fts (rowid, content) VALUES (?, ?)", (message_id, segment(content)))
            return _message(conn, message_id)

    def delete_messages_after(self, conversation_id: int, message_id: int) -> int:
        """Remove the messages that follow ``message_id`` (to regenerate or edit); returns how many."""
        with self._conns.write() as conn:
            _conversation(conn, conversation_id)
            owner = conn.execute("SELECT conversation_id FROM messages WHERE id = ?", (message_id,)).fetchone()
            if owner is None or owner["conversation_id"] != conversation_id:
                raise NotFound("message", message_id, f"It is not part of conversation {conversation_id}.")
            later = "FROM messages WHERE conversation_id = ? AND id > ?"
            conn.execute(f"DELETE FROM messages_fts WHERE rowid IN (SELECT id {later})", (conversation_id, message_id))
            removed = conn.execute(f"DELETE {later}", (conversation_id, message_id)).rowcount
            conn.execute("UPDATE conversations SET updated_at = ? WHERE id = ?", (rows.utc_now(), conversation_id))
            return removed

    def list_messages(self, conversation_id: int) -> list[Message]:
        conn = self._conns.read()
        found = conn.execute(f"{_MESSAGE} WHERE conversation_id = ? ORDER BY id", (conversation_id,)).fetchall()
        if not found:
            _conversation(conn, conversation_id)  # an empty conversation, or none at all?
        return [rows.message_from_row(r) for r in found]

    def finish_interrupted_messages(self) -> int:
        """Mark replies left STREAMING by a crash as FAILED; call once at start, before any new reply."""
        with self._conns.write() as conn:
            return conn.execute(
                "UPDATE messages SET status = ?, error = ?, updated_at = ? WHERE status = ?",
                (MessageStatus.FAILED.value, INTERRUPTED, rows.utc_now(), MessageStatus.STREAMING.value),
            ).rowcount

    # Search --------------------------------------------------------------------------------------

    def search_messages(self, query: str, *, limit: int = 50) -> list[SearchHit]:
        """Messages matching every word of ``query`` (CJK-aware), best bm25 rank first.

        Matched words are wrapped in MATCH_START/MATCH_END in each hit's snippet. A query with no
        searchable characters finds nothing.
        """
        expression = fts_query(query)
        if expression is None or limit <= 0:
            return []
        found = self._conns.read().execute(
            _SEARCH, (MATCH_START, MATCH_END, _ELLIPSIS, expression, limit)
        ).fetchall()
        return [
            SearchHit(
                message=rows.message_from_row(r),
                conversation_title=r["title"],
                gpt_id=r["gpt_id"],
                snippet=unsegment(r["excerpt"]),
            )
            for r in found
        ]

    # Reviews -------------------------------------------------------------------------------------

    def add_review(self, gpt_id: str, stars: int, text: str = "", author: str = "me") -> int:
        """Store a 1-5 star review of a GPT; returns its id."""
        if isinstance(stars, bool) or not isinstance(stars, int) or not 1 <= stars <= 5:
            raise InvalidInput(f"A review needs 1 to 5 stars, not {stars!r}.")
        with self._conns.write() as conn:
            cursor = conn.execute(
                "INSERT INTO reviews (gpt_id, stars, text, author, created_at) VALUES (?, ?, ?, ?, ?)",
                (gpt_id, stars, text, author, rows.utc_now()),
            )
            return _rowid(cursor)


def _conversation(conn: sqlite3.Connection, conversation_id: int) -> Conversation:
    found = conn.execute(f"{_CONVERSATION} WHERE c.id = ?", (conversation_id,)).fetchone()
    if found is None:
        raise NotFound("conversation", conversation_id)
    return rows.conversation_from_row(found)


def _message(conn: sqlite3.Connection, message_id: int) -> Message:
    found = conn.execute(f"{_MESSAGE} WHERE id = ?", (message_id,)).fetchone()
    if found is None:
        raise NotFound("message", message_id)
    return rows.message_from_row(found)


def _rowid(cursor: sqlite3.Cursor) -> int:
    if cursor.lastrowid is None:  # pragma: no cover - an INSERT always sets it
        raise RuntimeError("SQLite did not report the new row's id.")
    return cursor.lastrowid


def _role(value: Role | str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise InvalidInput(f"{value!r} is not a message role ({', '.join(r.value for r in Role)}).") from None


def _status(value: MessageStatus | str) -> MessageStatus:
    try:
        return MessageStatus(value)
    except ValueError:
        raise InvalidInput(f"{value!r} is not a message status.") from None
