"""Paints a listing as a card: the store is browsed by eye, so the facts that decide a pick
(what it is, who made it, how it is rated, how big it is, whether it will run here) sit on one card.

Painting reads only the model's plain values; nothing here touches the catalog or the system.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from app.core.entities import Fit, Listing
from app.core.memory import human
from app.ui.store.listing_model import FitRole, ListingRole

CARD_SIZE = QSize(296, 128)
_MARGIN = 6
_PAD = 12
_BADGE_COLOURS = {Fit.FITS: QColor("#2e7d32"), Fit.TIGHT: QColor("#b26a00"), Fit.WONT_FIT: QColor("#c62828")}
_ICON = 44
# Calm, distinguishable tile colours with white text readable on each (contrast ≥ 4.5 : 1).
_TILE_COLOURS = ("#3b5bdb", "#0b7285", "#237032", "#c2255c", "#862e9c", "#b03a0a", "#495057", "#5f3dc4")


def monogram(name: str) -> str:
    """The tile's letter: the name's first letter or CJK character, upper-cased; "?" when it has none."""
    for char in name.strip():
        if char.isalnum():
            return char.upper()
    return "?"


def tile_colour(listing_id: str) -> QColor:
    """A colour that stays the same for a listing across runs (not Python's salted ``hash``)."""
    return QColor(_TILE_COLOURS[sum(listing_id.encode("utf-8")) % len(_TILE_COLOURS)])


def stars_text(avg: float, count: int) -> str:
    """Five stars rounded to the nearest whole star, with the count; a dash when nobody rated it."""
    if not count:
        return "☆☆☆☆☆"
    full = max(0, min(5, round(avg)))
    return "★" * full + "☆" * (5 - full) + f" {avg:.1f} ({count})"


def short_count(n: int) -> str:
    if n >= 1_000_000:
        return f"{n / 1_000_000:.1f}M"
    if n >= 1_000:
        return f"{n / 1_000:.1f}k"
    return str(n)


class CardDelegate(QStyledItemDelegate):
    """Draws one card per listing; its fixed size lets the view lay the grid out without measuring."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._badge_text = {Fit.FITS: self.tr("Fits"), Fit.TIGHT: self.tr("Tight"),
                            Fit.WONT_FIT: self.tr("Won't fit")}

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        return CARD_SIZE

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        listing: Listing | None = index.data(ListingRole)
        if listing is None:
            super().paint(painter, option, index)
            return
        fit: Fit | None = index.data(FitRole)
        palette = option.palette
        card = option.rect.adjusted(_MARGIN, _MARGIN, -_MARGIN, -_MARGIN)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(palette.color(QPalette.ColorRole.Highlight if selected else QPalette.ColorRole.Mid))
        painter.setBrush(palette.color(QPalette.ColorRole.AlternateBase if selected else QPalette.ColorRole.Base))
        painter.drawRoundedRect(card, 8, 8)

        inner = card.adjusted(_PAD, _PAD, -_PAD, -_PAD)
        self._paint_tile(painter, QRect(inner.left(), inner.top(), _ICON, _ICON), listing, option.font)
        inner.setLeft(inner.left() + _ICON + _PAD)
        title_font = QFont(option.font)
        title_font.setBold(True)
        title_font.setPointSizeF(option.font.pointSizeF() * 1.15)
        painter.setFont(title_font)
        painter.setPen(palette.color(QPalette.ColorRole.Text))
        title_metrics = QFontMetrics(title_font)
        badge_width = self._paint_badge(painter, inner, fit, option.font) if fit is not None else 0
        title_rect = QRect(inner.left(), inner.top(), inner.width() - badge_width - 6, title_metrics.height())
        painter.drawText(title_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         title_metrics.elidedText(listing.name, Qt.TextElideMode.ElideRight, title_rect.width()))

        painter.setFont(option.font)
        metrics = QFontMetrics(option.font)
        line = metrics.height() + 2
        y = title_rect.bottom() + 4
        muted = palette.color(QPalette.ColorRole.PlaceholderText)
        rows = [
            (self.tr("by {0} · {1}").format(listing.author, listing.category), muted),
            (stars_text(listing.rating_avg, listing.rating_count), palette.color(QPalette.ColorRole.Text)),
            (self.tr("{0} downloads · {1}").format(short_count(listing.downloads), human(listing.variant().size)),
             muted),
        ]
        if listing.installed:
            rows.append((self.tr("Installed"), palette.color(QPalette.ColorRole.Link)))
        for text, colour in rows:
            painter.setPen(colour)
            painter.drawText(QRect(inner.left(), y, inner.width(), line), Qt.AlignmentFlag.AlignLeft,
                             metrics.elidedText(text, Qt.TextElideMode.ElideRight, inner.width()))
            y += line
        painter.restore()

    def _paint_tile(self, painter: QPainter, rect: QRect, listing: Listing, font: QFont) -> None:
        """The listing's icon: a coloured tile with its initial, so cards are told apart at a glance
        without fetching an image per listing."""
        painter.save()
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(tile_colour(listing.id))
        painter.drawRoundedRect(rect, 10, 10)
        big = QFont(font)
        big.setBold(True)
        big.setPixelSize(rect.height() // 2)
        painter.setFont(big)
        painter.setPen(QColor("white"))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, monogram(listing.name))
        painter.restore()

    def _paint_badge(self, painter: QPainter, inner: QRect, fit: Fit, font: QFont) -> int:
        """A coloured pill at the top right; returns its width so the title stops before it."""
        small = QFont(font)
        small.setPointSizeF(font.pointSizeF() * 0.85)
        metrics = QFontMetrics(small)
        text = self._badge_text[fit]
        width = metrics.horizontalAdvance(text) + 12
        rect = QRect(inner.right() - width, inner.top() + 1, width, metrics.height() + 4)
        painter.save()
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(_BADGE_COLOURS[fit])
        painter.drawRoundedRect(rect, rect.height() / 2, rect.height() / 2)
        painter.setPen(QColor("white"))
        painter.setFont(small)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
        painter.restore()
        return width
