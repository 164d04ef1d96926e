"""The store card's icon tile: a stable colour and a readable initial for any name."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor

from app.ui.store.card_delegate import monogram, tile_colour


@pytest.mark.parametrize(("name", "letter"), [
    ("translator", "T"), ("  écrivain", "É"), ("翻译助手", "翻"), ("🙂 smile", "S"), ("", "?"), ("!!!", "?"),
])
def test_the_tile_shows_the_first_letter_or_character(name: str, letter: str) -> None:
    assert monogram(name) == letter


def test_the_tile_colour_is_stable_and_white_text_reads_on_it() -> None:
    assert tile_colour("alice/tiny-helper") == tile_colour("alice/tiny-helper")
    colours = {tile_colour(f"owner/gpt-{n}").name() for n in range(40)}
    assert len(colours) > 4, "different listings get different colours"
    for name in colours:
        assert _contrast(QColor(name), QColor("white")) >= 4.5, name


def _contrast(a: QColor, b: QColor) -> float:
    def luminance(c: QColor) -> float:
        def channel(v: float) -> float:
            return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
        return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF())
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)
