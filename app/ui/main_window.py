"""The main window: a sidebar of sections and the page for the chosen one.

The sections are the app's map (Chats, Store, Library, Models, Settings); each page reads the
catalog through the services and refreshes when told something changed.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings, QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QApplication, QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QMainWindow, QPushButton, QStackedWidget,
    QVBoxLayout, QWidget,
)

from app.core.settings import Theme
from app.services.container import Services
from app.ui.chat import ChatPage
from app.ui.icons import app_icon, section_icon
from app.ui.jobs import Jobs
from app.ui.library_page import LibraryPage
from app.ui.models_page import ModelsPage
from app.ui.settings_page import SettingsPage
from app.ui.store import StorePage
from app.ui.theme import apply_theme


class MainWindow(QMainWindow):
    """Signal: language_switch_requested(str) when the language changed and nothing is running, so the
    application can build the window again in the new language (see ``application.rebuild_window``)."""

    language_switch_requested = Signal(str)

    def __init__(self, services: Services, jobs: Jobs | None = None) -> None:
        super().__init__()
        self.services = services
        self.jobs = jobs or Jobs()
        self.starter_job: object | None = None
        self._pending_language: str | None = None
        self.setWindowTitle(self.tr("GPT Shelf"))
        self.setWindowIcon(app_icon())
        self.resize(1100, 720)

        self.sidebar = QListWidget()
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setFixedWidth(200)
        self.sidebar.setIconSize(QSize(20, 20))
        self.sidebar.setAccessibleName(self.tr("Sections"))
        self.stack = QStackedWidget()
        self.pages: dict[str, QWidget] = {}
        for key, title, page in (
            ("chats", self.tr("Chats"), ChatPage(services, self.jobs)),
            ("store", self.tr("Store"), StorePage(services, self.jobs)),
            ("library", self.tr("My GPTs"), LibraryPage(services, self.jobs)),
            ("models", self.tr("Models"), ModelsPage(services, self.jobs)),
            ("settings", self.tr("Settings"), SettingsPage(services, self.jobs)),
        ):
            item = QListWidgetItem(section_icon(key), title)
            item.setData(Qt.ItemDataRole.UserRole, key)
            self.sidebar.addItem(item)
            self.stack.addWidget(page)
            self.pages[key] = page
        self.sidebar.currentRowChanged.connect(self._on_sidebar_row_changed)
        self.pages["store"].gpt_installed.connect(self._on_store_gpt_installed)
        self.pages["store"].chat_requested.connect(self.open_chat)
        self.pages["library"].open_chat.connect(self.open_chat)
        self.pages["library"].changed.connect(lambda: self._refresh("chats", "models", "store"))
        self.pages["library"].settings_requested.connect(lambda: self.show_section("settings"))
        self.pages["models"].changed.connect(lambda: self._refresh("library"))
        self.pages["settings"].theme_changed.connect(self._on_theme_changed)
        self.pages["settings"].language_changed.connect(self._on_language_changed)
        self.pages["settings"].sync_requested.connect(self._on_sync_requested)

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
        self.show_section(last if last in self.pages else "library")

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
        banner.setVisible(not self.services.settings().welcome_done)
        return banner

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
        self.stack.setCurrentIndex(row)
        self.stack.currentWidget().refresh()

    @Slot(str)
    def open_chat(self, gpt_id: str) -> None:
        self.show_section("chats")
        self.pages["chats"].open_gpt(gpt_id)

    def _refresh(self, *keys: str) -> None:
        for key in keys:
            self.pages[key].refresh()

    @Slot(str)
    def _on_theme_changed(self, value: str) -> None:
        apply_theme(QApplication.instance(), Theme(value))

    @property
    def busy(self) -> bool:
        """Whether a reply streams or a background job (install, sync, a probe) still runs."""
        return self.pages["chats"].busy or self.jobs.active > 0

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
        self._refresh(*self.pages)
