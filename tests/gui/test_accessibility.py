"""Every page can be used with the keyboard and a screen reader, and the icons stay sharp on HiDPI.

A screen reader announces a control by the name Qt's accessibility layer computes for it (a button's
text, a field's buddy label, or an explicit accessible name); a control without one is read as just
"edit" or "list". So the test walks the real main window through every page and lists every control
that Tab can reach but that has no name, all at once, so one run shows the whole job.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSize, Qt, QThreadPool
from PySide6.QtGui import QAccessible, QColor, QIcon, QImage
from PySide6.QtWidgets import QApplication, QComboBox, QLabel, QWidget

from app.core.entities import GenerationParams, Role
from app.core.paths import AppPaths
from app.core.settings import Theme
from app.services.container import open_services
from app.ui.icons import app_icon
from app.ui.jobs import Jobs
from app.ui.main_window import MainWindow
from app.ui.theme import apply_theme


@pytest.fixture
def services(gptshelf_home: Path):
    with open_services(AppPaths(gptshelf_home), install_starter=False) as opened:
        yield opened


@pytest.fixture
def conversation_id(services, tiny_model) -> int:
    """A GPT, its model and a stored two-message conversation, so every page has content to show."""
    model = services.models.import_gguf(tiny_model, name="Tiny")
    gpt = services.gpts.create("Helper", model.sha256, description="Answers briefly", starters=["Say hi"],
                               params=GenerationParams(temperature=0.0, max_tokens=40, context_length=2048))
    conversation = services.catalog.create_conversation(gpt.id, "Greetings")
    services.catalog.add_message(conversation.id, Role.USER, "Hello")
    services.catalog.add_message(conversation.id, Role.ASSISTANT, "Hi! How can I help?")
    return conversation.id


@pytest.fixture
def window(qtbot, services, conversation_id):
    jobs = Jobs(QThreadPool())  # its own pool: teardown waits for this test's jobs only
    main = MainWindow(services, jobs)
    qtbot.addWidget(main)
    main.resize(1100, 720)
    main.show()
    qtbot.waitExposed(main)
    yield main
    jobs.cancel_all()
    assert jobs.wait(30_000)


def accessible_name(widget: QWidget) -> str:
    interface = QAccessible.queryAccessibleInterface(widget)
    return interface.text(QAccessible.Text.Name).strip() if interface is not None else ""


def describe(widget: QWidget | None) -> str:
    """Enough to find the widget in the code: its class, objectName, parent's class and what it shows."""
    if widget is None:
        return "nothing"
    parent = widget.parentWidget()
    owner = next((w.objectName() for w in _ancestors(widget) if w.objectName()), None)
    return (f"{type(widget).__name__}(objectName={widget.objectName()!r}, "
            f"parent={type(parent).__name__ if parent else None}, nearest named ancestor={owner!r}, "
            f"text={_text_of(widget)!r})")


def _ancestors(widget: QWidget):
    parent = widget.parentWidget()
    while parent is not None:
        yield parent
        parent = parent.parentWidget()


def _text_of(widget: QWidget) -> str:
    for getter in ("text", "placeholderText", "currentText", "toolTip"):
        value = getattr(widget, getter, None)
        if callable(value):
            try:
                text = value()
            except TypeError:
                continue
            if text:
                return str(text)[:40]
    return ""


def tab_reachable(widget: QWidget) -> bool:
    """Visible and Tab can land on it itself (a widget whose focus goes to a proxy is the proxy's part)."""
    return (widget.isVisible() and widget.focusProxy() is None
            and bool(widget.focusPolicy() & Qt.FocusPolicy.TabFocus))


def has_name(widget: QWidget) -> bool:
    """Qt's computed name, except for combo boxes: on Linux Qt reports a combo's current item as its
    name, which names the value ("Relevance"), not the control ("Sort by"), and is empty while it has
    no items; so a combo needs its own accessible name or a label that is its buddy."""
    if isinstance(widget, QComboBox):
        return bool(widget.accessibleName().strip()) or any(
            label.buddy() is widget and label.text().strip() for label in widget.window().findChildren(QLabel))
    return bool(accessible_name(widget))


def unnamed(root: QWidget) -> list[str]:
    return [describe(w) for w in root.findChildren(QWidget) if tab_reachable(w) and not has_name(w)]


def visit_every_page(qtbot, window: MainWindow, conversation_id: int) -> dict[str, list[str]]:
    """Show each page (and each view inside a page) in turn; collect the unnamed controls of each."""
    found: dict[str, list[str]] = {}

    def check(where: str) -> None:
        QApplication.processEvents()
        offenders = unnamed(window)
        if offenders:
            found[where] = offenders

    window.show_section("chats")
    chats = window.pages["chats"]
    check("Chats, new chat")
    chats.open_conversation(conversation_id)
    qtbot.waitUntil(lambda: len(chats.messages.bubbles) == 2)
    check("Chats, a conversation")

    window.show_section("store")
    store = window.pages["store"]
    store.tabs.setCurrentIndex(0)
    check("Store, GPTs")
    store.open_listing(store.model.listing(0).id)
    check("Store, detail")
    store.show_list()
    store.tabs.setCurrentWidget(store.hf_tab)
    check("Store, Hugging Face")
    store.tabs.setCurrentIndex(0)

    for key, where in (("library", "My GPTs"), ("models", "Models"), ("settings", "Settings")):
        window.show_section(key)
        check(where)
    return found


def test_every_control_tab_reaches_has_an_accessible_name(qtbot, window, conversation_id):
    found = visit_every_page(qtbot, window, conversation_id)
    report = "\n".join(f"{where}:\n  " + "\n  ".join(offenders) for where, offenders in found.items())
    assert not found, f"controls without an accessible name:\n{report}"


def test_the_sidebar_and_its_sections_are_named(window):
    assert accessible_name(window.sidebar)
    names = [window.sidebar.item(row).text() for row in range(window.sidebar.count())]
    assert all(names)


def test_sidebar_icons_exist_and_render_sharp_at_twice_the_pixels(window):
    for row in range(window.sidebar.count()):
        icon: QIcon = window.sidebar.item(row).icon()
        assert not icon.isNull(), window.sidebar.item(row).text()
        pixmap = icon.pixmap(QSize(24, 24), 2.0)
        assert (pixmap.width(), pixmap.height(), pixmap.devicePixelRatio()) == (48, 48, 2.0)
        assert not pixmap.toImage().isNull() and _has_ink(pixmap.toImage())
    icon = app_icon()
    assert not icon.isNull() and icon.pixmap(QSize(32, 32), 2.0).width() == 64
    assert not window.windowIcon().isNull()


def _ink(image: QImage) -> list[QColor]:
    return [image.pixelColor(x, y) for x in range(image.width()) for y in range(image.height())
            if image.pixelColor(x, y).alpha() > 200]


def _has_ink(image: QImage) -> bool:
    """Some pixel is drawn: the SVG was rendered, not just an empty pixmap returned."""
    return bool(_ink(image))


def test_icons_take_the_themes_text_colour(window):
    """Dark strokes on the light theme, light strokes on the dark one, white on a selected row."""
    app = QApplication.instance()
    palette, sheet = app.palette(), app.styleSheet()
    icon = window.sidebar.item(0).icon()

    def lightness(mode: QIcon.Mode = QIcon.Mode.Normal) -> int:
        ink = _ink(icon.pixmap(QSize(24, 24), 2.0, mode).toImage())
        return max(c.lightness() for c in ink)

    try:
        apply_theme(app, Theme.LIGHT)
        on_light = lightness()
        apply_theme(app, Theme.DARK)
        on_dark = lightness()
        assert on_light < 100 < 180 < on_dark
        assert lightness(QIcon.Mode.Selected) > 240
    finally:
        app.setPalette(palette)
        app.setStyleSheet(sheet)


@pytest.mark.parametrize("section", ["chats", "store", "library", "models", "settings"])
def test_tab_goes_from_the_sidebar_through_the_page_and_back_without_a_trap(qtbot, window, conversation_id,
                                                                            section):
    """Tab from the sidebar lands in the page, and pressing on comes back round to the sidebar: no
    control keeps Tab for itself (a table's cell-to-cell Tab or a text box's tab character would)."""
    window.dismiss_welcome()
    window.show_section(section)
    if section == "chats":
        window.pages["chats"].open_conversation(conversation_id)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.sidebar.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(window.sidebar.hasFocus)

    page = window.stack.currentWidget()
    visited: list[QWidget] = []
    for _press in range(60):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        visited.append(QApplication.focusWidget())
        if visited[-1] is window.sidebar:
            break
    assert visited[0] is not None and page.isAncestorOf(visited[0]), \
        f"Tab from the sidebar goes to {describe(visited[0])}, not into the page"
    assert visited[-1] is window.sidebar, \
        "Tab never comes back to the sidebar; it stays in " + ", ".join(describe(w) for w in visited[-3:])
    assert all(w.isVisible() and has_name(w) for w in visited)


def test_arrow_keys_in_the_sidebar_choose_a_section(qtbot, window):
    window.show_section("library")
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.sidebar.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClick(window.sidebar, Qt.Key.Key_Down)
    assert window.stack.currentWidget() is window.pages["models"]
    qtbot.keyClick(window.sidebar, Qt.Key.Key_Up)
    qtbot.keyClick(window.sidebar, Qt.Key.Key_Up)
    assert window.stack.currentWidget() is window.pages["store"]
