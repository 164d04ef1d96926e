"""The sources a reply was given, shown under it as citations that open the passage.

A reply of a GPT with knowledge files records the passages its prompt carried (numbered as the model
was asked to cite them). Each is a link; clicking it opens the passage with its file and place.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication, Qt, Signal, Slot
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QTextBrowser, QVBoxLayout, QWidget

from app.core.knowledge import Source


class SourcesRow(QLabel):
    """``Sources: [1] guide.pdf, page 3 · [2] faq.md, Returns`` with each citation a link.

    Signal: opened(object) with the :class:`Source` clicked (the row opens its dialog itself too).
    """

    opened = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("bubbleSources")
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse
                                     | Qt.TextInteractionFlag.LinksAccessibleByKeyboard)
        self.setAccessibleName(self.tr("Sources"))
        self.linkActivated.connect(self._open)
        self.sources: list[Source] = []
        self.dialog: SourceDialog | None = None
        self.setVisible(False)

    def set_sources(self, sources: Sequence[Source]) -> None:
        self.sources = list(sources)
        links = " · ".join(f'<a href="source:{s.number}">[{s.number}] {html.escape(_label(s))}</a>'
                           for s in self.sources)
        self.setText(self.tr("Sources: {0}").format(links) if links else "")
        self.setVisible(bool(self.sources))

    @Slot(str)
    def _open(self, link: str) -> None:
        number = int(link.removeprefix("source:")) if link.startswith("source:") else -1
        source = next((s for s in self.sources if s.number == number), None)
        if source is None:
            return
        self.opened.emit(source)
        if self.dialog is not None:
            self.dialog.close()
        self.dialog = SourceDialog(source, self.window())
        self.dialog.show()


class SourceDialog(QDialog):
    """One cited passage: its file, its page or heading, its place in the text, and the passage itself."""

    def __init__(self, source: Source, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.source = source
        self.setWindowTitle(self.tr("Source [{0}]").format(source.number))
        self.resize(560, 420)
        self.where = QLabel(self.tr("{0} · characters {1}–{2}").format(_label(source), source.start, source.end))
        self.where.setObjectName("pageNote")
        self.where.setWordWrap(True)
        self.text = QTextBrowser()
        self.text.setPlainText(source.text)
        self.text.setAccessibleName(self.tr("Passage"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.where)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)


def _label(source: Source) -> str:
    """``guide.pdf, page 3`` in the interface's language."""
    name = source.file.rsplit("/", 1)[-1]
    if source.page is not None:
        return QCoreApplication.translate("SourcesRow", "{0}, page {1}").format(name, source.page)
    return f"{name}, {source.heading}" if source.heading else name
