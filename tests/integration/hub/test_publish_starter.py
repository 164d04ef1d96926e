"""Issue #7's "done when", as a new user would go: a GPT made on the starter model (Gemma 3 270M from
PyPI) chats, is exported and imported on another machine, is published to the (fake) hub and installed
from the store on a third machine that has no starter model, which downloads it from the hub."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from app.core.entities import ChatChunk, GenerationParams, GPTSource
from app.core.paths import AppPaths
from app.services.container import Services, open_services
from app.services.secrets import HF_TOKEN
from app.services.starter import HUB_REPO, PACKAGE
from tests.support.fake_hub import ALICE_TOKEN
from tests.support.store_data import INDEX_REPO, listing_line, publish_index


@pytest.fixture
def machines(tmp_path_factory: pytest.TempPathFactory, fake_hub) -> Iterator:
    with ExitStack() as stack:
        def make(name: str, *, starter: bool) -> Services:
            services = stack.enter_context(open_services(AppPaths(tmp_path_factory.mktemp(name)),
                                                         install_starter=starter))
            services.secrets.service = f"GPT Shelf on {name}"
            services.catalog.save_settings(services.settings().updated(hub_endpoint=fake_hub.url,
                                                                       store_index_repo=INDEX_REPO))
            return services

        yield make


def reply(services: Services, gpt_id: str) -> str:
    return "".join(i.text for i in services.chat.send(gpt_id, "Write about bread.") if isinstance(i, ChatChunk))


@pytest.mark.starter
def test_a_gpt_on_the_starter_model_goes_from_the_wizard_to_the_store_and_back(machines, fake_hub, tmp_path: Path):
    package = pytest.importorskip(PACKAGE, reason="the starter model package is not installed")
    alice = machines("alice", starter=True)
    alice.secrets.set(HF_TOKEN, ALICE_TOKEN)
    starter = alice.catalog.get_model(package.EXPECTED_SHA256)
    gpt = alice.gpts.create("Bread Poet", starter.sha256, instructions="Answer with one short line.",
                            starters=["Write about bread."], params=GenerationParams(temperature=0, max_tokens=8))
    assert reply(alice, gpt.id)
    alice.engines.close()  # one model loaded at a time keeps this test light on a small machine

    exported = alice.packages.export_gpt(gpt.id, tmp_path)  # without the model: the other machine has it
    carol = machines("carol", starter=True)
    imported = carol.packages.import_gpt(exported)
    assert (imported.id, imported.version, imported.model_sha256) == (gpt.id, gpt.version, starter.sha256)

    data = (alice.paths.home / starter.path).read_bytes()
    revision = fake_hub.add_repo(HUB_REPO, {package.MODEL_NAME: data})  # where the package says it comes from
    publish_index(fake_hub, {"shards/0000.jsonl.gz": [listing_line(1)]})
    result = alice.publisher.publish(gpt.id, "store")
    pr = fake_hub.pull_requests(INDEX_REPO, repo_type="dataset")[-1]
    assert result.pr_url and result.pr_url.endswith(f"/{pr.num}")
    fake_hub.merge_pr(INDEX_REPO, pr.num, repo_type="dataset", user="gptshelf")

    bob = machines("bob", starter=False)  # a machine without the starter extra downloads the model
    bob.store.sync()
    installed = bob.store.install(result.repo_id)
    assert (installed.source, installed.version, installed.instructions) == \
        (GPTSource.STORE, gpt.version, "Answer with one short line.")
    model = bob.catalog.get_model(installed.model_sha256)
    assert model.source == f"hub:{HUB_REPO}@{revision}/{package.MODEL_NAME}"
    assert hashlib.sha256((bob.paths.home / model.path).read_bytes()).hexdigest() == package.EXPECTED_SHA256
    assert reply(bob, installed.id)
