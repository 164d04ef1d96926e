"""A bounded pure-Python GGUF checker that runs before llama.cpp ever sees a file.

``check_gguf(path)`` returns the header's :class:`~app.core.entities.ModelInfo` or raises
:class:`~app.core.errors.BadGGUF` with a short reason naming what was wrong and where. Rules and caps:
docs/research reliability-security §1.2 (see :mod:`app.ggufcheck.limits`).
"""

from __future__ import annotations

from app.ggufcheck.check import check_gguf

__all__ = ["check_gguf"]
