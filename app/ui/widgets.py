"""Small widgets the pages share: read-only id tables and the inline error label."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtWidgets import QHeaderView, QLabel, QTableWidget, QWidget


def id_table(headers: Sequence[str], parent: QWidget | None = None) -> QTableWidget:
    """A read-only table of whole-row single selection; rows carry an id in their first cell's data."""
    table = QTableWidget(0, len(headers), parent)
    table.setHorizontalHeaderLabels(list(headers))
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    table.verticalHeader().setVisible(False)
    table.setShowGrid(False)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
    table.setTabKeyNavigation(False)  # Tab leaves the table (arrows move between rows): no keyboard trap
    return table


def selected_value(table: QTableWidget, role: int) -> Any:
    """The id stored in the selected row, or None."""
    items = table.selectedItems()
    return items[0].data(role) if items else None


def select_row_with(table: QTableWidget, role: int, value: Any) -> bool:
    """Select the row whose first cell carries ``value``; False when no row does."""
    for row in range(table.rowCount()):
        if table.item(row, 0).data(role) == value:
            table.selectRow(row)
            return True
    return False


def error_label() -> QLabel:
    """A hidden, wrapping label for a problem sentence, red through its own style (it must stay red
    even where the app's stylesheet is not applied)."""
    label = QLabel()
    label.setObjectName("inlineError")
    label.setStyleSheet("color: #d64545;")
    label.setWordWrap(True)
    label.hide()
    return label
