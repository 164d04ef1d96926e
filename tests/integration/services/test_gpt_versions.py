"""Editing a GPT makes a new semver version, keeps the old ones, and a rollback is itself a new version."""

from __future__ import annotations

import dataclasses

import pytest

from app.core.entities import GenerationParams, GPTFile, ModelStatus
from app.core.errors import InvalidGPT, InvalidInput, NotFound
from app.services.gpt_changes import MAX_CHANGELOG_BYTES, prepend_changelog
from app.services.semver import Bump, is_newer, next_version


def versions(services, gpt):
    return [(v.version, v.changelog, v.current) for v in services.gpts.versions(gpt.id)]


def test_an_edit_bumps_the_version_and_keeps_the_previous_one(services, tiny_gpt):
    edited = services.gpts.edit(tiny_gpt.id, instructions="You are very terse.", changelog="Terser answers")
    assert (edited.version, edited.instructions) == ("0.2.0", "You are very terse.")
    assert edited.changelog == "0.2.0: Terser answers"
    patched = services.gpts.edit(tiny_gpt.name, description="A tiny helper.")  # by name works too
    assert patched.version == "0.2.1"
    assert patched.changelog == "0.2.1: Changed description.\n0.2.0: Terser answers"
    assert versions(services, tiny_gpt) == [
        ("0.1.0", "Created", False), ("0.2.0", "Terser answers", False), ("0.2.1", "Changed description.", True)]
    assert services.catalog.get_gpt_version(tiny_gpt.id, "0.1.0").instructions == "You are terse."
    assert services.gpts.get(tiny_gpt.id) == patched


def test_auto_bump_is_minor_for_behaviour_and_patch_for_the_rest_and_can_be_forced(services, tiny_gpt, tiny_models):
    other = services.models.import_gguf(tiny_models["plain"])
    steps = [
        ({"starters": ["Say hi", "Say bye"]}, "auto", "0.1.1"),
        ({"params": dataclasses.replace(tiny_gpt.params, temperature=0.5)}, "auto", "0.1.2"),
        ({"chat_template": "{{ messages }}"}, "auto", "0.2.0"),
        ({"model": other.sha256}, "auto", "0.3.0"),
        ({"tags": ["tiny"]}, "major", "1.0.0"),
        ({"instructions": "x"}, Bump.PATCH, "1.0.1"),
    ]
    for changes, bump, expected in steps:
        assert services.gpts.edit(tiny_gpt.id, bump=bump, **changes).version == expected, changes
    notes = [v.changelog for v in services.gpts.versions(tiny_gpt.id)]
    assert notes[1:4] == ["Changed conversation starters.", "Changed temperature.", "Changed chat template."]


def test_an_edit_that_changes_nothing_adds_no_version(services, tiny_gpt):
    same = services.gpts.edit(tiny_gpt.id, name=" Tiny ", starters=["Say hi", "  "], instructions="You are terse.")
    assert same == tiny_gpt
    assert versions(services, tiny_gpt) == [("0.1.0", "Created", True)]


@pytest.mark.parametrize(("changes", "location"), [
    ({"name": "  "}, "name"),
    ({"name": "x" * 101}, "name"),
    ({"starters": [f"s{i}" for i in range(9)]}, "conversation_starters"),
    ({"starters": ["x" * 501]}, "conversation_starters[0]"),
    ({"instructions": "é" * 16385}, "instructions"),
    ({"params": GenerationParams(temperature=2.5)}, "parameters.temperature"),
    ({"params": GenerationParams(max_tokens=5000, context_length=4096)}, "parameters.max_tokens"),
    ({"tags": ["a", "A"]}, "tags[1]"),
    ({"chat_template": "x" * 70000}, "chat_template"),
])
def test_an_edit_is_checked_with_the_manifest_rules_and_saves_nothing_when_refused(services, tiny_gpt, changes,
                                                                                     location):
    with pytest.raises(InvalidGPT) as raised:
        services.gpts.edit(tiny_gpt.id, **changes)
    assert location in [p.location for p in raised.value.problems]
    assert "'Tiny' cannot be saved" in str(raised.value)
    assert services.gpts.get(tiny_gpt.id) == tiny_gpt
    assert versions(services, tiny_gpt) == [("0.1.0", "Created", True)]


def test_an_edit_refuses_a_taken_name_a_long_note_and_an_unknown_field(services, tiny_gpt):
    services.gpts.create("Other", tiny_gpt.model_sha256)
    with pytest.raises(InvalidInput, match="Another GPT is named 'Other'"):
        services.gpts.edit(tiny_gpt.id, name="other")
    with pytest.raises(InvalidInput, match="at most 500 characters"):
        services.gpts.edit(tiny_gpt.id, description="new", changelog="x" * 501)
    with pytest.raises(TypeError, match="version"):
        services.gpts.edit(tiny_gpt.id, version="9.9.9")
    with pytest.raises(InvalidInput, match="Bump one of"):
        services.gpts.edit(tiny_gpt.id, description="x", bump="huge")
    assert versions(services, tiny_gpt) == [("0.1.0", "Created", True)]


def test_icon_and_knowledge_files_go_to_the_store_by_sha256(services, tiny_gpt, tmp_path):
    icon = tmp_path / "Logo.PNG"
    icon.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(200)))
    guide = tmp_path / "guide.md"
    guide.write_text("# Feeding\nOnce a day.\n", encoding="utf-8")
    gpt = services.gpts.edit(tiny_gpt.id, icon=icon, knowledge=[guide])
    assert gpt.version == "0.2.0"  # knowledge changes what it answers
    assert gpt.icon is not None and gpt.icon.path == "icon.png" and gpt.icon.size == icon.stat().st_size
    assert [k.path for k in gpt.knowledge] == ["knowledge/guide.md"]
    for item in (gpt.icon, *gpt.knowledge):
        assert services.paths.blob(item.sha256).is_file()
    kept = services.gpts.edit(tiny_gpt.id, icon=None, knowledge=[*gpt.knowledge])
    assert kept.icon is None and kept.knowledge == gpt.knowledge and kept.version == "0.2.1"
    leftovers = [p.name for p in services.paths.home.iterdir() if p.name.startswith(".gpt-edit-")]
    assert leftovers == []


def test_bad_files_are_refused_before_anything_is_stored(services, tiny_gpt, tmp_path):
    store_before = sorted(p.name for p in services.paths.store.iterdir())
    svg = tmp_path / "icon.svg"
    svg.write_text("<svg/>")
    with pytest.raises(InvalidGPT) as raised:
        services.gpts.edit(tiny_gpt.id, icon=svg)
    assert [p.location for p in raised.value.problems] == ["icon"]
    big = tmp_path / "big.png"
    big.write_bytes(b"\0" * (2 * 1024 * 1024 + 1))
    with pytest.raises(InvalidInput, match="at most 2 MiB"):
        services.gpts.edit(tiny_gpt.id, icon=big)
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    (a / "notes.md").write_text("one")
    (b / "Notes.md").write_text("two")
    with pytest.raises(InvalidGPT, match="repeats file name"):
        services.gpts.edit(tiny_gpt.id, knowledge=[a / "notes.md", b / "Notes.md"])
    with pytest.raises(InvalidInput, match="does not exist"):
        services.gpts.edit(tiny_gpt.id, knowledge=[tmp_path / "missing.md"])
    assert sorted(p.name for p in services.paths.store.iterdir()) == store_before
    assert versions(services, tiny_gpt) == [("0.1.0", "Created", True)]


def test_changing_the_model_of_a_gpt_with_an_adapter_is_refused(services, tiny_gpt, tiny_models):
    other = services.models.import_gguf(tiny_models["plain"])
    with_adapter = services.gpts.edit(tiny_gpt.id, adapter=other.sha256, adapter_scale=0.5)
    assert (with_adapter.adapter_sha256, with_adapter.adapter_scale) == (other.sha256, 0.5)
    with pytest.raises(InvalidInput, match="adapter .* trained on its current model"):
        services.gpts.edit(tiny_gpt.id, model=other.sha256)
    assert services.gpts.edit(tiny_gpt.id, model=other.sha256, adapter=None).adapter_sha256 is None


def test_rollback_makes_an_old_version_current_as_a_new_version(services, tiny_gpt):
    services.gpts.edit(tiny_gpt.id, instructions="Talk like a pirate.", changelog="Pirate")
    services.gpts.edit(tiny_gpt.id, description="Arr.")
    rolled = services.gpts.rollback(tiny_gpt.id, "0.1.0")
    assert rolled.version == "0.3.0"
    assert (rolled.instructions, rolled.description) == ("You are terse.", "")
    assert rolled.changelog.splitlines()[0] == "0.3.0: Rolled back to 0.1.0"
    assert versions(services, tiny_gpt)[-1] == ("0.3.0", "Rolled back to 0.1.0", True)
    assert len(services.gpts.versions(tiny_gpt.id)) == 4  # nothing was lost
    again = services.gpts.rollback(tiny_gpt.id, "0.1.0")  # already what 0.1.0 was
    assert again == rolled
    forward = services.gpts.rollback(tiny_gpt.id, "0.2.1")
    assert (forward.version, forward.description) == ("0.4.0", "Arr.")


def test_rollback_to_an_unknown_version_lists_the_known_ones(services, tiny_gpt):
    with pytest.raises(NotFound, match="has the versions 0.1.0"):
        services.gpts.rollback(tiny_gpt.id, "7.0.0")


def test_rollback_refuses_when_the_old_model_is_gone_and_says_what_to_reinstall(services, tiny_gpt, tiny_models):
    old = services.catalog.get_model(tiny_gpt.model_sha256)
    services.catalog.add_model(dataclasses.replace(
        old, source=f"hub:ggml-org/tiny-GGUF@{'a' * 40}/tiny-Q8_0.gguf", display_name="tiny Q8_0"))
    services.gpts.edit(tiny_gpt.id, instructions="Changed.")  # snapshots the model as it is now
    other = services.models.import_gguf(tiny_models["plain"])
    services.gpts.edit(tiny_gpt.id, model=other.sha256)
    services.catalog.remove_model(old.sha256)
    (services.paths.home / old.path).unlink()
    with pytest.raises(InvalidInput) as raised:
        services.gpts.rollback(tiny_gpt.id, "0.2.0")
    message = str(raised.value)
    assert "needs the model 'tiny Q8_0'" in message and "no longer installed" in message
    assert f"gptshelf hf install ggml-org/tiny-GGUF --revision {'a' * 40} --variant tiny-Q8_0.gguf" in message
    assert services.gpts.get(tiny_gpt.id).version == "0.3.0"


def test_rollback_refuses_a_model_whose_file_is_missing(services, tiny_gpt, tiny_models):
    other = services.models.import_gguf(tiny_models["plain"])
    services.gpts.edit(tiny_gpt.id, model=other.sha256)
    model = services.catalog.get_model(tiny_gpt.model_sha256)
    services.catalog.set_model_status(model.sha256, ModelStatus.MISSING)
    with pytest.raises(InvalidInput, match="gptshelf models import"):
        services.gpts.rollback(tiny_gpt.id, "0.1.0")


def test_the_manifest_changelog_keeps_the_newest_lines_within_8_kib() -> None:
    text = ""
    for minor in range(40):
        text = prepend_changelog(text, f"0.{minor}.0", "x" * 400)
    assert len(text.encode()) <= MAX_CHANGELOG_BYTES
    lines = text.splitlines()
    assert lines[0].startswith("0.39.0: ") and lines[-1].startswith(f"0.{40 - len(lines)}.0: ")


def test_versions_only_go_up() -> None:
    assert next_version(["0.1.0", "0.10.0", "0.9.3"], Bump.PATCH) == "0.10.1"
    assert next_version(["1.2.0-beta.1"], Bump.PATCH) == "1.2.1"
    assert next_version(["1.2.3"], Bump.MINOR) == "1.3.0"
    assert next_version(["not-semver"], Bump.MAJOR) == "1.0.0"
    assert is_newer("1.0.0", "1.0.0-rc.1") and is_newer("1.0.0-rc.10", "1.0.0-rc.9")
    assert is_newer("1.0.0-beta", "1.0.0-alpha.9") and not is_newer("1.0.0+build.2", "1.0.0")


def test_a_gpt_file_round_trips_through_the_catalog(services, tiny_gpt):
    icon = GPTFile("icon.png", "a" * 64, 10)
    stored = services.gpts.update(tiny_gpt, icon=icon, knowledge=(GPTFile("knowledge/x.md", "b" * 64, 3),),
                                  author="Ann", license="MIT")
    again = services.gpts.get(tiny_gpt.id)
    assert again == stored and again.icon == icon and again.knowledge[0].path == "knowledge/x.md"
