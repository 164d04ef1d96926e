"""Small helpers for the QTableWidgets whose rows carry an id in a data role of their first column."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QTableWidget


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
