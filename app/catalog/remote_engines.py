"""Remote engines and GPT placements (tables ``remote_engines`` and ``gpt_placements``, migration m012).

Only the settings of an engine are stored; its API key is in the keyring under
:attr:`RemoteEngine.secret_name`. Names are unique regardless of case, so ``gptshelf engines remove
Lab`` and ``lab`` mean the same engine.
"""

from __future__ import annotations

import sqlite3

from app.catalog import rows
from app.catalog.connections import Connections
from app.core.errors import InvalidInput, NotFound
from app.core.remote import Placement, RemoteEngine, checked_timeout, normalise_base_url

_ENGINE = "SELECT id, name, base_url, verify_tls, timeout_seconds, created_at, updated_at FROM remote_engines"
_PLACEMENT = ("SELECT p.gpt_id, p.engine_id, p.model, p.updated_at, e.name AS engine_name FROM gpt_placements p "
              "JOIN remote_engines e ON e.id = p.engine_id")


class RemoteEnginesMixin:
    _conns: Connections

    def add_remote_engine(self, name: str, base_url: str, *, verify_tls: bool = True,
                          timeout_seconds: float = 120.0) -> RemoteEngine:
        name = _checked_name(name)
        url, timeout = normalise_base_url(base_url), checked_timeout(timeout_seconds)
        now = rows.utc_now()
        with self._conns.write() as conn:
            _refuse_taken(conn, name, None)
            cursor = conn.execute(
                "INSERT INTO remote_engines (name, base_url, verify_tls, timeout_seconds, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?)", (name, url, int(verify_tls), timeout, now, now))
            return _engine(conn.execute(f"{_ENGINE} WHERE id = ?", (cursor.lastrowid,)).fetchone())

    def update_remote_engine(self, key: str | int, *, name: str | None = None, base_url: str | None = None,
                             verify_tls: bool | None = None, timeout_seconds: float | None = None) -> RemoteEngine:
        """Change some of an engine's settings; returns it as stored."""
        with self._conns.write() as conn:
            engine = _find(conn, key)
            new_name = _checked_name(name) if name is not None else engine.name
            _refuse_taken(conn, new_name, engine.id)
            conn.execute(
                "UPDATE remote_engines SET name = ?, base_url = ?, verify_tls = ?, timeout_seconds = ?, updated_at = ? "
                "WHERE id = ?",
                (new_name, normalise_base_url(base_url) if base_url is not None else engine.base_url,
                 int(engine.verify_tls if verify_tls is None else verify_tls),
                 checked_timeout(timeout_seconds) if timeout_seconds is not None else engine.timeout_seconds,
                 rows.utc_now(), engine.id))
            return _engine(conn.execute(f"{_ENGINE} WHERE id = ?", (engine.id,)).fetchone())

    def remove_remote_engine(self, key: str | int) -> tuple[RemoteEngine, list[str]]:
        """Forget an engine; returns it and the ids of the GPTs that ran on it (they run here again)."""
        with self._conns.write() as conn:
            engine = _find(conn, key)
            moved = [r["gpt_id"] for r in conn.execute(
                "SELECT gpt_id FROM gpt_placements WHERE engine_id = ? ORDER BY gpt_id", (engine.id,))]
            conn.execute("DELETE FROM remote_engines WHERE id = ?", (engine.id,))
            return engine, moved

    def get_remote_engine(self, key: str | int) -> RemoteEngine:
        """By id or by name (any case)."""
        return _find(self._conns.read(), key)

    def list_remote_engines(self) -> list[RemoteEngine]:
        found = self._conns.read().execute(f"{_ENGINE} ORDER BY name COLLATE NOCASE, id").fetchall()
        return [_engine(r) for r in found]

    def set_placement(self, gpt_id: str, engine_id: int, model: str) -> Placement:
        model = model.strip()
        if not model:
            raise InvalidInput("Name the model the engine should run (as its model list shows it).")
        with self._conns.write() as conn:
            if conn.execute("SELECT 1 FROM gpts WHERE id = ?", (gpt_id,)).fetchone() is None:
                raise NotFound("GPT", gpt_id)
            _find(conn, engine_id)
            conn.execute(
                "INSERT INTO gpt_placements (gpt_id, engine_id, model, updated_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (gpt_id) DO UPDATE SET engine_id = excluded.engine_id, model = excluded.model, "
                "updated_at = excluded.updated_at", (gpt_id, engine_id, model, rows.utc_now()))
            return _placement(conn.execute(f"{_PLACEMENT} WHERE p.gpt_id = ?", (gpt_id,)).fetchone())

    def clear_placement(self, gpt_id: str) -> Placement | None:
        """Run the GPT on this computer again; returns the placement it had (None: it ran here already)."""
        with self._conns.write() as conn:
            found = conn.execute(f"{_PLACEMENT} WHERE p.gpt_id = ?", (gpt_id,)).fetchone()
            conn.execute("DELETE FROM gpt_placements WHERE gpt_id = ?", (gpt_id,))
            return _placement(found) if found is not None else None

    def get_placement(self, gpt_id: str) -> Placement | None:
        """Where the GPT runs when not here; None means this computer."""
        found = self._conns.read().execute(f"{_PLACEMENT} WHERE p.gpt_id = ?", (gpt_id,)).fetchone()
        return _placement(found) if found is not None else None

    def list_placements(self) -> list[Placement]:
        return [_placement(r) for r in self._conns.read().execute(f"{_PLACEMENT} ORDER BY p.gpt_id").fetchall()]


def _checked_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise InvalidInput("An engine needs a name (for example “Lab server”).")
    if len(name) > 80:
        raise InvalidInput("An engine's name must be at most 80 characters.")
    return name


def _refuse_taken(conn: sqlite3.Connection, name: str, own_id: int | None) -> None:
    taken = conn.execute("SELECT id FROM remote_engines WHERE name = ? COLLATE NOCASE", (name,)).fetchone()
    if taken is not None and taken["id"] != own_id:
        raise InvalidInput(f"There is already an engine named {name!r}; choose another name.")


def _find(conn: sqlite3.Connection, key: str | int) -> RemoteEngine:
    if isinstance(key, int) or (isinstance(key, str) and key.strip().isdigit()):
        found = conn.execute(f"{_ENGINE} WHERE id = ?", (int(key),)).fetchone()
        if found is not None:
            return _engine(found)
    found = conn.execute(f"{_ENGINE} WHERE name = ? COLLATE NOCASE", (" ".join(str(key).split()),)).fetchone()
    if found is None:
        raise NotFound("engine", key, "See `gptshelf engines list` for the engines you added.")
    return _engine(found)


def _engine(row: sqlite3.Row) -> RemoteEngine:
    return RemoteEngine(id=row["id"], name=row["name"], base_url=row["base_url"], verify_tls=bool(row["verify_tls"]),
                        timeout_seconds=float(row["timeout_seconds"]), created_at=row["created_at"],
                        updated_at=row["updated_at"])


def _placement(row: sqlite3.Row) -> Placement:
    return Placement(gpt_id=row["gpt_id"], engine_id=row["engine_id"], model=row["model"],
                     engine_name=row["engine_name"], updated_at=row["updated_at"])
