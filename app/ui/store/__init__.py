"""The Store page: browse, search and filter the GPT store, look at one GPT, install it.

The page is split so each part stays small and testable: a lazy list model over the catalog, a
delegate that paints cards, a detail view, and an install panel that runs downloads as Jobs.
"""

from app.ui.store.page import StorePage

__all__ = ["StorePage"]
