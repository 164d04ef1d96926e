"""Turning entities into rows and rows back into entities.

Nested values (ModelInfo, GenerationParams, examples, tags) are stored as JSON objects keyed by the
dataclass field names. Reading is forgiving in one direction only: keys this version does not know
are ignored (a newer app may have added them) and missing keys take the dataclass default, so a
catalog written by another version still loads.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import logging
import sqlite3
import threading
import typing
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from app.core.entities import (
    GPT,
    ChatMessage,
    Conversation,
    GenerationParams,
    GPTFile,
    GPTSource,
    Message,
    MessageStatus,
    ModelFile,
    ModelInfo,
    ModelStatus,
    Role,
)
from app.core.plain import plain

log = logging.getLogger(__name__)

T = TypeVar("T")


_clock_lock = threading.Lock()
_last_issued = datetime.min.replace(tzinfo=UTC)


def utc_now() -> str:
    """UTC ISO 8601 with milliseconds and a ``Z``; sorts as text in time order.

    Strictly increasing within the process (two writes in one millisecond get consecutive
    milliseconds), so "newest first" never depends on a tie-break.
    """
    global _last_issued
    with _clock_lock:
        now = datetime.now(UTC)
        now = now.replace(microsecond=now.microsecond // 1000 * 1000)
        if now <= _last_issued:
            now = _last_issued + timedelta(milliseconds=1)
        _last_issued = now
    return now.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def build(cls: type[T], values: Mapping[str, Any]) -> T:
    """A dataclass from a JSON object: unknown keys dropped, lists turned back into tuples."""
    hints = _type_hints(cls)
    accepted: dict[str, Any] = {}
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        if f.name not in values:
            continue
        value = values[f.name]
        if isinstance(value, list) and "tuple" in str(hints.get(f.name, "")):
            value = tuple(value)
        accepted[f.name] = value
    return cls(**accepted)


@functools.cache
def _type_hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


# Models ------------------------------------------------------------------------------------------


def model_row(model: ModelFile) -> dict[str, Any]:
    return {
        "sha256": model.sha256,
        "display_name": model.display_name,
        "path": model.path,
        "size": model.size,
        "status": ModelStatus(model.status).value,
        "info": None if model.info is None else dumps(plain(model.info)),
        "source": model.source,
        "added_at": model.added_at,
        "owned": int(model.owned),
    }


def model_from_row(row: sqlite3.Row) -> ModelFile:
    return ModelFile(
        sha256=row["sha256"],
        display_name=row["display_name"],
        path=row["path"],
        size=row["size"],
        status=ModelStatus(row["status"]),
        info=_model_info(row["info"], row["sha256"]),
        source=row["source"],
        added_at=row["added_at"],
        owned=bool(row["owned"]),
    )


def _model_info(text: str | None, sha256: str) -> ModelInfo | None:
    if text is None:
        return None
    try:
        return build(ModelInfo, json.loads(text))
    except TypeError:
        # A required field is missing: the header can be read again from the file, so not fatal.
        log.warning("Stored GGUF info of model %s is incomplete; ignoring it.", sha256)
        return None


# GPTs --------------------------------------------------------------------------------------------


def gpt_plain(gpt: GPT) -> dict[str, Any]:
    """The GPT as one JSON object: what a gpt_versions snapshot holds."""
    return plain(gpt)


def gpt_from_plain(values: Mapping[str, Any]) -> GPT:
    fields = dict(values)
    fields["examples"] = tuple(
        ChatMessage(Role(m["role"]), m["content"]) for m in fields.get("examples") or ()
    )
    fields["params"] = build(GenerationParams, fields.get("params") or {})
    fields["source"] = GPTSource(fields.get("source") or GPTSource.CUSTOM.value)
    icon = fields.get("icon")
    fields["icon"] = build(GPTFile, icon) if icon else None
    evals = fields.get("evals")
    fields["evals"] = build(GPTFile, evals) if evals else None
    fields["knowledge"] = tuple(build(GPTFile, k) for k in fields.get("knowledge") or ())
    return build(GPT, fields)


_GPT_JSON_COLUMNS = ("starters", "examples", "params", "tags", "knowledge")


def gpt_row(gpt: GPT) -> dict[str, Any]:
    row = gpt_plain(gpt)
    for column in _GPT_JSON_COLUMNS:
        row[column] = dumps(row[column])
    for column in ("icon", "evals"):
        row[column] = None if row[column] is None else dumps(row[column])  # SQL NULL, not JSON null
    return row


def gpt_from_row(row: sqlite3.Row) -> GPT:
    values = {key: row[key] for key in row.keys()}
    for column in _GPT_JSON_COLUMNS:
        values[column] = json.loads(values[column])
    for column in ("icon", "evals"):
        values[column] = None if values.get(column) is None else json.loads(values[column])
    return gpt_from_plain(values)


# Conversations and messages ----------------------------------------------------------------------


def conversation_from_row(row: sqlite3.Row) -> Conversation:
    return Conversation(
        id=row["id"],
        gpt_id=row["gpt_id"],
        title=row["title"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        message_count=row["message_count"],
        pinned=row["pinned_at"] is not None,
    )


def message_from_row(row: sqlite3.Row) -> Message:
    return Message(
        id=row["id"],
        conversation_id=row["conversation_id"],
        role=Role(row["role"]),
        content=row["content"],
        status=MessageStatus(row["status"]),
        created_at=row["created_at"],
        error=row["error"],
    )
