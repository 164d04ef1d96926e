"""How the CLI shows results: aligned tables for people, ``--json`` for programs."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from app.core.plain import plain


class Output:
    def __init__(self, stream: TextIO | None = None, *, as_json: bool = False) -> None:
        self.stream = stream or sys.stdout
        self.as_json = as_json

    def write(self, text: str = "", end: str = "\n") -> None:
        self.stream.write(text + end)
        self.stream.flush()

    def json(self, value: Any) -> None:
        self.write(json.dumps(plain(value), ensure_ascii=False, indent=2))

    def table(self, rows: Sequence[Sequence[object]], headers: Sequence[str]) -> None:
        if not rows:
            self.write("(none)")
            return
        cells = [[str(c) for c in row] for row in rows]
        widths = [max(_width(h), *(_width(r[i]) for r in cells)) for i, h in enumerate(headers)]
        self.write("  ".join(_pad(h, w) for h, w in zip(headers, widths)).rstrip())
        for row in cells:
            self.write("  ".join(_pad(c, w) for c, w in zip(row, widths)).rstrip())

    def fields(self, pairs: Sequence[tuple[str, object]]) -> None:
        width = max(len(k) for k, _ in pairs)
        for key, value in pairs:
            self.write(f"{key.ljust(width)}  {value}")


def _width(text: str) -> int:
    """Display width: CJK characters take two columns in a terminal."""
    return sum(2 if ord(ch) >= 0x1100 and _wide(ch) else 1 for ch in text)


def _wide(ch: str) -> bool:
    import unicodedata  # noqa: PLC0415 - only for tables

    return unicodedata.east_asian_width(ch) in ("W", "F")


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def human_size(size: int | None) -> str:
    if not size:
        return "-"
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if value < 1024 or unit == "TiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"


def human_count(number: int | None) -> str:
    if not number:
        return "-"
    for unit, scale in (("B", 1e9), ("M", 1e6), ("K", 1e3)):
        if number >= scale:
            return f"{number / scale:.1f}{unit}"
    return str(number)
