"""Likes and reviews on the store's detail view, driven as a person would, against the fake hub."""

from __future__ import annotations

import pytest
from huggingface_hub import HfApi
from PySide6.QtCore import QThreadPool, Qt
from PySide6.QtWidgets import QAbstractButton, QApplication

from app.services.secrets import HF_TOKEN
from app.ui.jobs import Jobs
from app.ui.store import StorePage
from app.ui.store.reviews import ReviewsPanel
from tests.support.fake_hub import ALICE_TOKEN, BOB_TOKEN
from tests.support.store_data import listing_line, publish_index

GPT = "org/gpt-0"
OFFLINE = "http://127.0.0.1:9"
WAIT_MS = 20_000


@pytest.fixture
def services(hub_services, fake_hub):
    publish_index(fake_hub, {"shards/0000.jsonl.gz": [listing_line(0)]})
    fake_hub.add_repo(GPT, {"README.md": b"---\ntags: [gptshelf]\n---\n# Helper 0\n"}, likes=3)
    hub_services.store.sync()
    return hub_services


@pytest.fixture
def page(qtbot, services):
    jobs = Jobs(QThreadPool())  # its own pool: teardown waits for this test's jobs only
    store_page = StorePage(services, jobs)
    qtbot.addWidget(store_page)
    store_page.resize(1000, 800)
    store_page.show()
    yield store_page
    jobs.cancel_all()
    assert jobs.wait(30_000)


def open_detail(qtbot, page: StorePage, listing_id: str = GPT) -> ReviewsPanel:
    """Open a listing and wait until the hub has answered about its likes and its reviews."""
    panel = page.detail.reviews_panel
    with qtbot.waitSignals([panel.like_answered, panel.hub_reviews_answered], timeout=WAIT_MS):
        page.open_listing(listing_id)
    return panel


def click(qtbot, panel: ReviewsPanel, button: QAbstractButton, signal) -> None:
    with qtbot.waitSignal(signal, timeout=WAIT_MS):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def hub_texts(panel: ReviewsPanel) -> list[str]:
    return [panel.hub_list.item(i).text() for i in range(panel.hub_list.count())]


def post_review(hub_url: str, token: str, stars: int, text: str) -> None:
    """A review somebody else posted, the way the app posts one."""
    HfApi(endpoint=hub_url, token=token).create_discussion(
        GPT, title="Review: " + "★" * stars + "☆" * (5 - stars), description=text)


def test_like_toggles_and_shows_on_the_hub(qtbot, page, services, fake_hub):
    services.secrets.set(HF_TOKEN, ALICE_TOKEN)
    panel = open_detail(qtbot, page)
    button = panel.like_button
    assert not button.isChecked() and "3" in button.text() and "Liked" not in button.text()
    click(qtbot, panel, button, panel.like_answered)
    assert button.isChecked() and button.isEnabled()
    assert "Liked" in button.text() and "4" in button.text()
    assert "alice" in fake_hub.repo(GPT).likers and fake_hub.repo(GPT).likes == 4
    assert not panel.like_status.isVisible()

    panel = open_detail(qtbot, page)  # opened again: the hub says alice likes it
    assert panel.like_button.isChecked() and "4" in panel.like_button.text()
    click(qtbot, panel, panel.like_button, panel.like_answered)
    assert not panel.like_button.isChecked() and "3" in panel.like_button.text()
    assert fake_hub.repo(GPT).likers == {}


@pytest.mark.parametrize("token", [None, "hf_not_a_real_token"], ids=["no token", "refused token"])
def test_liking_without_a_usable_token_asks_to_log_in_and_changes_nothing(qtbot, page, services, fake_hub, token):
    if token:
        services.secrets.set(HF_TOKEN, token)
    panel = open_detail(qtbot, page)
    before = panel.like_button.text()  # the hub's count, or the synced one when the hub refused the token
    click(qtbot, panel, panel.like_button, panel.like_answered)
    assert panel.like_status.isVisible()
    assert panel.like_status.text() == "Log in to the hub in Settings to like GPTs."
    assert not panel.like_button.isChecked() and panel.like_button.isEnabled()
    assert panel.like_button.text() == before
    assert fake_hub.repo(GPT).likes == 3


def test_liking_offline_says_so_inline_and_keeps_the_state(qtbot, page, services, fake_hub):
    services.secrets.set(HF_TOKEN, ALICE_TOKEN)
    panel = open_detail(qtbot, page)
    services.catalog.save_settings(services.settings().updated(hub_endpoint=OFFLINE))
    click(qtbot, panel, panel.like_button, panel.like_answered)
    assert panel.like_status.isVisible() and "cannot be reached" in panel.like_status.text()
    assert not panel.like_button.isChecked() and "3" in panel.like_button.text()
    assert fake_hub.repo(GPT).likes == 3


def test_the_hubs_reviews_appear_below_yours_with_author_stars_text_and_date(qtbot, page, fake_hub):
    post_review(fake_hub.url, BOB_TOKEN, 3, "Decent, a bit slow")
    HfApi(endpoint=fake_hub.url, token=BOB_TOKEN).create_discussion(GPT, title="Does it speak French?")
    post_review(fake_hub.url, ALICE_TOKEN, 5, "Great helper")
    panel = page.detail.reviews_panel
    with qtbot.waitSignal(panel.hub_reviews_answered, timeout=WAIT_MS):
        page.open_listing(GPT)
        assert panel.hub_status.isVisible() and "Loading reviews" in panel.hub_status.text()
    texts = hub_texts(panel)
    assert len(texts) == 2, "the question is not a review"
    assert texts[0].startswith("★★★★★  Great helper\n— alice, ")
    assert texts[1].startswith("★★★☆☆  Decent, a bit slow\n— bob, ")
    assert any(ch.isdigit() for ch in texts[0].split(", ", 1)[1]), "a date follows the author"
    assert panel.hub_list.isVisible() and not panel.hub_status.isVisible() and not panel.hub_error.isVisible()
    assert panel.local_list.item(0).text() == "No reviews yet. Be the first."
    layout_order = [panel.local_list, panel.hub_list]
    assert layout_order[0].geometry().top() < layout_order[1].geometry().top(), "the hub's reviews come below"


def test_no_reviews_on_the_hub_shows_the_empty_state(qtbot, page):
    panel = open_detail(qtbot, page)
    assert panel.hub_status.isVisible() and panel.hub_status.text() == "No reviews on the hub yet."
    assert not panel.hub_list.isVisible() and not panel.hub_retry_button.isVisible()


def test_offline_shows_an_inline_error_and_retry_works_once_the_hub_is_back(qtbot, page, services, fake_hub):
    post_review(fake_hub.url, BOB_TOKEN, 4, "Handy")
    services.catalog.save_settings(services.settings().updated(hub_endpoint=OFFLINE))
    panel = open_detail(qtbot, page)
    assert panel.hub_error.isVisible() and "offline" in panel.hub_error.text()
    assert panel.hub_retry_button.isVisible() and not panel.hub_list.isVisible()
    assert panel.like_button.text() == "♡ Like · 0", "the count from the last sync stays"

    services.catalog.save_settings(services.settings().updated(hub_endpoint=fake_hub.url))
    click(qtbot, panel, panel.hub_retry_button, panel.hub_reviews_answered)
    assert not panel.hub_error.isVisible() and not panel.hub_retry_button.isVisible()
    assert hub_texts(panel)[0].startswith("★★★★☆  Handy\n— bob")


def test_a_review_published_to_the_hub_is_kept_here_and_reaches_the_hub(qtbot, page, services, fake_hub):
    services.secrets.set(HF_TOKEN, ALICE_TOKEN)
    panel = open_detail(qtbot, page)
    panel.review_stars.setValue(4)
    qtbot.keyClicks(panel.review_text, "Clear and quick")
    panel.publish_box.setChecked(True)
    with qtbot.waitSignals([panel.publish_answered, panel.hub_reviews_answered], timeout=WAIT_MS):
        qtbot.mouseClick(panel.review_button, Qt.MouseButton.LeftButton)
        assert panel.local_list.item(0).text() == "★★★★☆  Clear and quick", "kept here at once"
        assert not panel.review_button.isEnabled()
    assert "published to the hub" in panel.review_status.text() and panel.review_button.isEnabled()
    discussion = fake_hub.repo(GPT).discussions[-1]
    assert (discussion.title, discussion.author) == ("Review: ★★★★☆", "alice")
    assert discussion.events[0]["data"]["latest"]["raw"] == "Clear and quick"
    assert hub_texts(panel)[0].startswith("★★★★☆  Clear and quick\n— alice")


def test_publishing_without_a_token_keeps_the_local_review_and_publish_again_works(qtbot, page, services,
                                                                                    fake_hub):
    panel = open_detail(qtbot, page)
    qtbot.keyClicks(panel.review_text, "Nice")
    panel.publish_box.setChecked(True)
    click(qtbot, panel, panel.review_button, panel.publish_answered)
    assert panel.local_list.item(0).text() == "★★★★★  Nice"
    assert panel.publish_error.isVisible() and "log in to the hub in Settings" in panel.publish_error.text()
    assert fake_hub.repo(GPT).discussions == []

    services.secrets.set(HF_TOKEN, ALICE_TOKEN)
    with qtbot.waitSignals([panel.publish_answered, panel.hub_reviews_answered], timeout=WAIT_MS):
        qtbot.mouseClick(panel.publish_retry_button, Qt.MouseButton.LeftButton)
    assert not panel.publish_error.isVisible()
    assert [d.title for d in fake_hub.repo(GPT).discussions] == ["Review: ★★★★★"]
    assert panel.local_list.count() == 1, "publishing again does not save a second local copy"


def test_an_answer_about_a_listing_no_longer_shown_is_dropped(qtbot, page, services, fake_hub):
    publish_index(fake_hub, {"shards/0000.jsonl.gz": [listing_line(0), listing_line(1)]})  # org/gpt-1: no repo
    services.store.sync()
    post_review(fake_hub.url, BOB_TOKEN, 2, "Meh")
    panel = page.detail.reviews_panel
    page.open_listing(GPT)
    page.open_listing("org/gpt-1")  # before the hub answered about org/gpt-0
    assert page.jobs.wait(30_000)
    QApplication.processEvents()  # delivers every queued answer, the stale ones included
    assert hub_texts(panel) == [] and not panel.hub_list.isVisible()
    assert panel.hub_error.isVisible() and "does not exist" in panel.hub_error.text()


def test_every_new_widget_has_an_accessible_name(page):
    panel = page.detail.reviews_panel
    buttons = [panel.like_button, panel.publish_box, panel.review_button, panel.publish_retry_button,
               panel.hub_retry_button]
    assert all(b.accessibleName() or b.text() for b in buttons)
    assert all(w.accessibleName() for w in (panel.like_button, panel.local_list, panel.review_stars,
                                            panel.review_text, panel.hub_list))
