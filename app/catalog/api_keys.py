"""The local API's keys (table ``api_keys``): ids, names and when each was last used.

The secrets are not here: :mod:`app.services.api_keys` keeps a digest of each key in the keyring.
"""

from __future__ import annotations

import sqlite3

from app.catalog import rows
from app.catalog.connections import Connections
from app.core.api_keys import ApiKey
from app.core.errors import InvalidInput, NotFound

_SELECT = "SELECT id, name, created_at, last_used_at FROM api_keys"


class ApiKeysMixin:
    _conns: Connections

    def add_api_key(self, key_id: str, name: str) -> ApiKey:
        """Record a new key's id and name; a name already in use is refused."""
        try:
            with self._conns.write() as conn:
                conn.execute("INSERT INTO api_keys (id, name, created_at) VALUES (?, ?, ?)",
                             (key_id, name, rows.utc_now()))
                return _key(conn.execute(f"{_SELECT} WHERE id = ?", (key_id,)).fetchone())
        except sqlite3.IntegrityError as exc:
            raise InvalidInput(f"An API key named {name!r} already exists; choose another name.") from exc

    def list_api_keys(self) -> list[ApiKey]:
        found = self._conns.read().execute(f"{_SELECT} ORDER BY created_at, id").fetchall()
        return [_key(r) for r in found]

    def get_api_key(self, key: str) -> ApiKey:
        """By id, else by name."""
        conn = self._conns.read()
        found = conn.execute(f"{_SELECT} WHERE id = ?", (key,)).fetchone() or conn.execute(
            f"{_SELECT} WHERE name = ?", (key,)).fetchone()
        if found is None:
            raise NotFound("API key", key, "See `gptshelf api-keys list`.")
        return _key(found)

    def delete_api_key(self, key_id: str) -> ApiKey:
        with self._conns.write() as conn:
            found = conn.execute(f"{_SELECT} WHERE id = ?", (key_id,)).fetchone()
            if found is None:
                raise NotFound("API key", key_id)
            conn.execute("DELETE FROM api_keys WHERE id = ?", (key_id,))
            return _key(found)

    def touch_api_key(self, key_id: str) -> None:
        """Note that a key was just used (shown beside it, so a person can tell a stale key)."""
        with self._conns.write() as conn:
            conn.execute("UPDATE api_keys SET last_used_at = ? WHERE id = ?", (rows.utc_now(), key_id))


def _key(row: sqlite3.Row) -> ApiKey:
    return ApiKey(id=row["id"], name=row["name"], created_at=row["created_at"], last_used_at=row["last_used_at"])
