"""Step 4, Knowledge: documents the GPT carries (added and removed here, saved with it).

The files are copied into the store and travel with the GPT when it is exported or published; the
search that lets answers cite them comes with the knowledge feature, which fills this step further.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout

from app.core.entities import GPTFile
from app.core.memory import human
from app.services.gpts import file_types
from app.ui.wizard.common import DraftPage, split_index

if TYPE_CHECKING:
    from app.ui.wizard.wizard import GPTWizard


class KnowledgePage(DraftPage):
    def __init__(self, wizard: GPTWizard) -> None:
        super().__init__(wizard)
        self.setTitle(self.tr("Knowledge"))
        self.setSubTitle(self.tr("Documents your GPT keeps with it (optional)."))
        self.items: list[Path | GPTFile] = list(wizard.original.knowledge) if wizard.original else []
        note = QLabel(self.tr("The files are saved with the GPT and go with it when you export or publish it. "
                              "Answers will cite them once GPT Shelf can search documents (a coming feature). "
                              "File types: {0}.").format(" ".join(file_types("knowledge"))))
        note.setObjectName("pageNote")
        note.setWordWrap(True)
        self.list = QListWidget()
        self.list.setAccessibleName(self.tr("Knowledge files"))
        self.list.itemSelectionChanged.connect(self._update_buttons)
        self.add_button = QPushButton(self.tr("Add files…"))
        self.add_button.clicked.connect(self.choose_files)
        self.remove_button = QPushButton(self.tr("Remove"))
        self.remove_button.clicked.connect(self.remove_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.field("knowledge"))
        layout.addLayout(buttons)
        layout.addWidget(self.page_error)
        self._show()

    @Slot()
    def choose_files(self) -> None:
        patterns = " ".join(f"*{ext}" for ext in file_types("knowledge"))
        paths, _filter = QFileDialog.getOpenFileNames(self, self.tr("Add knowledge files"), str(Path.home()),
                                                      self.tr("Documents ({0});;All files (*)").format(patterns))
        self.add_files([Path(p) for p in paths])

    def add_files(self, paths: list[Path]) -> None:
        if paths:
            self.items.extend(paths)
            self._show()
            self.changed("knowledge")

    @Slot()
    def remove_selected(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self.items):
            del self.items[row]
            self._show()
            self.changed("knowledge")

    def subject(self, location: str) -> str:
        _base, index = split_index(location)
        if index is not None and index < len(self.items):
            return self._name(self.items[index])
        return self.tr("Knowledge files")

    def _name(self, item: Path | GPTFile) -> str:
        return item.name if isinstance(item, Path) else item.path.rsplit("/", 1)[-1]

    def _show(self) -> None:
        self.list.clear()
        for item in self.items:
            if isinstance(item, GPTFile):
                text = self.tr("{0} · {1} · saved").format(self._name(item), human(item.size))
            else:
                size = item.stat().st_size if item.is_file() else 0
                text = self.tr("{0} · {1} · new").format(self._name(item), human(size))
            self.list.addItem(QListWidgetItem(text))
        self._update_buttons()

    @Slot()
    def _update_buttons(self) -> None:
        self.remove_button.setEnabled(self.list.currentRow() >= 0)
