"""Bring conversations from ChatGPT, Jan and LM Studio into GPT Shelf's history.

Each imported conversation is stored with its own title and times under an import key
(``chatgpt:<conversation id>``, ``jan:<thread id>``, ``lmstudio:<file>@<created>``); a conversation whose key
is already in the catalog is skipped, so importing the same export twice adds nothing. A conversation that
cannot be read is reported by name with why, and the others are imported.

Whose conversation is it? A conversation in GPT Shelf belongs to a GPT, and an imported one was had with
a model GPT Shelf may not have. Unless a GPT is chosen, it belongs to ``imported:<app>`` (say
``imported:chatgpt``), a GPT that does not exist, the way a deleted GPT's conversations are kept: readable,
searchable and exportable in Chats. Choosing a GPT (``gpt_id``) attaches them to it, so they can be
continued there.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from app.catalog import Catalog
from app.core.entities import Conversation
from app.core.errors import KnownError
from app.services.history_formats import ParsedConversation, ParseFailure, read_history

log = logging.getLogger(__name__)

IMPORTED_PREFIX = "imported:"


class ImportCancelled(KnownError):
    def __init__(self, added: int) -> None:
        super().__init__(f"The import was cancelled after {added} conversations; importing again adds the rest.")


@dataclass(frozen=True)
class HistoryImportReport:
    source: str
    """chatgpt, jan or lmstudio."""
    gpt_id: str
    added: tuple[Conversation, ...] = ()
    already: int = 0
    """Conversations skipped because an earlier import brought them."""
    failed: tuple[ParseFailure, ...] = ()


@dataclass
class HistoryImporter:
    catalog: Catalog
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def import_path(self, path: Path, *, gpt_id: str | None = None, progress: Callable[[int], None] | None = None,
                    cancel: threading.Event | None = None) -> HistoryImportReport:
        """Import every conversation in ``path`` (see :func:`read_history` for what it may be);
        ``progress`` gets the number of conversations handled so far."""
        source, conversations = read_history(Path(path))
        owner = self.catalog.get_gpt(gpt_id).id if gpt_id else f"{IMPORTED_PREFIX}{source}"
        added: list[Conversation] = []
        failed: list[ParseFailure] = []
        already = 0
        with self._lock:  # two imports of one file at once would race on the same keys
            for handled, parsed in enumerate(conversations, 1):
                if cancel is not None and cancel.is_set():
                    raise ImportCancelled(len(added))
                if isinstance(parsed, ParseFailure):
                    log.warning("history import: %s %s skipped: %s", parsed.source, parsed.name, parsed.reason)
                    failed.append(parsed)
                else:
                    stored = self._store(parsed, owner)
                    if stored is None:
                        already += 1
                    else:
                        added.append(stored)
                if progress is not None:
                    progress(handled)
        log.info("history import from %s: %d added, %d already there, %d failed", path, len(added), already,
                 len(failed))
        return HistoryImportReport(source, owner, tuple(added), already, tuple(failed))

    def _store(self, parsed: ParsedConversation, owner: str) -> Conversation | None:
        created = parsed.created_at or parsed.messages[0].created_at
        updated = parsed.updated_at or created
        if not created:  # no time anywhere in the source: the time of the import
            from app.catalog.rows import utc_now  # noqa: PLC0415

            created = updated = utc_now()
        messages = [(m.role, m.text, m.created_at or created) for m in parsed.messages]
        return self.catalog.import_conversation(f"{parsed.source}:{parsed.source_id}", owner, parsed.title,
                                                created, updated, messages)
