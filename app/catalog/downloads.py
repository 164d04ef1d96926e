"""The state of resumable downloads (table ``downloads``), so a download survives the app being killed.

The downloader (:mod:`app.hub.download`) writes a record when a download starts, about once a second
while it runs, and when it stops: PAUSED (cancelled), FAILED (with the sentence it raised) or DONE
(only after the file's size and sha256 verified and it was renamed into place). The partial file on
disk is the truth for how far a download got; ``bytes_done`` is what the UI shows and, for a download
with no sha256 to check, the last point known to be safely on disk.
"""

from __future__ import annotations

import sqlite3

from app.catalog import rows
from app.catalog.connections import Connections
from app.core.entities import DownloadRecord, DownloadStatus
from app.core.errors import InvalidInput

_FIELDS = ("key", "url", "target", "partial", "expected_sha256", "expected_size", "bytes_done", "status", "error",
           "etag", "updated_at")
_SELECT = f"SELECT {', '.join(_FIELDS)} FROM downloads"
_UPSERT = (
    f"INSERT INTO downloads ({', '.join(_FIELDS)}) VALUES ({', '.join('?' for _ in _FIELDS)}) "
    f"ON CONFLICT (key) DO UPDATE SET {', '.join(f'{f} = excluded.{f}' for f in _FIELDS if f != 'key')}"
)


class DownloadsMixin:
    _conns: Connections

    def save_download(self, record: DownloadRecord) -> DownloadRecord:
        """Insert or replace the record of ``record.key``; ``updated_at`` is set here. Returns it as stored."""
        status = _status(record.status)
        if record.bytes_done < 0 or (record.expected_size is not None and record.expected_size < 0):
            raise InvalidInput(f"A download record cannot have a negative size ({record.key}).")
        values = (record.key, record.url, record.target, record.partial, record.expected_sha256, record.expected_size,
                  record.bytes_done, status.value, record.error, record.etag, rows.utc_now())
        with self._conns.write() as conn:
            conn.execute(_UPSERT, values)
            return _record(conn.execute(f"{_SELECT} WHERE key = ?", (record.key,)).fetchone())

    def get_download(self, key: str) -> DownloadRecord | None:
        found = self._conns.read().execute(f"{_SELECT} WHERE key = ?", (key,)).fetchone()
        return _record(found) if found is not None else None

    def list_downloads(self, status: DownloadStatus | None = None) -> list[DownloadRecord]:
        """Every download (or those with ``status``), most recently updated first."""
        if status is None:
            found = self._conns.read().execute(f"{_SELECT} ORDER BY updated_at DESC, key").fetchall()
        else:
            found = self._conns.read().execute(
                f"{_SELECT} WHERE status = ? ORDER BY updated_at DESC, key", (_status(status).value,)
            ).fetchall()
        return [_record(r) for r in found]

    def delete_download(self, key: str) -> bool:
        """Forget a download's record (its files are the downloader's business); False if there was none."""
        with self._conns.write() as conn:
            return conn.execute("DELETE FROM downloads WHERE key = ?", (key,)).rowcount > 0


def _status(value: DownloadStatus | str) -> DownloadStatus:
    try:
        return DownloadStatus(value)
    except ValueError:
        raise InvalidInput(f"Unknown download status {value!r}.") from None


def _record(row: sqlite3.Row) -> DownloadRecord:
    values = {f: row[f] for f in _FIELDS}
    try:
        values["status"] = DownloadStatus(values["status"])
    except ValueError:  # written by a newer version: show it as failed rather than refuse to list
        values["status"] = DownloadStatus.FAILED
    return DownloadRecord(**values)
