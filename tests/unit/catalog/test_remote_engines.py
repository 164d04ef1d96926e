"""Remote engines and GPT placements in the catalog (migration m012): names, addresses, cascades."""

from __future__ import annotations

import pytest

from app.core.errors import InvalidInput, NotFound
from tests.unit.catalog.factories import gpt, model_file


@pytest.fixture
def stored_gpt(catalog):
    catalog.add_model(model_file())
    return catalog.save_gpt(gpt())


def test_an_engine_is_stored_with_its_address_normalised(catalog) -> None:
    engine = catalog.add_remote_engine("Lab server", "http://10.0.0.5:8080/v1/", timeout_seconds=30)
    assert (engine.name, engine.base_url, engine.verify_tls, engine.timeout_seconds) == (
        "Lab server", "http://10.0.0.5:8080", True, 30.0)
    assert catalog.list_remote_engines() == [engine]
    assert catalog.get_remote_engine("lab SERVER") == engine == catalog.get_remote_engine(engine.id)
    assert engine.secret_name == f"remote-engine-{engine.id}"


@pytest.mark.parametrize(("url", "words"), [
    ("ftp://host", "http:// or https://"),
    ("localhost:8080", "http:// or https://"),
    ("http://user:secret@host", "keyring"),
    ("http://host/v1?key=1", "query"),
])
def test_a_bad_address_is_refused_with_the_reason(catalog, url: str, words: str) -> None:
    with pytest.raises(InvalidInput, match=words):
        catalog.add_remote_engine("Lab", url)
    assert catalog.list_remote_engines() == []


def test_names_are_unique_whatever_their_case_and_timeouts_are_checked(catalog) -> None:
    catalog.add_remote_engine("Lab", "http://a")
    with pytest.raises(InvalidInput, match="already an engine named 'lab'"):
        catalog.add_remote_engine("lab", "http://b")
    with pytest.raises(InvalidInput, match="timeout"):
        catalog.add_remote_engine("Other", "http://b", timeout_seconds=0)
    with pytest.raises(InvalidInput, match="name"):
        catalog.add_remote_engine("   ", "http://b")
    assert [e.name for e in catalog.list_remote_engines()] == ["Lab"]


def test_an_engine_is_edited_in_place_and_keeps_its_id(catalog) -> None:
    engine = catalog.add_remote_engine("Lab", "http://a")
    other = catalog.add_remote_engine("Other", "http://b")
    edited = catalog.update_remote_engine("lab", name="GPU box", base_url="https://gpu.example/v1",
                                          verify_tls=False, timeout_seconds=5)
    assert (edited.id, edited.name, edited.base_url, edited.verify_tls, edited.timeout_seconds) == (
        engine.id, "GPU box", "https://gpu.example", False, 5.0)
    with pytest.raises(InvalidInput, match="already"):
        catalog.update_remote_engine(other.id, name="gpu BOX")
    with pytest.raises(NotFound, match="engines list"):
        catalog.update_remote_engine("nope", name="x")


def test_a_gpt_runs_here_until_placed_and_again_when_its_engine_goes(catalog, stored_gpt) -> None:
    assert catalog.get_placement(stored_gpt.id) is None
    engine = catalog.add_remote_engine("Lab", "http://a")
    placement = catalog.set_placement(stored_gpt.id, engine.id, "llama-3.1-70b")
    assert (placement.engine_name, placement.model) == ("Lab", "llama-3.1-70b")
    assert catalog.get_placement(stored_gpt.id) == placement == catalog.list_placements()[0]
    removed, moved = catalog.remove_remote_engine("Lab")
    assert (removed, moved) == (engine, [stored_gpt.id])
    assert catalog.get_placement(stored_gpt.id) is None and catalog.list_remote_engines() == []


def test_placing_needs_a_model_a_gpt_and_an_engine_and_clearing_returns_the_old_one(catalog, stored_gpt) -> None:
    engine = catalog.add_remote_engine("Lab", "http://a")
    with pytest.raises(InvalidInput, match="model"):
        catalog.set_placement(stored_gpt.id, engine.id, "  ")
    with pytest.raises(NotFound):
        catalog.set_placement("me/nobody", engine.id, "m")
    with pytest.raises(NotFound):
        catalog.set_placement(stored_gpt.id, engine.id + 99, "m")
    placed = catalog.set_placement(stored_gpt.id, engine.id, "m")
    assert catalog.clear_placement(stored_gpt.id) == placed
    assert catalog.clear_placement(stored_gpt.id) is None


def test_saving_a_new_version_keeps_the_placement_and_deleting_the_gpt_drops_it(catalog, stored_gpt) -> None:
    engine = catalog.add_remote_engine("Lab", "http://a")
    catalog.set_placement(stored_gpt.id, engine.id, "m")
    catalog.save_gpt(gpt(version="0.2.0"))
    assert catalog.get_placement(stored_gpt.id).model == "m"
    catalog.delete_gpt(stored_gpt.id)
    assert catalog.list_placements() == []
