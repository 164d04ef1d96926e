"""A lazy list model over store listings.

The catalog may hold thousands of listings, so the model asks for pages of 50 only as the view
scrolls (canFetchMore/fetchMore) and keeps plain ``Listing`` values, never widgets. A page is one
indexed SQLite query (a few ms), cheap enough for the GUI thread; anything that may start a process
(the GPU probe behind fit checks) happens elsewhere, and the model only receives the resulting
free-memory number through :meth:`set_available_memory`.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

from app.core.entities import Fit, Listing, ListingQuery
from app.core.errors import KnownError
from app.core.memory import kv_cache_bytes, overhead_bytes, verdict
from app.services.store import Store

log = logging.getLogger(__name__)

PAGE_SIZE = 50
ListingRole = Qt.ItemDataRole.UserRole + 1
FitRole = Qt.ItemDataRole.UserRole + 2

_Index = QModelIndex | QPersistentModelIndex


def estimate_fit(listing: Listing, available: int) -> Fit:
    """The card's badge: the default variant at the listing's default context against free memory.

    The same sum as ``FitChecker.check`` but against a number measured once, so painting a card never
    asks the system (or an engine process) anything.
    """
    variant = listing.variant()
    context = int((listing.manifest or {}).get("parameters", {}).get("context_length", 4096))
    needed = variant.size + kv_cache_bytes(listing.shape, context, variant.size) + overhead_bytes(variant.size)
    return verdict(needed, available)


class ListingModel(QAbstractListModel):
    """Rows are listings matching :attr:`query`; fetched page by page as the view asks for more."""

    def __init__(self, store: Store, parent: Any = None) -> None:
        super().__init__(parent)
        self._store = store
        self._query = ListingQuery()
        self._fits_only = False
        self._available: int | None = None
        self._rows: list[Listing] = []
        self._fits: list[Fit | None] = []
        self._exhausted = False
        self.error = ""
        """The last query's failure sentence (empty when it worked); the page shows it."""

    # --- what to show --------------------------------------------------------------------------
    @property
    def query(self) -> ListingQuery:
        return self._query

    def set_query(self, query: ListingQuery, *, fits_only: bool = False) -> None:
        """Show a new search from its first page."""
        self._query = replace(query, limit=PAGE_SIZE, offset=0)
        self._fits_only = fits_only
        self.reload()

    def set_available_memory(self, available: int) -> None:
        """The free RAM + GPU memory, measured in the background: badges and the fits filter use it."""
        self._available = available
        self._fits = [estimate_fit(listing, available) for listing in self._rows]
        if self._rows:
            self.dataChanged.emit(self.index(0), self.index(len(self._rows) - 1), [FitRole])
        if self._fits_only:
            self.reload()

    @property
    def available_memory(self) -> int | None:
        return self._available

    def reload(self) -> None:
        """Start again from the first page (after a sync, an install, a new query)."""
        self.beginResetModel()
        self._rows, self._fits, self._exhausted, self.error = [], [], False, ""
        self.endResetModel()
        self.fetchMore(QModelIndex())

    def listing(self, row: int) -> Listing:
        return self._rows[row]

    def row_of(self, listing_id: str) -> int:
        return next((i for i, l in enumerate(self._rows) if l.id == listing_id), -1)

    # --- Qt's model interface ------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's own default
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        listing = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return listing.name
        if role == Qt.ItemDataRole.ToolTipRole:
            return listing.description
        if role == ListingRole:
            return listing
        if role == FitRole:
            return self._fits[index.row()]
        return None

    def canFetchMore(self, parent: _Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent: _Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or self._exhausted:
            return
        query = replace(self._query, offset=len(self._rows))
        if self._fits_only:
            if self._available is None:
                self._exhausted = True  # nothing fits until the free memory is known; set_available reloads
                return
            query = replace(query, fits_within=self._available)
        try:
            page = self._store.search(query)
        except KnownError as exc:
            log.warning("store search failed: %s", exc)
            self.error, self._exhausted = str(exc), True
            return
        self._exhausted = len(page) < PAGE_SIZE
        if not page:
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
        self._rows.extend(page)
        self._fits.extend(estimate_fit(l, self._available) if self._available is not None else None for l in page)
        self.endInsertRows()
