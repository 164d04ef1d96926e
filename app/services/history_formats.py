"""Reading other apps' chat history: a ChatGPT data export, Jan threads, LM Studio conversations.

Each reader yields, per conversation, either a :class:`ParsedConversation` (plain data, ready to store)
or a :class:`ParseFailure` naming the conversation and why it could not be read, so one broken entry
never stops the rest. Nothing here touches the catalog.

ChatGPT keeps every edit and regeneration: a conversation's ``mapping`` is a tree of nodes (``parent``,
``children``), and ``current_node`` is the leaf the person last saw. The thread shown is the path from
the root to that leaf, so it is found by walking ``parent`` links up from ``current_node`` and reversing.
System messages, hidden ones (``is_visually_hidden_from_conversation``), tool calls and results, and
messages with no text are left out.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.core.entities import Role
from app.core.errors import InvalidInput

CHATGPT, JAN, LM_STUDIO = "chatgpt", "jan", "lmstudio"
MAX_JSON_BYTES = 2 << 30
"""A conversations.json larger than this is refused rather than read into memory."""
_ROLES = {"user": Role.USER, "assistant": Role.ASSISTANT}


@dataclass(frozen=True)
class ParsedMessage:
    role: Role
    text: str
    created_at: str
    """UTC ISO 8601 as the catalog writes it; empty when the source gives no time."""


@dataclass(frozen=True)
class ParsedConversation:
    source: str
    source_id: str
    title: str
    created_at: str
    updated_at: str
    messages: tuple[ParsedMessage, ...]


@dataclass(frozen=True)
class ParseFailure:
    source: str
    name: str
    """The conversation's title and/or id, as much as could be read."""
    reason: str


Parsed = ParsedConversation | ParseFailure


class Malformed(ValueError):
    """One conversation cannot be read; the message says why."""


def read_history(path: Path) -> tuple[str, Iterator[Parsed]]:
    """Which app ``path`` comes from, and its conversations; raises InvalidInput when it is none of them.

    Accepted: a ChatGPT export (the zip or its ``conversations.json``), a Jan ``threads`` folder, one
    thread folder or its ``thread.json``, and an LM Studio ``.conversation.json`` or a folder of them.
    """
    path = Path(path).expanduser()
    if not path.exists():
        raise InvalidInput(f"{path} does not exist.")
    if path.is_dir():
        if (path / "thread.json").is_file() or any(path.glob("*/thread.json")):
            return JAN, _jan_threads(path)
        files = sorted(path.rglob("*.conversation.json"))
        if files:
            return LM_STUDIO, _lm_studio_files(files)
        raise InvalidInput(f"{path} holds neither Jan threads (thread.json) nor LM Studio conversations "
                           "(*.conversation.json).")
    if path.name == "thread.json" or path.name == "messages.jsonl":
        return JAN, _jan_threads(path.parent)
    if zipfile.is_zipfile(path):
        return CHATGPT, _chatgpt(_zip_member(path))
    data = _load_json(path)
    if isinstance(data, list) or (isinstance(data, dict) and "mapping" in data):
        return CHATGPT, _chatgpt(data if isinstance(data, list) else [data])
    if isinstance(data, dict) and isinstance(data.get("messages"), list):
        return LM_STUDIO, _lm_studio_files([path], first=data)
    raise InvalidInput(f"{path} is not a ChatGPT export, a Jan thread or an LM Studio conversation.")


# --- ChatGPT ------------------------------------------------------------------------------------------

def _zip_member(path: Path) -> Any:
    with zipfile.ZipFile(path) as archive:
        names = [n for n in archive.namelist() if n.rsplit("/", 1)[-1] == "conversations.json"]
        if not names:
            raise InvalidInput(f"{path} is a zip without conversations.json; is it a ChatGPT data export?")
        member = archive.getinfo(min(names, key=len))
        if member.file_size > MAX_JSON_BYTES:
            raise InvalidInput(f"conversations.json in {path} is larger than {MAX_JSON_BYTES >> 30} GiB.")
        try:
            return json.loads(archive.read(member))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InvalidInput(f"conversations.json in {path} is not valid JSON ({exc}).") from exc


def _load_json(path: Path) -> Any:
    if path.stat().st_size > MAX_JSON_BYTES:
        raise InvalidInput(f"{path} is larger than {MAX_JSON_BYTES >> 30} GiB.")
    try:
        return json.loads(path.read_bytes())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidInput(f"{path} is not a readable JSON file ({exc}).") from exc


def _chatgpt(data: Any) -> Iterator[Parsed]:
    if not isinstance(data, list):
        raise InvalidInput("conversations.json must hold a list of conversations.")
    for index, raw in enumerate(data):
        name = _name_of(raw, index)
        try:
            yield _chatgpt_conversation(raw)
        except Malformed as exc:
            yield ParseFailure(CHATGPT, name, str(exc))


def _name_of(raw: Any, index: int) -> str:
    if not isinstance(raw, dict):
        return f"entry {index + 1}"
    key = raw.get("conversation_id") or raw.get("id")
    title = raw.get("title")
    parts = [f"“{title}”" if isinstance(title, str) and title else "", f"({key})" if key else f"(entry {index + 1})"]
    return " ".join(p for p in parts if p)


def _chatgpt_conversation(raw: Any) -> ParsedConversation:
    if not isinstance(raw, dict):
        raise Malformed("it is not a JSON object")
    key = raw.get("conversation_id") or raw.get("id")
    if not isinstance(key, str) or not key:
        raise Malformed("it has no id")
    mapping = raw.get("mapping")
    if not isinstance(mapping, dict) or not mapping:
        raise Malformed("it has no message tree ('mapping')")
    created = _time(raw.get("create_time"))
    thread = []
    for node in _main_thread(mapping, raw.get("current_node")):
        message = node.get("message")
        parsed = _chatgpt_message(message, created) if isinstance(message, dict) else None
        if parsed is not None:
            thread.append(parsed)
    if not thread:
        raise Malformed("it has no user or assistant messages with text")
    return ParsedConversation(CHATGPT, key, _title(raw.get("title"), thread), created or thread[0].created_at,
                              _time(raw.get("update_time")) or created or thread[-1].created_at, tuple(thread))


def _main_thread(mapping: dict[str, Any], current: Any) -> list[dict[str, Any]]:
    """The nodes from the root to ``current`` (else to the last child at each step), root first."""
    if current is None:
        roots = [k for k, n in mapping.items() if isinstance(n, dict) and not n.get("parent")]
        if len(roots) != 1:
            raise Malformed("it has no current_node and not exactly one root")
        current = roots[0]
        while (children := (mapping.get(current) or {}).get("children")) and children[-1] in mapping:
            current = children[-1]
    path: list[dict[str, Any]] = []
    seen: set[str] = set()
    while current is not None:
        node = mapping.get(current) if isinstance(current, str) else None
        if not isinstance(node, dict):
            raise Malformed(f"its thread names the node {current!r}, which is not in its mapping")
        if current in seen:
            raise Malformed(f"its message tree loops at node {current!r}")
        seen.add(current)
        path.append(node)
        current = node.get("parent")
    path.reverse()
    return path


def _chatgpt_message(message: dict[str, Any], fallback_time: str) -> ParsedMessage | None:
    author = message.get("author")
    role = _ROLES.get(author.get("role")) if isinstance(author, dict) else None
    metadata = message.get("metadata")
    hidden = isinstance(metadata, dict) and metadata.get("is_visually_hidden_from_conversation")
    if role is None or hidden or message.get("recipient", "all") != "all":
        return None
    content = message.get("content")
    if not isinstance(content, dict) or content.get("content_type") not in ("text", "multimodal_text"):
        return None
    parts = content.get("parts")
    text = "\n".join(p for p in parts if isinstance(p, str)).strip() if isinstance(parts, list) else ""
    if not text:
        return None
    return ParsedMessage(role, text, _time(message.get("create_time")) or fallback_time)


# --- Jan ----------------------------------------------------------------------------------------------

def _jan_threads(folder: Path) -> Iterator[Parsed]:
    threads = [folder] if (folder / "thread.json").is_file() else sorted(p.parent for p in folder.glob("*/thread.json"))
    for thread in threads:
        try:
            yield _jan_thread(thread)
        except Malformed as exc:
            yield ParseFailure(JAN, thread.name, str(exc))


def _jan_thread(folder: Path) -> ParsedConversation:
    try:
        meta = json.loads((folder / "thread.json").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise Malformed(f"its thread.json cannot be read ({exc})") from exc
    if not isinstance(meta, dict):
        raise Malformed("its thread.json is not a JSON object")
    key = meta.get("id") or folder.name
    created = _time(meta.get("created"))
    thread = []
    try:
        lines = (folder / "messages.jsonl").read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        lines = []
    except (OSError, UnicodeDecodeError) as exc:
        raise Malformed(f"its messages.jsonl cannot be read ({exc})") from exc
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            raise Malformed(f"line {number} of its messages.jsonl is not JSON ({exc.msg})") from exc
        role = _ROLES.get(raw.get("role")) if isinstance(raw, dict) else None
        text = _jan_text(raw.get("content")) if role is not None else ""
        if role is not None and text:
            thread.append(ParsedMessage(role, text, _time(raw.get("created_at") or raw.get("created")) or created))
    if not thread:
        raise Malformed("it has no user or assistant messages with text")
    return ParsedConversation(JAN, str(key), _title(meta.get("title"), thread), created or thread[0].created_at,
                              _time(meta.get("updated")) or thread[-1].created_at or created, tuple(thread))


def _jan_text(content: Any) -> str:
    if isinstance(content, str):
        return content.strip()
    if not isinstance(content, list):
        return ""
    texts = []
    for part in content:
        if isinstance(part, dict) and part.get("type") == "text":
            text = part.get("text")
            value = text.get("value") if isinstance(text, dict) else text
            if isinstance(value, str):
                texts.append(value)
    return "\n".join(texts).strip()


# --- LM Studio ----------------------------------------------------------------------------------------

def _lm_studio_files(files: list[Path], first: Any = None) -> Iterator[Parsed]:
    for index, path in enumerate(files):
        try:
            data = first if (index == 0 and first is not None) else _load_json(path)
            yield _lm_studio(path, data)
        except (Malformed, InvalidInput) as exc:
            yield ParseFailure(LM_STUDIO, path.name, str(exc))


def _lm_studio(path: Path, data: Any) -> ParsedConversation:
    if not isinstance(data, dict) or not isinstance(data.get("messages"), list):
        raise Malformed("it has no list of messages")
    created = _time(data.get("createdAt"))
    thread = []
    for raw in data["messages"]:
        if not isinstance(raw, dict):
            continue
        versions = raw.get("versions")
        if isinstance(versions, list) and versions:  # the current format: every regeneration kept
            chosen = raw.get("currentlySelected", 0)
            raw = versions[chosen] if isinstance(chosen, int) and 0 <= chosen < len(versions) else versions[-1]
            if not isinstance(raw, dict):
                continue
        role = _ROLES.get(raw.get("role"))
        if role is None:
            continue
        blocks = raw.get("content")
        if raw.get("type") == "multiStep" and isinstance(raw.get("steps"), list):
            blocks = [b for step in raw["steps"] if isinstance(step, dict) and step.get("type") == "contentBlock"
                      for b in (step.get("content") or [])]
        text = _jan_text(blocks)
        if text:
            thread.append(ParsedMessage(role, text, created))
    if not thread:
        raise Malformed("it has no user or assistant messages with text")
    key = f"{path.name.removesuffix('.json').removesuffix('.conversation')}@{data.get('createdAt', '')}"
    return ParsedConversation(LM_STUDIO, key, _title(data.get("name"), thread), created or "", created or "",
                              tuple(thread))


# --- shared -------------------------------------------------------------------------------------------

def _title(raw: Any, thread: list[ParsedMessage]) -> str:
    if isinstance(raw, str) and raw.strip():
        return raw.strip()[:200]
    first = next((m.text for m in thread if m.role is Role.USER), thread[0].text)
    line = " ".join(first.split())
    return line if len(line) <= 60 else line[:59] + "…"


def _time(value: Any) -> str:
    """A Unix time in seconds or milliseconds (or an ISO 8601 string) as the catalog's UTC text; else ''."""
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            try:
                value = float(value)
            except ValueError:
                return ""
        else:
            moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
            return _iso(moment)
    if not isinstance(value, int | float) or value <= 0:
        return ""
    seconds = value / 1000 if value > 1e11 else value  # milliseconds since 1973 look like seconds after 5138
    try:
        return _iso(datetime.fromtimestamp(seconds, UTC))
    except (OverflowError, OSError, ValueError):
        return ""


def _iso(moment: datetime) -> str:
    moment = moment.astimezone(UTC)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000).isoformat(timespec="milliseconds") \
        .replace("+00:00", "Z")
