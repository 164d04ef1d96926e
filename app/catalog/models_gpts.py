"""Model files and GPTs: what is installed, and which GPT uses which model."""

from __future__ import annotations

import dataclasses
import json
import re
import sqlite3
from collections.abc import Sequence

from app.catalog import rows
from app.catalog.connections import Connections
from app.core.entities import GPT, GPTVersion, ModelFile, ModelStatus
from app.core.errors import InvalidInput, NotFound

_SHA256 = re.compile(r"[0-9a-f]{64}")
_HEX_PREFIX = re.compile(r"[0-9a-f]{6,64}")
_GPT_COLUMNS = (
    "id, name, description, instructions, starters, examples, params, chat_template, model_sha256, "
    "adapter_sha256, adapter_scale, source, version, category, tags, created_at, updated_at, "
    "author, license, icon, knowledge, changelog, evals"
)


class ModelsAndGPTs:
    _conns: Connections

    # Models --------------------------------------------------------------------------------------

    def add_model(self, model: ModelFile) -> ModelFile:
        """Insert or update a model by its sha256; the first ``added_at`` is kept unless one is given."""
        sha256 = _checked_sha256(model.sha256)
        row = rows.model_row(dataclasses.replace(model, sha256=sha256))
        with self._conns.write() as conn:
            existing = conn.execute("SELECT added_at FROM model_files WHERE sha256 = ?", (sha256,)).fetchone()
            row["added_at"] = model.added_at or (existing["added_at"] if existing else rows.utc_now())
            conn.execute(
                "INSERT INTO model_files (sha256, display_name, path, size, status, info, source, added_at, owned) "
                "VALUES (:sha256, :display_name, :path, :size, :status, :info, :source, :added_at, :owned) "
                "ON CONFLICT (sha256) DO UPDATE SET display_name = excluded.display_name, path = excluded.path, "
                "size = excluded.size, status = excluded.status, info = excluded.info, "
                "source = excluded.source, added_at = excluded.added_at, owned = excluded.owned",
                row,
            )
            return _model(conn, sha256)

    def get_model(self, key: str) -> ModelFile:
        """By sha256, by a unique sha256 prefix of at least 6 hex digits, or by display name (any case)."""
        conn = self._conns.read()
        wanted = key.strip()
        lowered = wanted.lower()
        if _HEX_PREFIX.fullmatch(lowered):
            found = conn.execute(
                "SELECT * FROM model_files WHERE substr(sha256, 1, ?) = ? ORDER BY sha256",
                (len(lowered), lowered),
            ).fetchall()
            if len(found) == 1:
                return rows.model_from_row(found[0])
            if len(found) > 1:
                names = ", ".join(f"{r['sha256'][:12]} ({r['display_name']})" for r in found)
                raise InvalidInput(f"{key!r} matches several models: {names}. Give more of the sha256.")
        folded = wanted.casefold()
        named = [r for r in conn.execute("SELECT * FROM model_files").fetchall() if r["display_name"].casefold() == folded]
        if len(named) == 1:
            return rows.model_from_row(named[0])
        if len(named) > 1:
            names = ", ".join(r["sha256"][:12] for r in named)
            raise InvalidInput(f"Several models are named {key!r} (sha256 {names}); use the sha256 instead.")
        raise NotFound("model", key)

    def list_models(self) -> list[ModelFile]:
        found = self._conns.read().execute(
            "SELECT * FROM model_files ORDER BY display_name COLLATE NOCASE, sha256"
        ).fetchall()
        return [rows.model_from_row(r) for r in found]

    def set_model_status(self, sha256: str, status: ModelStatus) -> ModelFile:
        with self._conns.write() as conn:
            changed = conn.execute(
                "UPDATE model_files SET status = ? WHERE sha256 = ?", (ModelStatus(status).value, sha256.lower())
            ).rowcount
            if not changed:
                raise NotFound("model", sha256)
            return _model(conn, sha256.lower())

    def remove_model(self, sha256: str) -> ModelFile:
        """Forget a model file (the file itself is the caller's); refused while a GPT uses it."""
        sha256 = sha256.lower()
        with self._conns.write() as conn:
            model = _model(conn, sha256)
            users = conn.execute(
                "SELECT name FROM gpts WHERE model_sha256 = ? OR adapter_sha256 = ? ORDER BY name COLLATE NOCASE",
                (sha256, sha256),
            ).fetchall()
            if users:
                names = ", ".join(repr(r["name"]) for r in users)
                raise InvalidInput(
                    f"The model {model.display_name!r} is used by {names}; delete or change those GPTs first."
                )
            conn.execute("DELETE FROM model_files WHERE sha256 = ?", (sha256,))
            return model

    # GPTs ----------------------------------------------------------------------------------------

    def save_gpt(self, gpt: GPT, *, note: str | None = None) -> GPT:
        """Insert or update a GPT and record a snapshot of its version.

        ``created_at`` is kept from the stored GPT (or the one given, or now); ``updated_at`` is now.
        Saving the same version again refreshes that version's snapshot; a new version adds one and
        keeps the older snapshots. ``note`` is the version's one-line changelog (kept when ``None``).
        The snapshot also names the model and adapter files as they are now, so a version whose model
        was removed later can still say which model to reinstall.
        """
        if not gpt.id.strip() or not gpt.name.strip():
            raise InvalidInput("A GPT needs a non-empty id and name.")
        if not gpt.version.strip():
            raise InvalidInput(f"The GPT {gpt.name!r} needs a version.")
        model_sha256 = gpt.model_sha256.lower()
        with self._conns.write() as conn:
            model = conn.execute("SELECT * FROM model_files WHERE sha256 = ?", (model_sha256,)).fetchone()
            if model is None:
                raise NotFound("model", gpt.model_sha256, f"Add the model before saving the GPT {gpt.name!r}.")
            stored = conn.execute("SELECT created_at FROM gpts WHERE id = ?", (gpt.id,)).fetchone()
            now = rows.utc_now()
            created = stored["created_at"] if stored else (gpt.created_at or now)
            saved = dataclasses.replace(gpt, model_sha256=model_sha256, created_at=created, updated_at=now)
            row = rows.gpt_row(saved)
            columns = list(row)
            updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c not in ("id", "created_at"))
            conn.execute(
                f"INSERT INTO gpts ({', '.join(columns)}) VALUES ({', '.join(':' + c for c in columns)}) "
                f"ON CONFLICT (id) DO UPDATE SET {updates}",
                row,
            )
            snapshot = rows.gpt_plain(saved)
            snapshot["model_file"] = _file_note(model)
            if saved.adapter_sha256:
                adapter = conn.execute("SELECT * FROM model_files WHERE sha256 = ?", (saved.adapter_sha256,)).fetchone()
                snapshot["adapter_file"] = _file_note(adapter) if adapter is not None else None
            keep_note = "changelog" if note is None else "excluded.changelog"
            conn.execute(
                "INSERT INTO gpt_versions (gpt_id, version, snapshot, created_at, changelog) VALUES (?, ?, ?, ?, ?) "
                f"ON CONFLICT (gpt_id, version) DO UPDATE SET snapshot = excluded.snapshot, changelog = {keep_note}",
                (saved.id, saved.version, rows.dumps(snapshot), now, note or ""),
            )
            return _gpt(conn, saved.id)

    def save_imported_gpt(self, models: Sequence[ModelFile], gpt: GPT, *, note: str) -> GPT:
        """Record the model files a GPT package brought and the GPT itself in one transaction."""
        with self._conns.write():
            for model in models:
                self.add_model(model)
            return self.save_gpt(gpt, note=note)

    def get_gpt(self, key: str) -> GPT:
        """By exact id, else by name in any case; several GPTs with that name is an error naming them."""
        conn = self._conns.read()
        found = conn.execute(f"SELECT {_GPT_COLUMNS} FROM gpts WHERE id = ?", (key,)).fetchone()
        if found is not None:
            return rows.gpt_from_row(found)
        folded = key.strip().casefold()
        named = [r for r in conn.execute("SELECT id, name FROM gpts").fetchall() if r["name"].casefold() == folded]
        if len(named) > 1:
            ids = ", ".join(sorted(r["id"] for r in named))
            raise InvalidInput(f"Several GPTs are named {key!r} ({ids}); use the id instead.")
        if named:
            return _gpt(conn, named[0]["id"])
        raise NotFound("GPT", key)

    def list_gpts(self) -> list[GPT]:
        found = self._conns.read().execute(
            f"SELECT {_GPT_COLUMNS} FROM gpts ORDER BY name COLLATE NOCASE, id"
        ).fetchall()
        return [rows.gpt_from_row(r) for r in found]

    def gpt_versions(self, gpt_id: str) -> list[tuple[str, str]]:
        """(version, created_at) of every saved version, oldest first."""
        found = self._conns.read().execute(
            "SELECT version, created_at FROM gpt_versions WHERE gpt_id = ? ORDER BY created_at, rowid", (gpt_id,)
        ).fetchall()
        return [(r["version"], r["created_at"]) for r in found]

    def gpt_version_list(self, gpt_id: str) -> list[GPTVersion]:
        """Every saved version of a GPT with its note and model, oldest first; the stored one is current."""
        conn = self._conns.read()
        current = conn.execute("SELECT version FROM gpts WHERE id = ?", (gpt_id,)).fetchone()
        found = conn.execute(
            "SELECT version, created_at, changelog, json_extract(snapshot, '$.model_sha256') AS model_sha256, "
            "json_extract(snapshot, '$.model_file.display_name') AS model_name "
            "FROM gpt_versions WHERE gpt_id = ? ORDER BY created_at, rowid",
            (gpt_id,),
        ).fetchall()
        return [
            GPTVersion(version=r["version"], created_at=r["created_at"], changelog=r["changelog"],
                       current=current is not None and r["version"] == current["version"],
                       model_sha256=r["model_sha256"] or "", model_name=r["model_name"] or "")
            for r in found
        ]

    def gpt_version_files(self, gpt_id: str, version: str) -> dict[str, dict]:
        """The model and adapter files (display name, source, size) as they were when ``version`` was saved."""
        found = self._conns.read().execute(
            "SELECT json_extract(snapshot, '$.model_file') AS model, "
            "json_extract(snapshot, '$.adapter_file') AS adapter "
            "FROM gpt_versions WHERE gpt_id = ? AND version = ?",
            (gpt_id, version),
        ).fetchone()
        if found is None:
            raise NotFound("GPT version", f"{gpt_id}@{version}")
        return {key: json.loads(found[key]) for key in ("model", "adapter") if found[key]}

    def get_gpt_version(self, gpt_id: str, version: str) -> GPT:
        """The GPT as it was last saved under ``version``."""
        found = self._conns.read().execute(
            "SELECT snapshot FROM gpt_versions WHERE gpt_id = ? AND version = ?", (gpt_id, version)
        ).fetchone()
        if found is None:
            raise NotFound("GPT version", f"{gpt_id}@{version}")
        return rows.gpt_from_plain(json.loads(found["snapshot"]))

    def delete_gpt(self, gpt_id: str) -> GPT:
        """Delete a GPT and its version snapshots; its conversations are kept as history."""
        with self._conns.write() as conn:
            gpt = _gpt(conn, gpt_id)
            conn.execute("DELETE FROM gpts WHERE id = ?", (gpt_id,))
            return gpt


def _checked_sha256(value: str) -> str:
    sha256 = value.strip().lower()
    if not _SHA256.fullmatch(sha256):
        raise InvalidInput(f"{value!r} is not a sha256 digest (64 hexadecimal digits).")
    return sha256


def _file_note(row: sqlite3.Row) -> dict[str, object]:
    return {"display_name": row["display_name"], "source": row["source"], "size": row["size"]}


def _model(conn: sqlite3.Connection, sha256: str) -> ModelFile:
    found = conn.execute("SELECT * FROM model_files WHERE sha256 = ?", (sha256,)).fetchone()
    if found is None:
        raise NotFound("model", sha256)
    return rows.model_from_row(found)


def _gpt(conn: sqlite3.Connection, gpt_id: str) -> GPT:
    found = conn.execute(f"SELECT {_GPT_COLUMNS} FROM gpts WHERE id = ?", (gpt_id,)).fetchone()
    if found is None:
        raise NotFound("GPT", gpt_id)
    return rows.gpt_from_row(found)
