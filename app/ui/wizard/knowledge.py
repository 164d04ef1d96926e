"""Step 4, Knowledge: documents the GPT answers from (added and removed here, saved with it).

The files are copied into the store and travel with the GPT when it is exported or published. Here
they are also indexed as soon as they are added (in a background job, with progress, cancellable),
each row shows its chunk count or why it was skipped, and a question can be tried to see which
passages a reply would be given. The index is by content, so the files indexed here are already
indexed when the GPT is saved.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QFileDialog, QHBoxLayout, QLabel, QLineEdit, QListWidget, QListWidgetItem, QProgressBar, QPushButton,
    QTextBrowser, QVBoxLayout,
)

from app.core.entities import GPTFile
from app.core.knowledge import DocumentInput, DocumentState, DocumentStatus, IndexProgress, IndexReport, Source
from app.core.memory import human
from app.services.gpts import file_types
from app.ui.jobs import Job
from app.ui.wizard.common import DraftPage, split_index

if TYPE_CHECKING:
    from app.ui.wizard.wizard import GPTWizard


class KnowledgePage(DraftPage):
    def __init__(self, wizard: GPTWizard) -> None:
        super().__init__(wizard)
        self.setTitle(self.tr("Knowledge"))
        self.setSubTitle(self.tr("Documents your GPT answers from, citing them (optional)."))
        self.items: list[Path | GPTFile] = list(wizard.original.knowledge) if wizard.original else []
        self.states: dict[str, DocumentState] = {}
        """What the index holds for each file, by the file's name in the GPT."""
        self.documents: list[DocumentInput] = []
        self.job: Job | None = None
        self.search_job: Job | None = None
        self.results: list[Source] = []
        note = QLabel(self.tr("The files are saved with the GPT and go with it when you export or publish it. "
                              "Each answer is given the passages that match the question and cites them. "
                              "File types: {0}.").format(" ".join(file_types("knowledge"))))
        note.setObjectName("pageNote")
        note.setWordWrap(True)
        self.list = QListWidget()
        self.list.setAccessibleName(self.tr("Knowledge files"))
        self.list.itemSelectionChanged.connect(self._update_buttons)
        self.add_button = QPushButton(self.tr("Add files…"))
        self.add_button.clicked.connect(self.choose_files)
        self.folder_button = QPushButton(self.tr("Add folder…"))
        self.folder_button.clicked.connect(self.choose_folder)
        self.remove_button = QPushButton(self.tr("Remove"))
        self.remove_button.clicked.connect(self.remove_selected)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.folder_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.progress = QProgressBar()
        self.progress.setAccessibleName(self.tr("Indexing progress"))
        self.progress.setVisible(False)
        self.cancel_button = QPushButton(self.tr("Stop indexing"))
        self.cancel_button.clicked.connect(self.cancel_indexing)
        self.cancel_button.setVisible(False)
        self.index_status = QLabel()
        self.index_status.setObjectName("pageNote")
        self.index_status.setWordWrap(True)
        indexing = QHBoxLayout()
        indexing.addWidget(self.progress, 1)
        indexing.addWidget(self.cancel_button)
        self.question = QLineEdit()
        self.question.setPlaceholderText(self.tr("Try a question to see which passages an answer would get"))
        self.question.setAccessibleName(self.tr("Test question"))
        self.question.returnPressed.connect(self.try_question)
        self.search_button = QPushButton(self.tr("Search"))
        self.search_button.clicked.connect(self.try_question)
        trial = QHBoxLayout()
        trial.addWidget(self.question, 1)
        trial.addWidget(self.search_button)
        self.found = QTextBrowser()
        self.found.setAccessibleName(self.tr("Passages found"))
        self.found.setMaximumHeight(160)
        self.found.setVisible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.field("knowledge"))
        layout.addLayout(buttons)
        layout.addLayout(indexing)
        layout.addWidget(self.index_status)
        layout.addLayout(trial)
        layout.addWidget(self.found)
        layout.addWidget(self.page_error)
        self._show()

    def initializePage(self) -> None:  # noqa: N802 - Qt override
        """Shown: bring the index of the files up to date (saved ones are usually indexed already)."""
        self.start_indexing()

    # --- files ------------------------------------------------------------------------------------
    @Slot()
    def choose_files(self) -> None:
        patterns = " ".join(f"*{ext}" for ext in file_types("knowledge"))
        paths, _filter = QFileDialog.getOpenFileNames(self, self.tr("Add knowledge files"), str(Path.home()),
                                                      self.tr("Documents ({0});;All files (*)").format(patterns))
        self.add_files([Path(p) for p in paths])

    @Slot()
    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Add a folder of documents"), str(Path.home()))
        if folder:
            from app.services.knowledge import expand  # noqa: PLC0415 - the knowledge package, when first used

            self.add_files(expand([Path(folder)]))

    def add_files(self, paths: list[Path]) -> None:
        if paths:
            self.items.extend(paths)
            self._show()
            self.changed("knowledge")
            self.start_indexing()

    @Slot()
    def remove_selected(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self.items):
            del self.items[row]
            self._show()
            self.changed("knowledge")

    # --- indexing ---------------------------------------------------------------------------------
    def start_indexing(self) -> None:
        """Index the files in the background (a running run is stopped first: the list changed)."""
        if not self.items:
            return
        self.cancel_indexing()
        items = list(self.items)
        knowledge = self.gpt_wizard.services.knowledge
        job = Job(lambda report, cancel: knowledge.index_items(items, progress=report, cancel=cancel),
                  name="knowledge index")
        job.signals.progress.connect(self._on_progress)
        job.signals.finished.connect(self._on_indexed)
        job.signals.failed.connect(self._on_index_failed)
        job.signals.done.connect(lambda: self._on_job_done(job))
        self.job = job
        self.progress.setRange(0, 0)
        self.progress.setVisible(True)
        self.cancel_button.setVisible(True)
        self.index_status.setText(self.tr("Indexing…"))
        self.gpt_wizard.jobs.start(job)

    @Slot()
    def cancel_indexing(self) -> None:
        if self.job is not None:
            self.job.cancel()

    @property
    def indexing(self) -> bool:
        return self.job is not None

    @Slot(object)
    def _on_progress(self, update: IndexProgress) -> None:
        self.progress.setRange(0, update.total)
        self.progress.setValue(update.done)
        if update.state is not None:
            self.states[update.name] = update.state
        self.index_status.setText(self.tr("Indexing {0} of {1}: {2}").format(update.done, update.total,
                                                                             _short(update.name)))
        self._show()

    @Slot(object)
    def _on_indexed(self, result: tuple[list[DocumentInput], IndexReport]) -> None:
        documents, report = result
        self.documents = documents
        chunks = sum(s.chunk_count for name, s in self.states.items() if s.status is DocumentStatus.INDEXED
                     and any(d.name == name for d in documents))
        if report.cancelled:
            text = self.tr("Indexing stopped; the files done so far are kept and the rest is indexed next time.")
        else:
            text = self.tr("{0} files indexed · {1} passages").format(len(documents) - len(report.failed), chunks)
            if report.failed:
                text += " · " + self.tr("{0} skipped").format(len(report.failed))
        self.index_status.setText(text)
        self._show()

    @Slot(str)
    def _on_index_failed(self, sentence: str) -> None:
        self.index_status.setText(self.tr("Indexing failed: {0}").format(sentence))

    def _on_job_done(self, job: Job) -> None:
        if self.job is job:
            self.job = None
            self.progress.setVisible(False)
            self.cancel_button.setVisible(False)

    # --- trying a question ------------------------------------------------------------------------
    @Slot()
    def try_question(self) -> None:
        question = self.question.text().strip()
        names = {self._key(item) for item in self.items}  # a file removed since it was indexed is not searched
        documents = {d.sha256: d.name for d in self.documents if d.name in names}
        if not question or not documents:
            self.found.setPlainText(self.tr("Add files and wait for them to be indexed first.") if question else "")
            self.found.setVisible(bool(question))
            return
        knowledge = self.gpt_wizard.services.knowledge
        job = Job(lambda _report, _cancel: knowledge.query_documents(documents, question, limit=3), name="knowledge query")
        job.signals.finished.connect(self._show_results)
        job.signals.failed.connect(lambda sentence: self.found.setPlainText(sentence))
        self.search_job = job
        self.search_button.setEnabled(False)
        job.signals.done.connect(lambda: self.search_button.setEnabled(True))
        self.gpt_wizard.jobs.start(job)

    @Slot(object)
    def _show_results(self, sources: list[Source]) -> None:
        self.results = sources
        if not sources:
            self.found.setPlainText(self.tr("No passage matches this question."))
        else:
            self.found.setPlainText("\n\n".join(f"[{s.number}] {_short(s.label)}\n{' '.join(s.text.split())[:400]}"
                                                for s in sources))
        self.found.setVisible(True)

    # --- showing ----------------------------------------------------------------------------------
    def subject(self, location: str) -> str:
        _base, index = split_index(location)
        if index is not None and index < len(self.items):
            return self._name(self.items[index])
        return self.tr("Knowledge files")

    def _name(self, item: Path | GPTFile) -> str:
        return item.name if isinstance(item, Path) else item.path.rsplit("/", 1)[-1]

    def _key(self, item: Path | GPTFile) -> str:
        """The file's name in the GPT (``knowledge/guide.md``), as the index reports it."""
        return item.path if isinstance(item, GPTFile) else f"knowledge/{item.name}"

    def _show(self) -> None:
        row = self.list.currentRow()
        self.list.clear()
        for item in self.items:
            if isinstance(item, GPTFile):
                text = self.tr("{0} · {1} · saved").format(self._name(item), human(item.size))
            else:
                size = item.stat().st_size if item.is_file() else 0
                text = self.tr("{0} · {1} · new").format(self._name(item), human(size))
            state = self.states.get(self._key(item))
            if state is not None and state.status is DocumentStatus.INDEXED:
                text += " · " + self.tr("{0} passages").format(state.chunk_count)
            elif state is not None:
                text += " · " + self.tr("skipped: {0}").format(state.error)
            self.list.addItem(QListWidgetItem(text))
        if 0 <= row < self.list.count():
            self.list.setCurrentRow(row)
        self._update_buttons()

    @Slot()
    def _update_buttons(self) -> None:
        self.remove_button.setEnabled(self.list.currentRow() >= 0)


def _short(name: str) -> str:
    return name.removeprefix("knowledge/")
