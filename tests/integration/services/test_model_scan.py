"""Finding other apps' models on disk and linking them in place: no copy, never deleted."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from app.core.entities import Fit, MessageStatus, ModelStatus
from app.core.errors import KnownError
from app.services.container import Services
from tests.support.other_apps import fake_home, lay_out


@pytest.fixture
def apps(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, services: Services) -> dict[str, Path]:
    home = fake_home(monkeypatch, tmp_path / "person")
    files = lay_out(home)
    services.scanner.platform = "linux"  # the fixture folders are laid out as on Linux
    assert services.scanner.home == home
    return files


def _store_files(services: Services) -> list[Path]:
    return sorted(p for p in services.paths.store.rglob("*") if p.is_file())


def test_a_scan_finds_each_apps_models_with_name_size_quant_and_fit(services: Services, apps: dict[str, Path]):
    result = services.scanner.scan()
    found = {c.app: c for c in result.candidates}
    assert set(found) == {"GPT4All", "LM Studio", "Jan", "Ollama"}
    assert sorted(c.path for c in result.candidates) == sorted(
        p.resolve() for app, p in apps.items() if app != "broken")
    ollama = found["Ollama"]
    assert ollama.name == "tiny:latest" and ollama.sha256 == apps["Ollama"].name.removeprefix("sha256-")
    for candidate in result.candidates:
        assert candidate.size == candidate.path.stat().st_size
        assert candidate.quant == "F32"
        assert candidate.fit is not None and candidate.fit.verdict is Fit.FITS
        assert not candidate.linked
    reasons = {r.path.name: r.reason for r in result.refused}
    assert set(reasons) == {"broken.gguf", "latest"}
    assert reasons["broken.gguf"] and "not in" in reasons["latest"]
    assert result.apps() == ["GPT4All", "LM Studio", "Jan", "Ollama"]
    assert _store_files(services) == []


def test_linking_registers_the_original_file_without_copying(services: Services, apps: dict[str, Path]):
    before = {app: (p.stat().st_ino, p.stat().st_size, p.stat().st_nlink) for app, p in apps.items()}
    result = services.scanner.scan(with_fit=False)
    hashed: list[tuple[str, int, int]] = []
    outcomes = services.scanner.link_all(result.candidates, progress=lambda *args: hashed.append(args))
    assert all(o.error == "" and o.result.added for o in outcomes)
    for outcome in outcomes:
        model = outcome.result.model
        path = Path(model.path)
        assert path.is_absolute() and path == outcome.candidate.path
        assert not model.owned and model.status is ModelStatus.INSTALLED
        assert services.models.file_of(model) == path
        stat = path.stat()
        app = outcome.candidate.app
        key = "LM Studio (old)" if app == "LM Studio" and "lm-studio" in str(path) else app
        assert (stat.st_ino, stat.st_size, stat.st_nlink) == before[key]  # the same file, not even hard-linked
    assert _store_files(services) == []  # nothing written into the data folder's store
    ollama = next(o.result.model for o in outcomes if o.candidate.app == "Ollama")
    assert ollama.display_name == "tiny:latest" and ollama.source.startswith("ollama:")
    assert not any(name == "tiny:latest" for name, _, _ in hashed)  # Ollama's digest is trusted, not re-hashed
    assert {name for name, done, total in hashed if done == total} == {
        o.candidate.name for o in outcomes if o.candidate.app != "Ollama"}
    assert len(services.models.list()) == 5

    again = services.scanner.scan(with_fit=False)
    assert all(c.linked for c in again.candidates) and again.new == ()
    relinked = services.scanner.link_all(again.candidates)
    assert not any(o.result.added for o in relinked)
    assert len(services.models.list()) == 5


def test_a_linked_model_chats_through_the_engine(services: Services, apps: dict[str, Path]):
    linked = services.scanner.link_path(apps["LM Studio"]).model
    gpt = services.gpts.create("Linked", linked.sha256)
    stream = services.chat.send(gpt.id, "Hello")
    list(stream)
    reply = services.catalog.list_messages(stream.conversation.id)[-1]
    assert reply.status is MessageStatus.COMPLETE


def test_removing_a_linked_model_leaves_its_file(services: Services, apps: dict[str, Path]):
    model = services.scanner.link_path(apps["Jan"]).model
    size = apps["Jan"].stat().st_size
    removed = services.models.remove(model.sha256)
    assert not removed.file_deleted and removed.error == ""
    assert apps["Jan"].is_file() and apps["Jan"].stat().st_size == size
    assert services.models.list() == []


def test_installer_cleanup_never_deletes_a_linked_file(services: Services, apps: dict[str, Path]):
    model = services.scanner.link_path(apps["GPT4All"]).model
    services.installer._free(model.sha256)
    assert apps["GPT4All"].is_file() and services.models.get(model.sha256).sha256 == model.sha256


def test_an_owned_copy_is_still_deleted(services: Services, tiny_model: Path):
    model = services.models.import_gguf(tiny_model)
    removed = services.models.remove(model.sha256)
    assert removed.file_deleted and not removed.path.exists() and tiny_model.is_file()


def test_a_missing_linked_file_is_marked_and_explained(services: Services, apps: dict[str, Path]):
    model = services.scanner.link_path(apps["GPT4All"]).model
    moved = apps["GPT4All"].with_name("moved.bin")
    os.replace(apps["GPT4All"], moved)
    with pytest.raises(KnownError, match="linked from .* no longer there"):
        services.models.file_of(model)
    assert services.models.get(model.sha256).status is ModelStatus.MISSING
    os.replace(moved, apps["GPT4All"])
    assert [m.sha256 for m in services.models.check_links()] == [model.sha256]
    assert services.models.get(model.sha256).status is ModelStatus.INSTALLED


def test_content_already_in_the_store_is_not_linked_again(services: Services, tiny_model: Path, tmp_path: Path):
    owned = services.models.import_gguf(tiny_model)
    twin = tmp_path / "elsewhere" / "same.gguf"
    twin.parent.mkdir()
    twin.write_bytes(tiny_model.read_bytes())
    result = services.scanner.link_path(twin)
    assert not result.added and result.model.owned and result.model.path == owned.path


def test_a_picked_folder_is_scanned_and_a_picked_ollama_folder_is_read_as_ollama(services: Services,
                                                                                 apps: dict[str, Path]):
    picked = services.scanner.scan([apps["Jan"].parent.parent], defaults=False, with_fit=False)
    assert [(c.app, c.path) for c in picked.candidates] == [("folder", apps["Jan"].resolve())]
    ollama = services.scanner.scan([apps["Ollama"].parent.parent], defaults=False, with_fit=False)
    assert [(c.app, c.name) for c in ollama.candidates] == [("Ollama", "tiny:latest")]


def test_a_damaged_ollama_blob_is_refused_when_verified(services: Services, apps: dict[str, Path]):
    candidate = next(c for c in services.scanner.scan(with_fit=False).candidates if c.app == "Ollama")
    with apps["Ollama"].open("r+b") as handle:
        handle.seek(-1, os.SEEK_END)
        last = handle.read(1)
        handle.seek(-1, os.SEEK_END)
        handle.write(bytes([last[0] ^ 0xFF]))
    with pytest.raises(KnownError, match="damaged"):
        services.scanner.link(candidate, verify=True)
    assert services.models.list() == []


def test_projectors_and_split_models_are_refused_with_why(services: Services, tmp_path: Path, tiny_model: Path):
    folder = tmp_path / "models"
    folder.mkdir()
    for name in ("mmproj-model-f16.gguf", "big-00001-of-00002.gguf", "single.gguf"):
        (folder / name).write_bytes(tiny_model.read_bytes())
    result = services.scanner.scan([folder], defaults=False, with_fit=False)
    assert [c.path.name for c in result.candidates] == ["single.gguf"]
    reasons = {r.path.name: r.reason for r in result.refused}
    assert "vision projector" in reasons["mmproj-model-f16.gguf"]
    assert reasons["big-00001-of-00002.gguf"].startswith("it is part 1 of a model split into 2 files")
