"""Step 1, Basics: what the GPT is called and how it shows in lists (name, description, category,
tags, icon); for a new GPT, above them, a box where a model drafts the whole GPT from a description
(:mod:`app.ui.wizard.draft_box`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QCompleter, QFileDialog, QLabel, QLineEdit, QPushButton

from app.core.entities import GPTFile
from app.services.gpts import file_types
from app.ui.wizard.common import DraftPage, form_page, numbered, plain_text_edit, split_index, widget_row
from app.ui.wizard.draft_box import DraftBox

if TYPE_CHECKING:
    from app.ui.wizard.wizard import GPTWizard

ICON_PIXELS = 48


class BasicsPage(DraftPage):
    def __init__(self, wizard: GPTWizard) -> None:
        super().__init__(wizard)
        self.setTitle(self.tr("Basics"))
        self.setSubTitle(self.tr("How your GPT is called and how it shows in lists."))
        gpt = wizard.original
        self.icon: Path | GPTFile | None = gpt.icon if gpt else None

        self.name = QLineEdit(gpt.name if gpt else "")
        self.name.setPlaceholderText(self.tr("Required, e.g. Pirate tutor"))
        self.name.textChanged.connect(lambda: self.changed("name"))
        self.description = plain_text_edit()
        self.description.setFixedHeight(72)
        self.description.setPlainText(gpt.description if gpt else "")
        self.description.setPlaceholderText(self.tr("One or two sentences: what it is good at"))
        self.description.textChanged.connect(lambda: self.changed("description"))
        self.category = QLineEdit(gpt.category if gpt else "")
        self.category.setPlaceholderText(self.tr("e.g. Writing, Coding, Learning"))
        known = sorted({g.category for g in wizard.services.gpts.list() if g.category})
        self.category.setCompleter(QCompleter(known, self.category))
        self.category.textChanged.connect(lambda: self.changed("category"))
        self.tags = QLineEdit(", ".join(gpt.tags) if gpt else "")
        self.tags.setPlaceholderText(self.tr("Comma-separated, e.g. pirate, fun"))
        self.tags.textChanged.connect(lambda: self.changed("tags"))

        self.icon_preview = QLabel()
        self.icon_preview.setFixedSize(ICON_PIXELS, ICON_PIXELS)
        self.icon_preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.icon_preview.setAccessibleName(self.tr("Icon preview"))
        self.icon_button = QPushButton(self.tr("Choose icon…"))
        self.icon_button.clicked.connect(self.choose_icon)
        self.remove_icon_button = QPushButton(self.tr("Remove icon"))
        self.remove_icon_button.clicked.connect(self.remove_icon)

        self.draft_box = None if wizard.editing else DraftBox(wizard)

        form = form_page(self)
        if self.draft_box is not None:
            form.addRow(self.draft_box)
        form.addRow(self.tr("&Name:"), self.name)
        form.addRow(self.field("name"))
        form.addRow(self.tr("&Description:"), self.description)
        form.addRow(self.field("description"))
        form.addRow(self.tr("&Category:"), self.category)
        form.addRow(self.field("category"))
        form.addRow(self.tr("&Tags:"), self.tags)
        form.addRow(self.field("tags"))
        form.addRow(self.tr("Icon:"), widget_row(self.icon_preview, self.icon_button, self.remove_icon_button))
        form.addRow(self.field("icon", "icon", "icon_size", "icon_sha256"))
        form.addRow(self.page_error)
        self._show_icon()

    def contribute(self, values: dict) -> None:
        values.update(name=self.name.text().strip(), description=self.description.toPlainText(),
                      category=self.category.text().strip(),
                      tags=tuple(t.strip() for t in self.tags.text().split(",") if t.strip()))

    def subject(self, location: str) -> str:
        base, index = split_index(location)
        labels = {"name": self.tr("Name"), "description": self.tr("Description"), "category": self.tr("Category"),
                  "icon": self.tr("The icon")}
        if base == "tags":
            return numbered(self.tr("Tag"), index) if index is not None else self.tr("Tags")
        return labels.get(base, base)

    @Slot()
    def choose_icon(self) -> None:
        patterns = " ".join(f"*{ext}" for ext in file_types("icon"))
        path, _filter = QFileDialog.getOpenFileName(self, self.tr("Choose an icon"), str(Path.home()),
                                                    self.tr("Images ({0})").format(patterns))
        if path:
            self.set_icon(Path(path))

    def set_icon(self, icon: Path | None) -> None:
        self.icon = icon
        self._show_icon()
        self.changed("icon")

    @Slot()
    def remove_icon(self) -> None:
        self.set_icon(None)

    def _show_icon(self) -> None:
        """A small preview: the chosen file, or the stored icon (a few KB; reading it is instant)."""
        source = None
        if isinstance(self.icon, Path):
            source = self.icon
        elif isinstance(self.icon, GPTFile):
            source = self.gpt_wizard.services.paths.blob(self.icon.sha256)
        pixmap = QPixmap(str(source)) if source is not None else QPixmap()
        if pixmap.isNull():
            self.icon_preview.setPixmap(QPixmap())
            self.icon_preview.setText(self.tr("None") if source is None else "?")
        else:
            self.icon_preview.setPixmap(pixmap.scaled(ICON_PIXELS, ICON_PIXELS, Qt.AspectRatioMode.KeepAspectRatio,
                                                      Qt.TransformationMode.SmoothTransformation))
        self.remove_icon_button.setEnabled(self.icon is not None)
