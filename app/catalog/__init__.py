"""The local SQLite catalog: settings, models, GPTs, conversations and full-text search.

Open it with :func:`open_catalog`; everything it returns is an :mod:`app.core.entities` value.
See docs/catalog.md for the schema, the migration rule, CJK search and the one-writer rule.
"""

from app.catalog.catalog import Catalog, open_catalog
from app.catalog.conversations import MATCH_END, MATCH_START

__all__ = ["MATCH_END", "MATCH_START", "Catalog", "open_catalog"]
