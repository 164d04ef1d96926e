"""The conversation list: a checked model, date headings, pinning, and headings that cannot be chosen."""

from __future__ import annotations

from datetime import date, timedelta, timezone
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QStyledItemDelegate

from app.core.entities import Conversation, GenerationParams, Role
from app.core.paths import AppPaths
from app.services.container import open_services
from app.ui.chat.conversation_list import ConversationList
from app.ui.chat.conversation_model import ConversationModel, IdRole
from app.ui.chat.date_groups import Group, group_of, grouped

TODAY = date(2026, 11, 29)


def chat(cid: int, day: date, *, pinned: bool = False, hour: int = 12) -> Conversation:
    stamp = f"{day.isoformat()}T{hour:02d}:00:00.000Z"
    return Conversation(id=cid, gpt_id="me/helper", title=f"Chat {cid}", created_at=stamp, updated_at=stamp,
                        pinned=pinned)


@pytest.mark.parametrize(("days", "group"), [
    (0, Group.TODAY), (-1, Group.TODAY), (1, Group.YESTERDAY), (2, Group.WEEK), (6, Group.WEEK),
    (7, Group.MONTH), (29, Group.MONTH), (30, Group.OLDER), (400, Group.OLDER),
])
def test_a_chat_falls_under_the_heading_of_its_age(days: int, group: Group) -> None:
    assert group_of(chat(1, TODAY - timedelta(days=days)), TODAY, timezone.utc) is group
    assert group_of(chat(1, TODAY - timedelta(days=days), pinned=True), TODAY, timezone.utc) is Group.PINNED


def test_days_are_local_days() -> None:
    late = chat(1, TODAY - timedelta(days=1), hour=23)  # 23:00 UTC yesterday is already today in UTC+8
    assert group_of(late, TODAY, timezone(timedelta(hours=8))) is Group.TODAY
    assert group_of(late, TODAY, timezone.utc) is Group.YESTERDAY


def test_grouping_keeps_the_order_and_leaves_out_empty_groups() -> None:
    rows = [chat(9, TODAY - timedelta(days=90), pinned=True), chat(1, TODAY), chat(2, TODAY),
            chat(3, TODAY - timedelta(days=40))]
    assert [(g, [c.id for c in cs]) for g, cs in grouped(rows, TODAY, timezone.utc)] == [
        (Group.PINNED, [9]), (Group.TODAY, [1, 2]), (Group.OLDER, [3])]


def test_the_model_passes_qtmodeltester_in_both_modes(qtmodeltester) -> None:
    model = ConversationModel()
    qtmodeltester.check(model)
    model.show_grouped([chat(1, TODAY, pinned=True), chat(2, TODAY), chat(3, TODAY - timedelta(days=3))], TODAY)
    qtmodeltester.check(model)
    assert [model.row_index(r).data() for r in range(model.rowCount())] == [
        "Pinned", "Chat 1", "Today", "Chat 2", "Previous 7 days", "Chat 3"]
    assert model.ids() == [1, 2, 3]
    assert model.flags(model.row_index(0)) == Qt.ItemFlag.NoItemFlags, "a heading is neither selectable nor enabled"
    assert model.flags(model.row_index(1)) & Qt.ItemFlag.ItemIsSelectable
    model.show_hits([(5, "", "…snippet…"), (4, "Found", "…")])
    qtmodeltester.check(model)
    assert [model.row_index(r).data() for r in range(model.rowCount())] == ["Untitled", "Found"]
    assert model.row_index(0).data(Qt.ItemDataRole.ToolTipRole) == "…snippet…"


@pytest.fixture
def services(gptshelf_home: Path):
    with open_services(AppPaths(gptshelf_home), install_starter=False) as opened:
        yield opened


@pytest.fixture
def listing(qtbot, services, tiny_model):
    model = services.models.import_gguf(tiny_model, name="Tiny")
    gpt = services.gpts.create("Helper", model.sha256, params=GenerationParams(max_tokens=8))
    ids = [services.catalog.create_conversation(gpt.id, title).id for title in ("First", "Second", "Third")]
    widget = ConversationList(services)
    qtbot.addWidget(widget)
    widget.show()
    widget.refresh()
    return widget, ids


def test_pin_moves_a_chat_under_pinned_and_unpin_puts_it_back(qtbot, services, listing) -> None:
    widget, (first, second, third) = listing
    assert widget.titles() == ["Today", "Third", "Second", "First"]
    with qtbot.waitSignal(widget.renamed) as changed:
        widget.pin(first)
    assert changed.args == [first]
    assert widget.titles() == ["Pinned", "First", "Today", "Third", "Second"]
    assert services.history.list()[0].pinned
    widget.pin(first, False)
    assert widget.titles() == ["Today", "Third", "Second", "First"]


def test_clicking_a_heading_opens_nothing_and_arrow_keys_skip_it(qtbot, listing) -> None:
    widget, (first, second, third) = listing
    widget.pin(first)
    opened: list[int] = []
    widget.opened.connect(opened.append)
    heading = widget.list.visualRect(widget.model.row_index(2))  # "Today"
    qtbot.mouseClick(widget.list.viewport(), Qt.MouseButton.LeftButton, pos=heading.center())
    assert opened == [] and widget.current_id() is None
    widget.select(first)
    widget.list.setFocus()
    qtbot.keyClick(widget.list, Qt.Key.Key_Down)
    assert widget.current_id() == third, "Down from the pinned chat jumps over the Today heading"
    qtbot.keyClick(widget.list, Qt.Key.Key_Return)
    assert opened == [third]
    row = widget.list.visualRect(widget.model.row_index(widget.model.row_of(second)))
    qtbot.mouseClick(widget.list.viewport(), Qt.MouseButton.LeftButton, pos=row.center())
    assert opened == [third, second]


def test_the_view_lays_out_and_paints_the_list_without_calling_python(listing) -> None:
    """Headings are styled by their items (bold, smaller, not enabled), not by a Python delegate, and the
    model is Qt's: under a reply, a download and a sync, every call from the view into Python waited for
    the interpreter (bench/gui_stall.py)."""
    widget, _chats = listing
    assert type(widget.list.itemDelegate()) is QStyledItemDelegate
    assert all(type(widget.model).__dict__.get(name) is None for name in ("data", "flags", "rowCount", "index"))
    heading, chat_row = widget.model.row_index(0), widget.model.row_index(1)
    assert heading.data(IdRole) is None and chat_row.data(IdRole) is not None, "a heading is the row without a chat"
    heading_font, chat_font = heading.data(Qt.ItemDataRole.FontRole), widget.list.font()
    assert heading_font.bold() and heading_font.pointSizeF() < chat_font.pointSizeF()
    assert chat_row.data(Qt.ItemDataRole.FontRole) is None, "chats keep the list's font"


def test_touch_moves_one_chat_without_resetting_the_model(qtmodeltester) -> None:
    """A reply that starts or ends moves its chat to the top of Today: rows move, the view is not reset."""
    model = ConversationModel()
    old = TODAY - timedelta(days=40)
    model.show_grouped([chat(9, old, pinned=True), chat(1, TODAY), chat(2, TODAY), chat(3, old)], TODAY, limit=4)
    resets: list[bool] = []
    model.modelReset.connect(lambda: resets.append(True))
    qtmodeltester.check(model)

    model.touch(chat(3, TODAY), TODAY)  # an old chat written to today
    assert [model.row_index(r).data() for r in range(model.rowCount())] == [
        "Pinned", "Chat 9", "Today", "Chat 3", "Chat 1", "Chat 2"]
    model.touch(chat(9, TODAY, pinned=True), TODAY)  # a pinned one keeps its place among the pinned
    assert model.ids() == [9, 3, 1, 2]
    model.touch(chat(5, TODAY), TODAY)  # a new chat: first after the pinned, the oldest falls off the limit
    assert model.ids() == [9, 5, 3, 1]
    model.touch(chat(1, TODAY), TODAY)
    assert model.ids() == [9, 1, 5, 3]
    assert resets == []
    qtmodeltester.check(model)

    model.show_hits([(3, "Chat 3", "…")])
    model.touch(chat(1, TODAY), TODAY)  # a search's hits stay as the search found them
    assert model.ids() == [3] and not model.grouped


def test_the_list_follows_a_written_chat_by_reading_only_that_chat(qtbot, services, listing, monkeypatch) -> None:
    widget, (first, second, third) = listing
    widget.select(second)
    services.catalog.add_message(first, Role.USER, "back to the first one")
    read: list[int] = []
    monkeypatch.setattr(services.history, "list", lambda **kwargs: read.append(1) or [])  # not read again
    widget.touch(first)
    assert widget.titles() == ["Today", "First", "Third", "Second"] and read == []
    assert widget.current_id() == second, "the chat the person had selected stays selected"
