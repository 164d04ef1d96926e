"""JSON Schema to a llama.cpp grammar (GBNF), with llama-cpp-python's own converter.

The converter (``llama_cpp/llama_grammar.py``, a port of llama.cpp's ``json_schema_to_grammar.py``) is
pure Python, but importing it as ``llama_cpp.llama_grammar`` would run the package's ``__init__``, which
loads llama.cpp's native libraries into the app's process; only the engine's child process may do that
(docs/architecture.md). So the module is found through the import system without importing its package
(which works from an installed wheel and from a frozen bundle alike) and run on its own: it needs only
the standard library. The grammar text goes to the child in :class:`~app.engine.protocol.ChatRequest`,
where llama.cpp parses it (a grammar it refuses becomes an :class:`~app.core.errors.EngineError`).
"""

from __future__ import annotations

import importlib.util
import json
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import Any

from app.core.errors import EngineError

_PACKAGE = "llama_cpp"
_MODULE = "llama_cpp.llama_grammar"


def json_schema_grammar(schema: dict[str, Any], *, order: Sequence[str] = ()) -> str:
    """The GBNF grammar (root rule ``root``) of JSON text that ``schema`` accepts.

    ``order`` puts these properties first, in this order (else the schema's own order). Remote ``$ref``
    are never fetched. A schema the converter cannot handle raises :class:`EngineError`.
    """
    converter = _converter()
    try:
        return converter.json_schema_to_gbnf(json.dumps(schema), list(order))
    except (AssertionError, KeyError, ValueError, TypeError, NotImplementedError) as exc:
        reason = str(exc) or type(exc).__name__
        raise EngineError(f"This JSON Schema cannot be turned into a grammar for the model: {reason}.") from exc


def _converter() -> ModuleType:
    """``llama_cpp.llama_grammar`` run on its own, without ``llama_cpp/__init__.py``."""
    package = importlib.util.find_spec(_PACKAGE)  # finds, does not import, a top-level package
    locations = list(package.submodule_search_locations or ()) if package is not None else []
    spec = None
    for finder in sys.meta_path if locations else ():
        find = getattr(finder, "find_spec", None)
        spec = find(_MODULE, locations) if find is not None else None
        if spec is not None and spec.loader is not None:
            break
    if spec is None or spec.loader is None:
        raise EngineError("llama-cpp-python's grammar converter was not found; reinstall GPT Shelf "
                          "(llama-cpp-python is missing or incomplete).")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
