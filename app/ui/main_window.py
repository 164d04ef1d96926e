"""The main window: a sidebar of sections and the page for the chosen one.

The sections are the app's map (Chats, Store, Library, Models, Settings); each page reads the
catalog through the services and refreshes when told something changed.

Pages are built when first shown (``pages[key]``), so a start builds, and imports, only the page it
opens on: building all five took most of the time to the first paint (docs/benchmarks.md, "Cold
start"). A page not built yet has nothing to refresh; like every page, it is refreshed when shown.
The Chat page, where most clicks lead, is the exception: it is built, filled and polished while the
window is idle just after the first paint (``warm_chats``), so the first "Chat" click only shows it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QSettings, QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QApplication, QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QMainWindow, QPushButton, QStackedWidget,
    QVBoxLayout, QWidget,
)

from app.core.settings import Theme
from app.ui.api_control import ApiControl
from app.ui.icons import app_icon, section_icon
from app.ui.import_offer import ImportOffer
from app.ui.jobs import Jobs
from app.ui.theme import apply_theme

if TYPE_CHECKING:
    from app.services.container import Services

SECTIONS = ("chats", "store", "library", "models", "settings")
WARM_CHATS_MS = 300
"""How long after the first paint the Chat page is made ready (``MainWindow.warm_chats``)."""


class Pages(Mapping[str, QWidget]):
    """The window's pages by section key; ``pages[key]`` builds the page the first time it is asked for."""

    def __init__(self, window: MainWindow) -> None:
        self._window = window
        self._built: dict[str, QWidget] = {}

    def __getitem__(self, key: str) -> QWidget:
        page = self._built.get(key)
        if page is None:
            if key not in SECTIONS:
                raise KeyError(key)
            page = self._built[key] = self._window.build_page(key)
        return page

    def __iter__(self) -> Iterator[str]:
        return iter(SECTIONS)

    def __len__(self) -> int:
        return len(SECTIONS)

    def built(self, key: str) -> QWidget | None:
        """The page if it has been built, without building it."""
        return self._built.get(key)


class MainWindow(QMainWindow):
    """Signals: language_switch_requested(str) when the language changed and nothing is running, so the
    application can build the window again in the new language (see ``application.rebuild_window``);
    first_painted() once, just after the window's first paint (the application starts its background
    work then)."""

    language_switch_requested = Signal(str)
    first_painted = Signal()

    def __init__(self, services: Services, jobs: Jobs | None = None, api: ApiControl | None = None) -> None:
        super().__init__()
        self.services = services
        self.jobs = jobs or Jobs()
        self.api = api or ApiControl(services, self.jobs)
        """The local API server; outlives a window rebuilt for a language switch."""
        self.starter_job: object | None = None
        self._pending_language: str | None = None
        self.painted = False
        self.installEventFilter(self)  # until the first paint: see eventFilter
        self.first_painted.connect(lambda: QTimer.singleShot(WARM_CHATS_MS, self, self.warm_chats))
        self.setWindowTitle(self.tr("GPT Shelf"))
        self.setWindowIcon(app_icon())
        self.resize(1100, 720)

        self.sidebar = QListWidget()
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setFixedWidth(200)
        self.sidebar.setIconSize(QSize(20, 20))
        self.sidebar.setAccessibleName(self.tr("Sections"))
        self.stack = QStackedWidget()
        self.pages = Pages(self)
        titles = {"chats": self.tr("Chats"), "store": self.tr("Store"), "library": self.tr("My GPTs"),
                  "models": self.tr("Models"), "settings": self.tr("Settings")}
        for key in SECTIONS:
            item = QListWidgetItem(section_icon(key), titles[key])
            item.setData(Qt.ItemDataRole.UserRole, key)
            self.sidebar.addItem(item)
        self.sidebar.currentRowChanged.connect(self._on_sidebar_row_changed)

        brand = QLabel(self.tr("GPT Shelf"))
        brand.setObjectName("brand")
        side = QVBoxLayout()
        side.setContentsMargins(0, 0, 0, 0)
        side.addWidget(brand)
        side.addWidget(self.sidebar)
        side_widget = QWidget()
        side_widget.setObjectName("sidePanel")
        side_widget.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        side_widget.setLayout(side)
        side_widget.setFixedWidth(200)

        content = QVBoxLayout()
        content.setContentsMargins(0, 0, 0, 0)
        self.welcome = self._welcome_banner()
        content.addWidget(self.welcome)
        self.import_offer = ImportOffer(services, self.jobs)
        self.import_offer.linked.connect(lambda: self._refresh("models", "library"))
        content.addWidget(self.import_offer)
        content.addWidget(self.stack, 1)
        layout = QHBoxLayout()
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(side_widget)
        layout.addLayout(content, 1)
        central = QWidget()
        central.setLayout(layout)
        self.setCentralWidget(central)
        self.statusBar().showMessage(self.tr("Data folder: {0}").format(services.paths.home))
        self._state = QSettings(str(services.paths.home / "window.ini"), QSettings.Format.IniFormat)
        geometry = self._state.value("geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        last = str(self._state.value("section", "library"))
        self.show_section(last if last in SECTIONS else "library")

    def build_page(self, key: str) -> QWidget:
        """Make the page of a section, wire it to the window and put it in the stack (see ``pages``).

        Each page's module is imported here, when the page is first wanted, not with the window.
        """
        if key == "chats":
            from app.ui.chat import ChatPage  # noqa: PLC0415

            page: QWidget = ChatPage(self.services, self.jobs)
        elif key == "store":
            from app.ui.store import StorePage  # noqa: PLC0415

            page = StorePage(self.services, self.jobs)
            page.gpt_installed.connect(self._on_store_gpt_installed)
            page.chat_requested.connect(self.open_chat)
        elif key == "library":
            from app.ui.library_page import LibraryPage  # noqa: PLC0415

            page = LibraryPage(self.services, self.jobs)
            page.open_chat.connect(self.open_chat)
            page.changed.connect(lambda: self._refresh("chats", "models", "store"))
            page.settings_requested.connect(lambda: self.show_section("settings"))
        elif key == "models":
            from app.ui.models_page import ModelsPage  # noqa: PLC0415

            page = ModelsPage(self.services, self.jobs)
            page.changed.connect(lambda: self._refresh("library"))
        elif key == "settings":
            from app.ui.settings_page import SettingsPage  # noqa: PLC0415

            page = SettingsPage(self.services, self.jobs, self.api)
            page.theme_changed.connect(self._on_theme_changed)
            page.language_changed.connect(self._on_language_changed)
            page.sync_requested.connect(self._on_sync_requested)
            page.imports.models_changed.connect(lambda: self._refresh("models", "library"))
            page.imports.history_changed.connect(lambda: self._refresh("chats"))
        else:
            raise KeyError(key)
        self.stack.addWidget(page)
        return page

    def warm_chats(self) -> None:
        """Build the Chat page, read its GPTs and chats and polish its widgets now, while nothing happens.

        Its first show otherwise did all of that in one event: 60-120 ms of the GUI thread when a
        reply, a download and a sync were running (bench/gui_stall.py). Shown later, it refreshes as
        every page does, and finds nothing or little changed (the list updates only the rows that differ).
        """
        if not self.isVisible():
            return  # closed already (or never shown): nothing to get ready for
        page = self.pages["chats"]
        page.refresh()
        page.ensurePolished()  # the page and its children, as showing it would

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        """Notice the window's first paint, then stop watching; ``first_painted`` follows it."""
        if watched is self and event.type() == QEvent.Type.Paint and not self.painted:
            self.painted = True
            self.removeEventFilter(self)
            QTimer.singleShot(0, self, self.first_painted.emit)  # after this paint has finished
        return False

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        """Remember the window's size and the last section for the next start."""
        self._state.setValue("geometry", self.saveGeometry())
        self._state.setValue("section", self.sidebar.currentItem().data(Qt.ItemDataRole.UserRole))
        self._state.sync()
        self.jobs.cancel_all()
        super().closeEvent(event)

    def _welcome_banner(self) -> QWidget:
        """First start: say what the app is and that it works offline, once."""
        banner = QWidget()
        banner.setObjectName("welcome")
        banner.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        if self.services.settings().welcome_done:  # never shown again: nothing to put in it
            banner.setVisible(False)
            return banner
        if self.services.starter.available():
            words = self.tr(
                "Welcome to GPT Shelf. Everything runs on this computer: once a GPT is installed you can chat "
                "without the internet, and your conversations stay here. The starter GPT “Scratchpad” is ready "
                "in Chats; the Store has more, each marked with whether it fits this machine.")
        else:  # an installer without the bundled starter model: point at the Store instead
            words = self.tr(
                "Welcome to GPT Shelf. Everything runs on this computer: once a GPT is installed you can chat "
                "without the internet, and your conversations stay here. Start in the Store: each GPT is marked "
                "with whether it fits this machine, and one install is all it takes.")
        text = QLabel(words)
        text.setWordWrap(True)
        button = QPushButton(self.tr("Got it"))
        button.clicked.connect(self.dismiss_welcome)
        row = QHBoxLayout(banner)
        row.setContentsMargins(24, 12, 24, 12)
        row.addWidget(text, 1)
        row.addWidget(button)
        return banner

    def offer_imports(self) -> None:
        """Look for other apps' models and offer them, once (the application calls this after the first paint)."""
        self.import_offer.start()

    @Slot()
    def dismiss_welcome(self) -> None:
        self.services.catalog.save_settings(self.services.settings().updated(welcome_done=True))
        self.welcome.hide()

    def show_section(self, key: str) -> None:
        for row in range(self.sidebar.count()):
            if self.sidebar.item(row).data(Qt.ItemDataRole.UserRole) == key:
                self.sidebar.setCurrentRow(row)
                return
        raise KeyError(key)

    @Slot(int)
    def _on_sidebar_row_changed(self, row: int) -> None:
        page = self.pages[self.sidebar.item(row).data(Qt.ItemDataRole.UserRole)]
        self.stack.setCurrentWidget(page)
        page.refresh()

    @Slot(str)
    def open_chat(self, gpt_id: str) -> None:
        self.show_section("chats")
        self.pages["chats"].open_gpt(gpt_id)

    def _refresh(self, *keys: str) -> None:
        """Refresh these pages where they are built (one built later is refreshed when it is shown)."""
        for key in keys:
            page = self.pages.built(key)
            if page is not None:
                page.refresh()

    @Slot(str)
    def _on_theme_changed(self, value: str) -> None:
        apply_theme(QApplication.instance(), Theme(value))

    @property
    def busy(self) -> bool:
        """Whether a reply streams or a background job (install, sync, a probe) still runs."""
        chats = self.pages.built("chats")
        return (chats is not None and chats.busy) or self.jobs.active > 0

    @Slot(str)
    def _on_language_changed(self, value: str) -> None:
        self._pending_language = value
        if self.busy:
            self.statusBar().showMessage(
                self.tr("The new language applies as soon as the running tasks finish."), 8000)
        self._switch_language_when_idle()

    @Slot()
    def _switch_language_when_idle(self) -> None:
        """Rebuilding the window under a running job would cut it off from its progress, so wait."""
        if self._pending_language is None:
            return
        if self.busy:
            QTimer.singleShot(100, self, self._switch_language_when_idle)
            return
        language, self._pending_language = self._pending_language, None
        self.language_switch_requested.emit(language)

    def announce_language_switched(self) -> None:
        self.statusBar().showMessage(self.tr("The interface language was changed."), 8000)

    @Slot()
    def _on_sync_requested(self) -> None:
        self.show_section("store")
        self.pages["store"].sync()

    @Slot(str)
    def _on_store_gpt_installed(self, gpt_id: str) -> None:
        self._refresh("library", "chats", "models")
        self.statusBar().showMessage(self.tr("Installed {0}; open Chats to talk to it.").format(gpt_id), 8000)

    @Slot(bool)
    def on_starter_finished(self, added: bool) -> None:
        if added:
            self.statusBar().showMessage(self.tr("The starter GPT “Scratchpad” is ready to chat offline."), 8000)
            self._refresh(*SECTIONS)
