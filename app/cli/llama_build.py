"""Which llama.cpp build this app runs: its backends and CPU features, and how an installer built it.

Two sources, because neither says everything. llama.cpp's ``llama_print_system_info()`` (asked in the
engine process, see :class:`app.core.entities.EngineInfo`) lists the compiled-in backends and CPU
features, e.g. ``CPU : SSE3 = 1 | AVX2 = 1 | ... | CUDA : ARCHS = 890 | ...``. A packaged app also
carries ``resources/build-info.json``, written by ``packaging/build_info.py`` when the bundle was made:
the variant (cpu, cuda, metal), the CMake flags and the library files. A bug report that quotes
``gptshelf info`` then names the exact build.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from app.core.paths import resources_dir

log = logging.getLogger(__name__)

RECORD_NAME = "build-info.json"


def recorded_build(folder: Path | None = None) -> dict[str, Any] | None:
    """The installer's record of its llama.cpp build, or None when running from a source checkout."""
    path = (folder or resources_dir()) / RECORD_NAME
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        log.warning("the bundle's %s is unreadable", path, exc_info=True)
        return None
    return record if isinstance(record, dict) else None


def backends(system_info: str) -> dict[str, list[str]]:
    """``{"CPU": ["SSE3", "AVX2", ...], "CUDA": ["ARCHS=890", ...]}`` from llama.cpp's system-info line."""
    found: dict[str, list[str]] = {}
    current: list[str] | None = None
    for part in (p.strip() for p in system_info.split("|")):
        if " : " in part:
            name, part = (s.strip() for s in part.split(" : ", 1))
            current = found.setdefault(name, [])
        if current is None or "=" not in part:
            continue
        key, value = (s.strip() for s in part.split("=", 1))
        if value == "1":
            current.append(key)
        elif value not in ("0", ""):
            current.append(f"{key}={value}")
    return found


def describe_build(system_info: str, record: dict[str, Any] | None) -> str:
    """One line for people: the backends with their features, then how the bundle was built."""
    found = backends(system_info)
    compiled = "; ".join(f"{name} ({' '.join(features)})" if features else name for name, features in found.items())
    if record is None:
        origin = "llama-cpp-python built on this machine (source install)"
    else:
        flags = record.get("cmake_args") or "default flags"
        native = ", tuned to the build machine's CPU" if record.get("cpu_native") else ""
        origin = f"{record.get('variant', '?')} installer build, CMAKE_ARGS: {flags}{native}"
    return f"{compiled or 'unknown backends'}; {origin}"  # ASCII: a redirected Windows console uses a legacy code page
