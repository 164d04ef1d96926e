"""Publishing from My GPTs: the dialog against the fake hub, checked on the hub's side (the repo, its
commit and private flag, the store index's pull requests)."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QThreadPool, Qt

from app.services.publish import PublishStep, Visibility
from app.services.secrets import HF_TOKEN
from app.ui.jobs import Jobs
from app.ui.library_page import LibraryPage
from app.ui.publish_dialog import PublishDialog
from tests.support.fake_hub import ALICE_READ_TOKEN, ALICE_TOKEN
from tests.support.store_data import INDEX_REPO, listing_line, publish_index

MODEL_REPO = "alice/tiny-GGUF"
GPT_REPO = "alice/sourdough-coach"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(200)
TIMEOUT_MS = 30_000


@pytest.fixture
def services(hub_services, fake_hub, tiny_model):
    fake_hub.lfs_uploads = True  # the icon goes through the LFS batch API, as on huggingface.co
    fake_hub.add_repo(MODEL_REPO, {"tiny.Q4_K_M.gguf": tiny_model.read_bytes()})
    publish_index(fake_hub, {"shards/0000.jsonl.gz": [listing_line(1)]})
    return hub_services


@pytest.fixture
def jobs():
    jobs = Jobs(QThreadPool())
    yield jobs
    jobs.cancel_all()
    assert jobs.wait(TIMEOUT_MS)


@pytest.fixture
def coach(services, tmp_path: Path):
    """A GPT on a model from the hub, with a knowledge file and an icon."""
    model = services.store.hf_install(MODEL_REPO)
    gpt = services.gpts.create("Sourdough Coach", model.sha256, instructions="Answer like a baker.")
    guide, icon = tmp_path / "guide.md", tmp_path / "coach.png"
    guide.write_text("# Feeding\nFlour and water, 1:1.\n", encoding="utf-8")
    icon.write_bytes(PNG)
    return services.gpts.edit(gpt.id, icon=icon, knowledge=[guide])


def open_dialog(qtbot, services, jobs, gpt) -> PublishDialog:
    dialog = PublishDialog(services, jobs, gpt)
    qtbot.addWidget(dialog)
    dialog.show()
    with qtbot.waitSignal(dialog.looked_up, timeout=TIMEOUT_MS):
        pass
    return dialog


def publish(qtbot, dialog: PublishDialog, visibility: Visibility) -> None:
    dialog.choose(visibility)
    assert dialog.publish_button.isEnabled()
    with qtbot.waitSignal(dialog.publish_done, timeout=TIMEOUT_MS):
        qtbot.mouseClick(dialog.publish_button, Qt.MouseButton.LeftButton)


def test_publish_to_the_store_then_make_it_private(qtbot, services, jobs, coach, fake_hub):
    services.secrets.set(HF_TOKEN, ALICE_TOKEN)
    dialog = open_dialog(qtbot, services, jobs, coach)
    assert dialog.token_error.isHidden() and dialog.settings_button.isHidden()
    assert GPT_REPO in dialog.where.text() and "alice" in dialog.where.text() and fake_hub.url in dialog.where.text()
    assert "not on the hub yet" in dialog.where.text()
    assert dialog.visibility() is Visibility.PRIVATE, "nothing is public unless the person says so"

    publish(qtbot, dialog, Visibility.STORE)
    result = dialog.published_result
    assert result is not None and dialog.error.isHidden(), dialog.error.text()
    assert dialog.progress.value() == 1000 and "Published Sourdough Coach" in dialog.status.text()

    repo = fake_hub.repo(GPT_REPO)  # the hub's side: one commit with every file, public, and the PR
    assert (repo.main, repo.private) == (result.commit, False)
    files = fake_hub.files(GPT_REPO)
    assert files["icon.png"] == PNG and repo.head.files["icon.png"].lfs
    assert json.loads(files["gpt.json"])["id"] == GPT_REPO and "knowledge/guide.md" in files
    prs = fake_hub.pull_requests(INDEX_REPO, repo_type="dataset")
    assert [(p.author, p.status, p.title) for p in prs] == [("alice", "open", f"Publish {GPT_REPO} {coach.version}")]
    links = dialog.links.text()
    assert f"{fake_hub.url}/{GPT_REPO}" in links and result.pr_url in links and dialog.links.isVisible()
    assert dialog.publish_button.text() == "Publish again"

    dialog.close()

    fake_hub.merge_pr(INDEX_REPO, prs[0].num, repo_type="dataset", user="gptshelf")  # the store's maintainers
    services.store.sync()
    listed = open_dialog(qtbot, services, jobs, coach)  # it shows what the hub and the store have now
    assert f"version {coach.version}" in listed.where.text() and "listed in the store" in listed.where.text()
    assert listed.visibility() is Visibility.STORE

    publish(qtbot, listed, Visibility.PRIVATE)  # changing who can see it is publishing again
    assert fake_hub.repo(GPT_REPO).private and fake_hub.repo(GPT_REPO).main == result.commit
    prs = fake_hub.pull_requests(INDEX_REPO, repo_type="dataset")
    assert [(p.status, p.title) for p in prs] == [("merged", f"Publish {GPT_REPO} {coach.version}"),
                                                  ("open", f"Unlist {GPT_REPO}")]
    assert "remove it from the store" in listed.links.text() and "only you" in listed.status.text()
    listed.close()

    hidden = open_dialog(qtbot, services, jobs, coach)
    assert "only you" in hidden.where.text() and hidden.visibility() is Visibility.PRIVATE


def test_without_a_token_the_dialog_says_so_and_opens_settings(qtbot, services, jobs, coach, fake_hub, monkeypatch):
    page = LibraryPage(services, jobs)
    qtbot.addWidget(page)
    page.show()
    assert page.select_gpt(coach.id) and page.publish_button.isEnabled()
    shown: list[PublishDialog] = []

    def exec_without_token(dialog: PublishDialog) -> int:
        shown.append(dialog)
        qtbot.waitSignal(dialog.looked_up, timeout=TIMEOUT_MS).wait()
        assert not dialog.token_error.isHidden() and "No hub token is set" in dialog.token_error.text()
        assert "Settings, under Hub" in dialog.token_error.text()
        assert not dialog.settings_button.isHidden()
        assert not dialog.publish_button.isEnabled()
        dialog.settings_button.click()
        return 0

    monkeypatch.setattr(PublishDialog, "exec", exec_without_token)
    with qtbot.waitSignal(page.settings_requested):
        page.publish_button.click()
    assert shown and page.publish_dialog is None
    assert fake_hub.count("POST", "/api/repos/create") == 0


def test_a_read_only_token_is_refused_before_anything_is_written(qtbot, services, jobs, coach, fake_hub):
    services.secrets.set(HF_TOKEN, ALICE_READ_TOKEN)
    dialog = open_dialog(qtbot, services, jobs, coach)
    assert "can only read" in dialog.token_error.text() and "Settings, under Hub" in dialog.token_error.text()
    assert dialog.settings_button.isVisible() and not dialog.publish_button.isEnabled()
    assert fake_hub.count("POST", "/api/repos/create") == 0


def test_stop_before_the_commit_leaves_nothing_on_the_hub(qtbot, services, jobs, coach, fake_hub, monkeypatch):
    services.secrets.set(HF_TOKEN, ALICE_TOKEN)
    dialog = open_dialog(qtbot, services, jobs, coach)
    gate = threading.Event()
    real = services.publisher.publish

    def held_at_the_upload(gpt_id, visibility, *, progress, cancel):  # noqa: ANN001, ANN202
        def report(event):  # noqa: ANN001, ANN202
            progress(event)
            if event.step is PublishStep.UPLOAD:
                gate.wait(TIMEOUT_MS / 1000)  # until the test has clicked Stop
        return real(gpt_id, visibility, progress=report, cancel=cancel)

    monkeypatch.setattr(services.publisher, "publish", held_at_the_upload)
    dialog.choose(Visibility.STORE)
    dialog.publish_button.click()
    qtbot.waitUntil(lambda: dialog.cancel_button.isEnabled() and "Uploading" in dialog.status.text(),
                    timeout=TIMEOUT_MS)
    assert not dialog.buttons.button(dialog.buttons.StandardButton.Close).isEnabled()
    with qtbot.waitSignal(dialog.publish_done, timeout=TIMEOUT_MS):
        dialog.cancel_button.click()
        gate.set()
    assert "cancelled; nothing changed on the hub" in dialog.error.text()
    with pytest.raises(KeyError):
        fake_hub.repo(GPT_REPO)
    assert fake_hub.pull_requests(INDEX_REPO, repo_type="dataset") == []
    assert dialog.publish_button.isEnabled() and dialog.publish_button.text() == "Publish"
