"""The Store page driven as a person would, offscreen, against the fake hub and a tiny GGUF."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QThreadPool, Qt

from app.core.entities import DownloadProgress, Fit
from app.ui.jobs import Jobs
from app.ui.store import StorePage
from app.ui.store.listing_model import FitRole
from tests.support.store_data import publish_index, publish_tiny_gpt

TINY = "alice/tiny-helper"


@pytest.fixture
def services(hub_services):
    return hub_services


@pytest.fixture
def page(qtbot, services):
    jobs = Jobs(QThreadPool())  # its own pool: teardown waits for this test's jobs only
    store_page = StorePage(services, jobs)
    qtbot.addWidget(store_page)
    store_page.resize(1000, 700)
    store_page.show()
    yield store_page
    jobs.cancel_all()
    assert jobs.wait(30_000)


def names(page: StorePage) -> list[str]:
    return [page.model.listing(row).name for row in range(page.model.rowCount())]


def sync(qtbot, page: StorePage) -> None:
    qtbot.mouseClick(page.sync_button, Qt.MouseButton.LeftButton)
    assert page.sync_job is not None
    with qtbot.waitSignal(page.sync_job.signals.done, timeout=20_000):
        pass


def install(qtbot, page: StorePage) -> None:
    panel = page.detail.install_panel
    qtbot.waitUntil(lambda: panel.install_button.isVisible() and panel.install_button.isEnabled())
    qtbot.mouseClick(panel.install_button, Qt.MouseButton.LeftButton)
    assert panel.job is not None


@pytest.fixture
def tiny_listed(qtbot, page, fake_hub, tiny_model):
    publish_index(fake_hub, {"shards/0000.jsonl.gz": [publish_tiny_gpt(fake_hub, tiny_model)]})
    sync(qtbot, page)
    return page


def test_the_listing_model_passes_qts_model_tester(qtmodeltester, page):
    qtmodeltester.check(page.model)


def test_the_starter_catalog_shows_as_cards_with_fit_badges_before_any_sync(qtbot, page):
    assert page.model.rowCount() >= 12
    assert "英汉互译" in names(page)
    qtbot.waitUntil(lambda: page.model.available_memory is not None, timeout=20_000)
    assert page.model.index(0).data(FitRole) in set(Fit)
    assert page.fits_toggle.isEnabled()
    assert page.view.visualRect(page.model.index(0)).width() > 100, "the cards are laid out in a grid"


def test_typing_chinese_filters_after_a_pause(qtbot, page):
    everything = page.model.rowCount()
    page.search_box.setText("翻译")
    assert page.model.rowCount() == everything, "the search waits for the typing to pause"
    qtbot.waitUntil(lambda: page.model.rowCount() < everything, timeout=2_000)
    assert "英汉互译" in names(page)


def test_a_category_chip_filters_and_all_brings_everything_back(qtbot, page):
    everything = page.model.rowCount()
    qtbot.mouseClick(page.chip("translation"), Qt.MouseButton.LeftButton)
    assert 0 < page.model.rowCount() < everything
    assert {page.model.listing(r).category for r in range(page.model.rowCount())} == {"translation"}
    qtbot.mouseClick(page.chip(""), Qt.MouseButton.LeftButton)
    assert page.model.rowCount() == everything


def test_sync_now_adds_the_hubs_gpt(qtbot, tiny_listed):
    page = tiny_listed
    assert page.model.row_of(TINY) >= 0
    assert "1 new" in page.sync_status.text() and not page.banner.isVisible()
    assert page.chip("writing") is not None


def test_sync_while_offline_shows_the_banner_and_keeps_the_rows(qtbot, page, services):
    services.catalog.save_settings(services.settings().updated(hub_endpoint="http://127.0.0.1:9"))
    before = names(page)
    sync(qtbot, page)
    assert page.banner.isVisible() and "offline" in page.banner.text()
    assert names(page) == before and page.sync_button.isEnabled()


def test_install_from_the_detail_view_shows_progress_and_installed(qtbot, tiny_listed, services):
    page = tiny_listed
    index = page.model.index(page.model.row_of(TINY))
    page.view.setCurrentIndex(index)
    page.view.setFocus()
    qtbot.keyClick(page.view, Qt.Key.Key_Return)
    assert page.stack.currentWidget() is page.detail and page.detail.name_label.text() == "Tiny Helper"
    qtbot.waitUntil(lambda: "needs about" in page.detail.fit_label.text(), timeout=20_000)
    seen: list[object] = []
    page.detail.install_panel.progressed.connect(seen.append)
    with qtbot.waitSignal(page.gpt_installed, timeout=30_000) as installed:
        install(qtbot, page)
    assert installed.args == [TINY]
    assert any(isinstance(p, DownloadProgress) and p.done for p in seen)
    panel = page.detail.install_panel
    assert panel.installed_label.isVisible() and panel.uninstall_button.isVisible()
    assert not panel.install_button.isVisible()
    assert services.gpts.get(TINY).name == "Tiny Helper"
    assert page.model.listing(page.model.row_of(TINY)).installed
    assert panel.chat_button.isVisible(), "once installed, the next thing a person does is talk to it"
    with qtbot.waitSignal(page.chat_requested) as wanted:
        qtbot.mouseClick(panel.chat_button, Qt.MouseButton.LeftButton)
    assert wanted.args == [TINY]


def test_cancel_pauses_and_install_again_resumes(qtbot, tiny_listed, fake_hub, services):
    page = tiny_listed
    page.open_listing(TINY)
    panel = page.detail.install_panel
    fake_hub.faults.add("tiny.Q4_K_M.gguf", throttle=100_000)
    install(qtbot, page)
    qtbot.waitUntil(lambda: "MB/s" in panel.status.text(), timeout=20_000)
    job = panel.job
    with qtbot.waitSignal(job.signals.done, timeout=20_000):
        qtbot.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)
    assert "Paused" in panel.status.text() and panel.install_button.isVisible()
    assert services.gpts.list() == []
    fake_hub.faults.clear()
    with qtbot.waitSignal(page.gpt_installed, timeout=30_000):
        install(qtbot, page)
    assert panel.installed_label.isVisible()
    ranges = [r.range for r in fake_hub.requests("GET", "tiny.Q4_K_M.gguf") if r.range]
    assert ranges and not ranges[-1].startswith("bytes=0-"), "the second install resumed"


def test_a_failed_install_shows_retry_inline(qtbot, tiny_listed, fake_hub):
    page = tiny_listed
    page.open_listing(TINY)
    panel = page.detail.install_panel
    fake_hub.faults.add("tiny.Q4_K_M.gguf", flip_bit_at=5000, times=None)
    install(qtbot, page)
    with qtbot.waitSignal(panel.job.signals.done, timeout=30_000):
        pass
    assert panel.retry_button.isVisible() and "Failed" in panel.status.text()
    fake_hub.faults.clear()
    with qtbot.waitSignal(page.gpt_installed, timeout=30_000):
        qtbot.mouseClick(panel.retry_button, Qt.MouseButton.LeftButton)


def test_a_review_appears_in_the_detail_view(qtbot, page):
    page.open_listing(page.model.listing(0).id)
    page.detail.review_stars.setValue(4)
    qtbot.keyClicks(page.detail.review_text, "Clear and quick")
    qtbot.mouseClick(page.detail.review_button, Qt.MouseButton.LeftButton)
    texts = [page.detail.reviews.item(i).text() for i in range(page.detail.reviews.count())]
    assert texts == ["★★★★☆  Clear and quick"]
    qtbot.mouseClick(page.detail.back_button, Qt.MouseButton.LeftButton)
    assert page.stack.currentWidget() is page.tabs


def test_the_hugging_face_tab_searches_lists_variants_and_installs_a_model(qtbot, page, fake_hub, tiny_model,
                                                                           services):
    fake_hub.add_repo("bob/Tiny-GGUF", {"tiny-Q4_K_M.gguf": tiny_model.read_bytes(), "README.md": b"x"},
                      tags=("gguf",), downloads=5)
    page.tabs.setCurrentWidget(page.hf_tab)
    tab = page.hf_tab
    qtbot.keyClicks(tab.search_box, "tiny")
    qtbot.keyClick(tab.search_box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: tab.results.count() == 1, timeout=20_000)
    assert tab.results.item(0).text().startswith("bob/Tiny-GGUF")
    tab.results.setCurrentRow(0)
    qtbot.waitUntil(lambda: tab.install_button.isEnabled(), timeout=20_000)
    assert "Q4_K_M" in tab.variants.item(0).text()
    with qtbot.waitSignal(page.model_installed, timeout=30_000) as installed:
        qtbot.mouseClick(tab.install_button, Qt.MouseButton.LeftButton)
    assert services.catalog.get_model(installed.args[0]).size == tiny_model.stat().st_size


def test_opening_another_gpt_mid_install_pauses_it_quietly(qtbot, tiny_listed, fake_hub, services):
    page = tiny_listed
    page.open_listing(TINY)
    panel = page.detail.install_panel
    fake_hub.faults.add("tiny.Q4_K_M.gguf", throttle=100_000)
    install(qtbot, page)
    job = panel.job
    qtbot.waitUntil(lambda: "MB/s" in panel.status.text(), timeout=20_000)
    other = next(page.model.listing(r).id for r in range(page.model.rowCount()) if page.model.listing(r).id != TINY)
    with qtbot.waitSignal(job.signals.done, timeout=20_000):
        page.open_listing(other)
    assert panel.job is None and panel.install_button.isVisible() and panel.status.text() == ""
    assert services.gpts.list() == []
