"""Installing GPTs from the fake hub end to end: verified, shared, updated with rollback, uninstalled."""

from __future__ import annotations

import hashlib
import json
import threading

import pytest

from app.core.entities import ChatChunk, MessageStatus, ModelStatus
from app.core.errors import InvalidInput, KnownError, NotFound
from app.core.paths import AppPaths
from app.hub.sync import STARTER
from app.services.container import open_services
from tests.support.fake_engine import PIECES, fake_engine
from tests.support.fake_hub import ALICE_TOKEN
from tests.support.store_data import INDEX_REPO, listing_line, publish_index, publish_tiny_gpt


@pytest.fixture
def services(gptshelf_home, fake_hub):
    with open_services(AppPaths(gptshelf_home), install_starter=False) as opened:
        settings = opened.settings().updated(hub_endpoint=fake_hub.url, store_index_repo=INDEX_REPO)
        opened.catalog.save_settings(settings)
        yield opened


def test_a_synced_gpt_installs_verified_and_chats(services, fake_hub, tiny_model):
    line = publish_tiny_gpt(fake_hub, tiny_model)
    publish_index(fake_hub, {"shards/0000.jsonl.gz": [line]})
    services.store.sync()
    seen = []
    gpt = services.store.install("alice/tiny-helper", progress=seen.append)
    assert gpt.name == "Tiny Helper" and gpt.instructions == "Answer briefly."
    model = services.catalog.get_model(gpt.model_sha256)
    path = services.paths.home / model.path
    assert model.status is ModelStatus.INSTALLED
    assert hashlib.sha256(path.read_bytes()).hexdigest() == model.sha256 == line["model"]["variants"][0]["sha256"]
    assert seen and seen[-1].done == model.size
    assert services.catalog.get_listing("alice/tiny-helper").installed
    text = "".join(i.text for i in services.chat.send(gpt.id, "hello") if isinstance(i, ChatChunk))
    assert text


def test_a_listing_whose_gpt_json_names_another_gpt_is_refused(services, fake_hub, tiny_model):
    line = publish_tiny_gpt(fake_hub, tiny_model, gpt_id="alice/real")
    line["id"] = "mallory/fake"
    publish_index(fake_hub, {"shards/0000.jsonl.gz": [line]})
    services.store.sync()
    with pytest.raises(KnownError, match="not the listed"):
        services.store.install("mallory/fake")
    assert services.gpts.list() == []


def test_a_flipped_bit_never_becomes_an_installed_file(services, fake_hub, tiny_model):
    publish_index(fake_hub, {"shards/0000.jsonl.gz": [publish_tiny_gpt(fake_hub, tiny_model)]})
    services.store.sync()
    fake_hub.faults.add("tiny.Q4_K_M.gguf", flip_bit_at=5000, times=None)
    with pytest.raises(KnownError, match="sha256"):
        services.store.install("alice/tiny-helper")
    assert services.gpts.list() == [] and list(services.paths.store.iterdir()) == []
    fake_hub.faults.clear()
    assert services.store.install("alice/tiny-helper").id == "alice/tiny-helper"


def test_starter_listing_without_sha256_uses_the_hubs_lfs_hash(services, fake_hub, tiny_model):
    line = publish_tiny_gpt(fake_hub, tiny_model, lfs_sha=False)
    line.pop("manifest_file")
    line["id"] = "gptshelf/tiny"
    text = json.dumps(line) + "\n"
    from app.hub.listing_format import parse_lines

    services.catalog.apply_shards(STARTER, {"starter.jsonl": ("0" * 64, parse_lines(text, source="t").listings)},
                                  keep=[])
    gpt = services.store.install("gptshelf/tiny")
    assert services.catalog.get_model(gpt.model_sha256).sha256 == hashlib.sha256(tiny_model.read_bytes()).hexdigest()


def test_two_gpts_on_one_model_share_the_file_and_uninstall_frees_it_last(services, fake_hub, tiny_model):
    first = publish_tiny_gpt(fake_hub, tiny_model, gpt_id="alice/one")
    second = dict(first, id="alice/two", repo="alice/two",
                  revision=fake_hub.add_repo("alice/two", {"gpt.json": json.dumps({
                      **json.loads(fake_hub.files("alice/one")["gpt.json"]), "id": "alice/two", "name": "Two"}).encode()}))
    publish_index(fake_hub, {"shards/0000.jsonl.gz": [first, second]})
    services.store.sync()
    one, two = services.store.install("alice/one"), services.store.install("alice/two")
    assert one.model_sha256 == two.model_sha256
    assert len(list(services.paths.store.iterdir())) == 1
    services.store.uninstall("alice/one")
    assert len(list(services.paths.store.iterdir())) == 1
    services.store.uninstall("alice/two")
    assert list(services.paths.store.iterdir()) == []


def test_update_keeps_the_old_version_until_the_new_one_verifies(services, fake_hub, tiny_model, tmp_path):
    from tests.support.tiny_gguf import write_tiny_llama

    publish_index(fake_hub, {"shards/0000.jsonl.gz": [publish_tiny_gpt(fake_hub, tiny_model)]})
    services.store.sync()
    old = services.store.install("alice/tiny-helper")
    newer = write_tiny_llama(tmp_path / "newer.gguf", seed=7, context_length=1024)
    line = publish_tiny_gpt(fake_hub, newer, version="1.1.0", model_repo="alice/tiny-v2-GGUF")
    publish_index(fake_hub, {"shards/0000.jsonl.gz": [line]})
    services.store.sync()
    fake_hub.faults.add("tiny.Q4_K_M.gguf", repo_id="alice/tiny-v2-GGUF", flip_bit_at=100, times=None)
    with pytest.raises(KnownError):
        services.store.install("alice/tiny-helper")
    kept = services.gpts.get("alice/tiny-helper")
    assert (kept.version, kept.model_sha256) == ("1.0.0", old.model_sha256)
    assert (services.paths.home / services.catalog.get_model(old.model_sha256).path).is_file()
    fake_hub.faults.clear()
    updated = services.store.install("alice/tiny-helper")
    assert updated.version == "1.1.0" and updated.model_sha256 != old.model_sha256
    assert [v for v, _ in services.catalog.gpt_versions(updated.id)] == ["1.0.0", "1.1.0"]
    assert len(list(services.paths.store.iterdir())) == 1, "the old model file was freed after the update"


def test_show_reports_fit_per_variant_and_reviews(services, fake_hub):
    big = listing_line(1, size=900 * 2**30)
    publish_index(fake_hub, {"shards/0000.jsonl.gz": [listing_line(0), big]})
    services.store.sync()
    small = services.store.show("org/gpt-0")
    assert small.fits[0][1].verdict.value == "fits"
    huge = services.store.show("org/gpt-1")
    assert huge.fits[0][1].verdict.value == "won't fit" and "Won't fit" in huge.fits[0][1].explanation
    services.store.review("org/gpt-0", 5, "great")
    assert [r.stars for r in services.store.show("org/gpt-0").reviews] == [5]


def test_reviews_and_likes_go_to_the_hub_with_a_token(services, fake_hub, memory_keyring):
    publish_index(fake_hub, {"shards/0000.jsonl.gz": [listing_line(0)]})
    fake_hub.add_repo("org/gpt-0", {"README.md": b"# x"})
    services.store.sync()
    with pytest.raises(KnownError, match="token"):
        services.store.review("org/gpt-0", 4, "nice", publish=True)
    services.secrets.set("hub-token", ALICE_TOKEN)
    _, number = services.store.review("org/gpt-0", 4, "nice", publish=True)
    assert number is not None
    assert services.store.hub_reviews("org/gpt-0")[0][1] == "Review: ★★★★☆"
    services.store.like("org/gpt-0")
    assert fake_hub.repo("org/gpt-0").likes >= 1


def test_hf_search_and_install_as_plain_model(services, fake_hub, tiny_model):
    fake_hub.add_repo("bob/Tiny-GGUF", {"tiny-Q4_K_M.gguf": tiny_model.read_bytes(), "README.md": b"x"},
                      tags=("gguf",), downloads=5)
    found = services.store.hf_search("tiny")
    assert [m.repo for m in found] == ["bob/Tiny-GGUF"]
    commit, variants = services.store.hf_variants("bob/Tiny-GGUF")
    assert [v.quant for v in variants] == ["Q4_K_M"] and len(commit) == 40
    model = services.store.hf_install("bob/Tiny-GGUF")
    assert model.sha256 == hashlib.sha256(tiny_model.read_bytes()).hexdigest()


def test_cancelled_install_resumes(services, fake_hub, tiny_model):
    publish_index(fake_hub, {"shards/0000.jsonl.gz": [publish_tiny_gpt(fake_hub, tiny_model)]})
    services.store.sync()
    fake_hub.faults.add("tiny.Q4_K_M.gguf", throttle=200_000)
    cancel = threading.Event()
    with pytest.raises(Exception):
        services.store.install("alice/tiny-helper", progress=lambda p: cancel.set() if p.done > 50_000 else None,
                               cancel=cancel)
    assert services.gpts.list() == []
    gpt = services.store.install("alice/tiny-helper")
    assert gpt.id == "alice/tiny-helper"
    ranges = [r.range for r in fake_hub.requests("GET", "tiny.Q4_K_M.gguf") if r.range]
    assert ranges and not ranges[-1].startswith("bytes=0-"), "the second install resumed from the partial file"


def test_without_a_keyring_the_token_is_kept_for_the_session_only(services, monkeypatch):
    import keyring
    import keyring.backends.fail

    monkeypatch.setattr(keyring, "get_keyring", lambda: keyring.backends.fail.Keyring())
    keyring.set_keyring(keyring.backends.fail.Keyring())
    assert services.secrets.get("hub-token") is None
    assert services.secrets.set("hub-token", "hf_abcdefgh") is False
    assert services.secrets.get("hub-token") == "hf_abcdefgh" and not services.secrets.persistent


# --- a GPT that will not fit here, installed to run on a remote engine (the fit check's "Run on <engine>") ---
@pytest.fixture
def engine():
    with fake_engine() as running:
        yield running


def test_a_gpt_installed_for_an_engine_downloads_no_model_and_chats_there(services, fake_hub, tiny_model, engine):
    line = publish_tiny_gpt(fake_hub, tiny_model)
    publish_index(fake_hub, {"shards/0000.jsonl.gz": [line]})
    services.store.sync()
    services.remote_engines.add("Lab", engine.url)
    gpt, placement = services.remote_engines.install_to_run_on("alice/tiny-helper", "Lab", "remote-model-a")
    assert (placement.gpt_id, placement.model) == (gpt.id, "remote-model-a")
    model = services.catalog.get_model(gpt.model_sha256)
    assert model.status is ModelStatus.MISSING and model.sha256 == line["model"]["variants"][0]["sha256"]
    assert not (services.paths.home / model.path).exists() and list(services.paths.store.iterdir()) == []

    stream = services.chat.send(gpt.id, "hello")
    text = "".join(i.text for i in stream if isinstance(i, ChatChunk))
    assert text == "".join(PIECES)
    assert services.catalog.list_messages(stream.conversation.id)[-1].status is MessageStatus.COMPLETE
    assert engine.chats()[-1].body["messages"][0] == {"role": "system", "content": "Answer briefly."}

    with pytest.raises(InvalidInput, match="not on this computer"):
        services.remote_engines.run_here(gpt.id)
    services.remote_engines.update_from_store(gpt.id)  # My GPTs' Update: it stays on the engine, no download
    assert services.catalog.get_model(gpt.model_sha256).status is ModelStatus.MISSING
    assert list(services.paths.store.iterdir()) == []
    services.store.install("alice/tiny-helper")  # the model itself, later: an ordinary install
    assert services.catalog.get_model(gpt.model_sha256).status is ModelStatus.INSTALLED
    assert services.remote_engines.run_here(gpt.id).model == "remote-model-a"


def test_an_unknown_engine_installs_nothing_and_uninstall_leaves_the_store_folder_alone(services, fake_hub,
                                                                                        tiny_model, engine):
    publish_index(fake_hub, {"shards/0000.jsonl.gz": [publish_tiny_gpt(fake_hub, tiny_model)]})
    services.store.sync()
    with pytest.raises(NotFound, match="engine"):
        services.remote_engines.install_to_run_on("alice/tiny-helper", "Nope", "m")
    assert services.gpts.list() == []
    services.remote_engines.add("Lab", engine.url)
    gpt, _ = services.remote_engines.install_to_run_on("alice/tiny-helper", "Lab", "m")
    services.store.uninstall(gpt.id)
    assert services.gpts.list() == [] and services.paths.store.is_dir()
    with pytest.raises(NotFound):
        services.catalog.get_model(gpt.model_sha256)
