"""The pages behind the sidebar. They read through the services and show plain lists for now.

The full screens (store browser, chat window, wizard) replace these page by page; each keeps the
``refresh()`` contract so the window can tell it that the catalog changed.
"""

from __future__ import annotations

from PySide6.QtWidgets import QHeaderView, QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from app.services.container import Services


class Page(QWidget):
    title = ""

    def __init__(self, services: Services) -> None:
        super().__init__()
        self.services = services
        self.heading = QLabel()
        self.heading.setObjectName("pageHeading")
        self.note = QLabel()
        self.note.setObjectName("pageNote")
        self.note.setWordWrap(True)
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(24, 20, 24, 20)
        self.layout_.addWidget(self.heading)
        self.layout_.addWidget(self.note)

    def refresh(self) -> None:
        """Re-read what this page shows."""


class _TablePage(Page):
    headers: tuple[str, ...] = ()

    def __init__(self, services: Services) -> None:
        super().__init__(services)
        self.table = QTableWidget(0, len(self.headers))
        self.table.setHorizontalHeaderLabels(list(self.headers))
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.layout_.addWidget(self.table, 1)

    def fill(self, rows: list[tuple[object, ...]]) -> None:
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                self.table.setItem(r, c, QTableWidgetItem(str(value)))


class LibraryPage(_TablePage):
    headers = ("Name", "Description", "Model", "Source")

    def refresh(self) -> None:
        self.heading.setText(self.tr("My GPTs"))
        gpts = self.services.gpts.list()
        names = {m.sha256: m.display_name for m in self.services.models.list()}
        self.note.setText(self.tr("GPTs on this computer. Chat with one from the command line: "
                                  "gptshelf chat NAME") if gpts else
                          self.tr("No GPTs yet. Import a GGUF model, then make a GPT from it."))
        self.fill([(g.name, g.description, names.get(g.model_sha256, g.model_sha256[:12]), g.source.value)
                   for g in gpts])


class ModelsPage(_TablePage):
    headers = ("Name", "Architecture", "Quantization", "Size", "Status")

    def refresh(self) -> None:
        self.heading.setText(self.tr("Models"))
        models = self.services.models.list()
        self.note.setText(self.tr("GGUF files in the store, checked before llama.cpp ever opens them."))
        self.fill([(m.display_name, m.info.architecture if m.info else "-", m.info.quantization if m.info else "-",
                    f"{m.size / 2**20:.0f} MiB", m.status.value) for m in models])


class SettingsPage(_TablePage):
    headers = ("Setting", "Value")

    def refresh(self) -> None:
        self.heading.setText(self.tr("Settings"))
        self.note.setText(self.tr("Change these with: gptshelf settings set KEY VALUE"))
        self.fill(sorted(self.services.settings().to_mapping().items()))
