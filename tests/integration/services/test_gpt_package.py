"""GPT packages: gpt.json from a GPT, a byte-identical .gptshelf round trip, and hostile files refused.

Every refusal is checked to leave the data folder exactly as it was (files and their bytes) and the
catalog without a new GPT or model.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import os
import stat
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from app.core.entities import ChatMessage, GPTSource, Role
from app.core.errors import BadManifest, InvalidInput, KnownError
from app.core.paths import AppPaths
from app.services.container import open_services
from app.services.gpt_package import LOCAL_REVISION, is_local_model, manifest_id

EVALS = {"schema": "gptshelf/evals@1", "cases": [
    {"id": "feeding", "prompt": "How often do I feed it?", "checks": [{"type": "contains", "text": "day"}]}]}
HUB_SOURCE = f"hub:ggml-org/tiny-GGUF@{'a' * 40}/tiny-Q8_0.gguf"
Items = list[tuple[zipfile.ZipInfo, bytes]]


@pytest.fixture
def other(tmp_path: Path):
    """A second, empty data folder: another person's computer."""
    with open_services(AppPaths(tmp_path / "other-home"), install_starter=False) as opened:
        yield opened


@pytest.fixture
def rich_gpt(services, tiny_gpt, tiny_models, tmp_path):
    """The tiny GPT with everything a package carries: icon, knowledge, adapter, examples, a changelog, eval set."""
    files = tmp_path / "files"
    files.mkdir()
    (files / "icon.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    (files / "guide.md").write_text("# Guide\nFeed the starter once a day.\n", encoding="utf-8")
    (files / "指南.txt").write_text("每天喂一次。\n", encoding="utf-8")
    (files / "my-evals.json").write_text(json.dumps(EVALS), encoding="utf-8")
    adapter = services.models.import_gguf(tiny_models["plain"], name="tiny adapter")
    return services.gpts.edit(
        tiny_gpt.id, icon=files / "icon.png", knowledge=[files / "guide.md", files / "指南.txt"],
        evals=files / "my-evals.json",
        adapter=adapter.sha256, adapter_scale=0.75, author="Ann", license="MIT", tags=["tiny", "test"],
        category="Testing", description="A tiny GPT\nwith files.", changelog="Files and an adapter",
        examples=[ChatMessage(Role.USER, "Hi"), ChatMessage(Role.ASSISTANT, "Hello!")],
        params=dataclasses.replace(tiny_gpt.params, temperature=0.3, stop=("\nUser:",)),
    )


def snapshot(home: Path) -> dict[str, str]:
    """Every file (with its sha256) and folder under ``home``; SQLite's shared-memory index is left out."""
    found = {}
    for path in sorted(home.rglob("*")):
        key = path.relative_to(home).as_posix()
        if path.is_dir():
            found[key] = "folder"
        elif not path.name.endswith("-shm"):
            found[key] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def read_items(path: Path) -> Items:
    with zipfile.ZipFile(path) as archive:
        return [(info, archive.read(info)) for info in archive.infolist()]


def write_items(path: Path, items: Items) -> Path:
    with warnings.catch_warnings(), zipfile.ZipFile(path, "w") as archive:
        warnings.simplefilter("ignore", UserWarning)  # "Duplicate name": on purpose
        for info, data in items:
            archive.writestr(info, data)
    return path


def entry(name: str, *, mode: int = 0o100644, method: int = zipfile.ZIP_STORED) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.create_system, info.external_attr, info.compress_type = 3, mode << 16, method
    return info


def with_manifest(items: Items, change: Callable[[dict], None]) -> Items:
    manifest = json.loads(items[0][1])
    change(manifest)
    return [(items[0][0], json.dumps(manifest).encode())] + items[1:]


def replaced(items: Items, name: str, data: bytes, info: zipfile.ZipInfo | None = None) -> Items:
    return [(info or i, data) if i.filename == name else (i, d) for i, d in items]


def tampered(items: Items, name: str) -> Items:
    """The entry with its last byte changed: same size, valid CRC, another sha256."""
    data = next(d for i, d in items if i.filename == name)
    return replaced(items, name, data[:-1] + bytes([data[-1] ^ 0x01]))


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- the manifest ---------------------------------------------------------------------------------


def test_manifest_for_describes_the_gpt_and_names_its_own_files(services, rich_gpt):
    manifest, files = services.packages.manifest_for(rich_gpt)
    assert (manifest.id, manifest.version, manifest.name) == ("local/tiny", "0.2.0", "Tiny")
    assert is_local_model(manifest) and manifest.model.revision == LOCAL_REVISION
    variant = manifest.variant()
    assert (variant.file, variant.sha256) == ("tiny-chatml.gguf", rich_gpt.model_sha256)
    assert manifest.adapter is not None and manifest.adapter.base_sha256 == rich_gpt.model_sha256
    assert (manifest.adapter.file, manifest.adapter.scale) == ("adapter.gguf", 0.75)
    assert (manifest.icon, manifest.icon_sha256) == ("icon.png", rich_gpt.icon.sha256)
    assert [k.file for k in manifest.knowledge] == ["knowledge/guide.md", "knowledge/指南.txt"]
    assert manifest.changelog == "0.2.0: Files and an adapter"
    assert manifest.generation_params().stop == ("\nUser:",)
    assert sorted(files) == ["adapter.gguf", "evals.json", "icon.png", "knowledge/guide.md", "knowledge/指南.txt"]
    assert manifest.evals is not None and manifest.evals.sha256 == rich_gpt.evals.sha256
    for name, path in files.items():
        pinned = {k.file: k.sha256 for k in manifest.knowledge} | {"icon.png": manifest.icon_sha256,
                                                                     "adapter.gguf": manifest.adapter.sha256,
                                                                         "evals.json": manifest.evals.sha256}
        assert sha(path.read_bytes()) == pinned[name]


def test_a_hub_model_is_named_by_its_repo_commit_and_file(services, tiny_gpt):
    model = services.catalog.get_model(tiny_gpt.model_sha256)
    services.catalog.add_model(dataclasses.replace(model, source=HUB_SOURCE))
    manifest, files = services.packages.manifest_for(tiny_gpt)
    assert (manifest.model.repo, manifest.model.revision) == ("ggml-org/tiny-GGUF", "a" * 40)
    assert (manifest.variant().file, manifest.variant().quant) == ("tiny-Q8_0.gguf", "Q8_0")
    assert not is_local_model(manifest) and files == {}


def test_ids_made_from_non_ascii_names_become_hub_ids():
    assert manifest_id("alice/sourdough-coach") == "alice/sourdough-coach"
    assert manifest_id("local/café").startswith("local/cafe-")
    chinese = manifest_id("local/数学")
    assert chinese.startswith("local/gpt-") and chinese == manifest_id("local/数学") != manifest_id("local/物理")


# --- export ----------------------------------------------------------------------------------------


def test_an_export_is_deterministic_with_gpt_json_first(services, rich_gpt, tmp_path):
    first = services.packages.export_gpt(rich_gpt.id, tmp_path / "a.gptshelf")
    second = services.packages.export_gpt(rich_gpt.id, tmp_path / "b.gptshelf")
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as archive:
        infos = archive.infolist()
        assert [i.filename for i in infos] == [
            "gpt.json", "adapter.gguf", "evals.json", "icon.png", "knowledge/guide.md", "knowledge/指南.txt"]
        assert {(i.date_time, i.compress_type, i.external_attr >> 16) for i in infos} == {
            ((1980, 1, 1, 0, 0, 0), zipfile.ZIP_STORED, 0o100644)}
    assert [p.name for p in tmp_path.iterdir() if "partial" in p.name] == []


def test_export_names_the_file_in_a_folder_and_adds_the_suffix(services, tiny_gpt, tmp_path):
    assert services.packages.export_gpt(tiny_gpt.id, tmp_path).name == "Tiny-0.1.0.gptshelf"
    assert services.packages.export_gpt(tiny_gpt.id, tmp_path / "mine").name == "mine.gptshelf"
    with pytest.raises(InvalidInput, match="does not exist"):
        services.packages.export_gpt(tiny_gpt.id, tmp_path / "nowhere" / "x.gptshelf")


def test_export_with_model_carries_the_gguf(services, tiny_gpt, tiny_model, tmp_path):
    path = services.packages.export_gpt(tiny_gpt.id, tmp_path / "t.gptshelf", with_model=True)
    with zipfile.ZipFile(path) as archive:
        assert archive.namelist() == ["gpt.json", "model/tiny-chatml.gguf"]
        assert archive.read("model/tiny-chatml.gguf") == tiny_model.read_bytes()


def test_a_damaged_store_file_is_never_exported(services, rich_gpt, tmp_path):
    blob = services.paths.blob(rich_gpt.knowledge[0].sha256)
    size = blob.stat().st_size
    blob.write_bytes(b"X" * size)
    with pytest.raises(KnownError, match="knowledge/guide.md in the data folder is damaged"):
        services.packages.export_gpt(rich_gpt.id, tmp_path / "x.gptshelf")
    assert list(tmp_path.glob("*x.gptshelf*")) == []


# --- the round trip --------------------------------------------------------------------------------


def test_export_import_export_is_byte_identical(services, other, rich_gpt, tmp_path):
    first = services.packages.export_gpt(rich_gpt.id, tmp_path / "first.gptshelf", with_model=True)
    imported = other.packages.import_gpt(first)
    second = other.packages.export_gpt(imported.id, tmp_path / "second.gptshelf", with_model=True)
    assert second.read_bytes() == first.read_bytes()
    skip = {"source", "created_at", "updated_at"}
    for field in dataclasses.fields(rich_gpt):
        if field.name not in skip:
            assert getattr(imported, field.name) == getattr(rich_gpt, field.name), field.name
    assert imported.source is GPTSource.IMPORTED
    [version] = other.gpts.versions(imported.id)
    assert (version.version, version.current) == ("0.2.0", True)
    assert version.changelog == "Imported 0.2.0 from first.gptshelf"
    for item in (imported.icon, *imported.knowledge, imported.evals):
        assert sha(other.paths.blob(item.sha256).read_bytes()) == item.sha256
    assert other.models.file_of(other.models.get(imported.model_sha256)).read_bytes() == \
        services.models.file_of(services.models.get(rich_gpt.model_sha256)).read_bytes()
    assert [p.name for p in other.paths.home.iterdir() if p.name.startswith(".import-")] == []


def test_without_the_model_the_round_trip_uses_the_installed_one(services, other, rich_gpt, tiny_model, tmp_path):
    first = services.packages.export_gpt(rich_gpt.id, tmp_path / "first.gptshelf")
    other.models.import_gguf(tiny_model)
    imported = other.packages.import_gpt(first)
    second = other.packages.export_gpt(imported.id, tmp_path / "second.gptshelf")
    assert second.read_bytes() == first.read_bytes()


def test_a_non_ascii_gpt_round_trips_under_its_hub_id(services, other, tiny_gpt, tmp_path):
    gpt = services.gpts.create("数学老师", tiny_gpt.model_sha256, instructions="用中文回答。")
    assert gpt.id == "local/数学老师"
    first = services.packages.export_gpt(gpt.id, tmp_path / "maths.gptshelf", with_model=True)
    imported = other.packages.import_gpt(first)
    assert imported.id == manifest_id(gpt.id) and imported.name == "数学老师"
    again = other.packages.export_gpt(imported.id, tmp_path / "again", with_model=True)
    assert again.read_bytes() == first.read_bytes()


# --- importing what is already here ----------------------------------------------------------------


def test_a_newer_version_is_imported_as_the_next_version(services, other, rich_gpt, tmp_path):
    old = services.packages.export_gpt(rich_gpt.id, tmp_path / "old.gptshelf", with_model=True)
    other.packages.import_gpt(old)
    services.gpts.edit(rich_gpt.id, instructions="Answer in one word.", changelog="Shorter")
    new = services.packages.export_gpt(rich_gpt.id, tmp_path / "new.gptshelf", with_model=True)
    updated = other.packages.import_gpt(new)
    assert (updated.version, updated.instructions) == ("0.3.0", "Answer in one word.")
    assert [(v.version, v.current) for v in other.gpts.versions(updated.id)] == [("0.2.0", False), ("0.3.0", True)]
    assert other.gpts.rollback(updated.id, "0.2.0").version == "0.4.0"
    with pytest.raises(InvalidInput, match="newer than its 0.3.0.*gptshelf gpts rollback local/tiny VERSION"):
        other.packages.import_gpt(new)


def test_the_same_version_again_changes_nothing_but_a_different_one_is_refused(services, rich_gpt, tmp_path):
    path = services.packages.export_gpt(rich_gpt.id, tmp_path / "same.gptshelf")
    before = snapshot(services.paths.home)
    assert services.packages.import_gpt(path) == services.gpts.get(rich_gpt.id)
    assert snapshot(services.paths.home) == before
    services.gpts.update(services.gpts.get(rich_gpt.id), instructions="Changed without a new version.")
    with pytest.raises(InvalidInput, match="already have version 0.2.0 of 'Tiny'.*differs"):
        services.packages.import_gpt(path)


# --- what is refused, and that a refusal writes nothing ----------------------------------------


@pytest.fixture
def package(services, rich_gpt, tmp_path) -> Path:
    return services.packages.export_gpt(rich_gpt.id, tmp_path / "good.gptshelf", with_model=True)


def _bomb(items: Items) -> Items:
    zeros = b"\0" * (4 * 1024 * 1024)

    def declare(manifest: dict) -> None:
        manifest["knowledge"][0].update(size=len(zeros), sha256=sha(zeros))

    return replaced(with_manifest(items, declare), "knowledge/guide.md", zeros,
                    entry("knowledge/guide.md", method=zipfile.ZIP_DEFLATED))


def _bad_evals(items: Items) -> Items:
    """An eval set pinned correctly by gpt.json whose content breaks the format."""
    data = json.dumps({**EVALS, "cases": [{**EVALS["cases"][0], "checks": [{"type": "vibes"}]}]}).encode()
    items = replaced(items, "evals.json", data)
    return with_manifest(items, lambda m: m["evals"].update(size=len(data), sha256=sha(data)))


def _bad_gguf(items: Items) -> Items:
    model = next(d for i, d in items if i.filename.startswith("model/"))
    junk = b"GGUF" + b"\xff" * (len(model) - 4)

    def declare(manifest: dict) -> None:
        manifest["model"]["variants"][0]["sha256"] = manifest["adapter"]["base_sha256"] = sha(junk)

    return replaced(with_manifest(items, declare), "model/tiny-chatml.gguf", junk)


HOSTILE: dict[str, tuple[Callable[[Items], Items], str]] = {
    "dot-dot": (lambda items: items + [(entry("../evil.txt"), b"x")], "'..' segments"),
    "dot-dot inside": (lambda items: items + [(entry("knowledge/../../evil.md"), b"x")], "'..' segments"),
    "absolute": (lambda items: items + [(entry("/etc/evil"), b"x")], "not an absolute one"),
    "drive letter": (lambda items: items + [(entry("C:\\evil.txt"), b"x")], "Windows drive path"),
    "backslash": (lambda items: items + [(entry("knowledge\\evil.md"), b"x")], "forward slashes"),
    "symlink": (lambda items: replaced(items, "knowledge/guide.md", b"/etc/passwd",
                                       entry("knowledge/guide.md", mode=stat.S_IFLNK | 0o777)), "symbolic link"),
    "device": (lambda items: items + [(entry("dev", mode=stat.S_IFCHR | 0o644), b"")], "not a plain file"),
    "unknown file": (lambda items: items + [(entry("extra.txt"), b"x")], "'extra.txt', which gpt.json does not name"),
    "unknown folder": (lambda items: items + [(entry("junk/", mode=stat.S_IFDIR | 0o755), b"")], "folder 'junk/'"),
    "wrong sha256": (lambda items: tampered(items, "knowledge/guide.md"),
                     "'knowledge/guide.md' does not match gpt.json: its sha256 is"),
    "wrong model sha256": (lambda items: tampered(items, "model/tiny-chatml.gguf"),
                           "'model/tiny-chatml.gguf' does not match gpt.json"),
    "wrong size": (lambda items: replaced(items, "icon.png", b"\x89PNG\r\n\x1a\n"), "bytes but gpt.json says"),
    "oversize": (lambda items: with_manifest(items, lambda m: m["knowledge"][0].update(size=65 * 2**20)),
                 "at most 64 MiB"),
    "zip bomb": (_bomb, "zip bomb"),
    "duplicate name": (lambda items: items + [(entry("gpt.json"), items[0][1])], "appears twice"),
    "case duplicate": (lambda items: items + [(entry("ICON.png"), b"x")], "differ only in case"),
    "missing file": (lambda items: [(i, d) for i, d in items if i.filename != "icon.png"],
                     "names 'icon.png' but the file does not hold it"),
    "no gpt.json": (lambda items: items[1:], "no gpt.json"),
    "unpinned icon": (lambda items: with_manifest(items, lambda m: (m.pop("icon_size"), m.pop("icon_sha256"))),
                      "without icon_size and icon_sha256"),
    "two models": (lambda items: items + [(entry("model/second.gguf"), b"x")], "does not name"),
    "bad gguf": (_bad_gguf, "not a usable GGUF model"),
    "tampered eval set": (lambda items: tampered(items, "evals.json"), "'evals.json' does not match gpt.json"),
    "eval set that is not one": (_bad_evals, "evals.json is not a valid eval set: cases[0] (feeding).checks[0].type"),
}


@pytest.mark.parametrize("case", HOSTILE, ids=list(HOSTILE))
def test_a_hostile_package_is_refused_and_writes_nothing(other, package, tmp_path, case):
    mutate, message = HOSTILE[case]
    hostile = write_items(tmp_path / "hostile.gptshelf", mutate(read_items(package)))
    before = snapshot(other.paths.home)
    with pytest.raises(KnownError) as raised:
        other.packages.import_gpt(hostile)
    assert message in str(raised.value)
    assert "Nothing was imported" in str(raised.value)
    assert snapshot(other.paths.home) == before
    assert other.gpts.list() == [] and other.models.list() == []


@pytest.mark.parametrize("case", ["truncated", "not a zip", "empty"])
def test_a_file_that_is_not_a_package_is_refused(other, package, tmp_path, case):
    data = {"truncated": package.read_bytes()[: package.stat().st_size // 2], "not a zip": b"hello, world\n" * 50,
            "empty": b""}[case]
    path = tmp_path / "broken.gptshelf"
    path.write_bytes(data)
    before = snapshot(other.paths.home)
    with pytest.raises(InvalidInput, match="broken.gptshelf cannot be imported: it is not a .gptshelf file"):
        other.packages.import_gpt(path)
    assert snapshot(other.paths.home) == before


def test_a_damaged_entry_is_refused(other, package, tmp_path):
    data = bytearray(package.read_bytes())
    offset = data.find(b"# Guide")
    data[offset] ^= 0xFF  # the CRC no longer matches
    path = tmp_path / "crc.gptshelf"
    path.write_bytes(bytes(data))
    before = snapshot(other.paths.home)
    with pytest.raises(InvalidInput, match="it is damaged"):
        other.packages.import_gpt(path)
    assert snapshot(other.paths.home) == before


def test_a_bad_manifest_names_the_field(other, package, tmp_path):
    items = with_manifest(read_items(package), lambda m: m["parameters"].update(temperature="hot"))
    before = snapshot(other.paths.home)
    with pytest.raises(BadManifest) as raised:
        other.packages.import_gpt(write_items(tmp_path / "bad.gptshelf", items))
    assert [p.location for p in raised.value.problems] == ["parameters.temperature"]
    assert "bad.gptshelf: gpt.json" in str(raised.value)
    assert snapshot(other.paths.home) == before


def test_a_missing_model_is_named_with_how_to_get_it(services, other, tiny_gpt, tmp_path):
    local = services.packages.export_gpt(tiny_gpt.id, tmp_path / "local.gptshelf")
    before = snapshot(other.paths.home)
    with pytest.raises(InvalidInput, match="needs the model tiny-chatml.gguf .*exported with --with-model"):
        other.packages.import_gpt(local)
    model = services.catalog.get_model(tiny_gpt.model_sha256)
    services.catalog.add_model(dataclasses.replace(model, source=HUB_SOURCE))
    hub = services.packages.export_gpt(tiny_gpt.id, tmp_path / "hub.gptshelf")
    expected = f"gptshelf hf install ggml-org/tiny-GGUF --revision {'a' * 40} --variant tiny-Q8_0.gguf"
    with pytest.raises(InvalidInput, match="needs the model ggml-org/tiny-GGUF/tiny-Q8_0.gguf") as raised:
        other.packages.import_gpt(hub)
    assert expected in str(raised.value)
    assert snapshot(other.paths.home) == before


# --- folders ---------------------------------------------------------------------------------------


def _unpack(package: Path, folder: Path) -> Path:
    with zipfile.ZipFile(package) as archive:
        archive.extractall(folder)  # our own, checked file
    return folder


def test_a_folder_imports_and_files_it_does_not_name_are_ignored(other, package, tmp_path):
    folder = _unpack(package, tmp_path / "repo")
    (folder / "README.md").write_text("---\ntags: [gptshelf]\n---\n")
    (folder / ".git").mkdir()
    (folder / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    gpt = other.packages.import_gpt(folder)
    assert gpt.id == "local/tiny" and [k.path for k in gpt.knowledge] == ["knowledge/guide.md", "knowledge/指南.txt"]


@pytest.mark.skipif(os.name == "nt", reason="symbolic links need privileges on Windows")
def test_a_folder_that_links_elsewhere_is_refused(other, package, tmp_path):
    folder = _unpack(package, tmp_path / "repo")
    secret = tmp_path / "secret.md"
    os.replace(folder / "knowledge" / "guide.md", secret)
    (folder / "knowledge" / "guide.md").symlink_to(secret)
    before = snapshot(other.paths.home)
    with pytest.raises(InvalidInput, match="'knowledge/guide.md' goes through a symbolic link"):
        other.packages.import_gpt(folder)
    (folder / "knowledge" / "guide.md").unlink()
    os.replace(secret, folder / "knowledge" / "guide.md")
    os.replace(folder / "knowledge", tmp_path / "real-knowledge")
    (folder / "knowledge").symlink_to(tmp_path / "real-knowledge", target_is_directory=True)
    with pytest.raises(InvalidInput, match="symbolic link"):
        other.packages.import_gpt(folder)
    assert snapshot(other.paths.home) == before


def test_a_folder_without_a_named_file_or_gpt_json_is_refused(other, package, tmp_path):
    folder = _unpack(package, tmp_path / "repo")
    (folder / "icon.png").unlink()
    with pytest.raises(InvalidInput, match="names 'icon.png' but the folder does not hold it"):
        other.packages.import_gpt(folder)
    (folder / "gpt.json").unlink()
    with pytest.raises(InvalidInput, match="the folder has no gpt.json"):
        other.packages.import_gpt(folder)
    with pytest.raises(InvalidInput, match="does not exist"):
        other.packages.import_gpt(tmp_path / "nothing-here")
    assert other.gpts.list() == []


def test_the_zip_written_by_a_person_with_folders_and_deflate_imports(other, package, tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for info, data in read_items(package):
            if info.filename == "knowledge/guide.md":
                archive.writestr(entry("knowledge/", mode=stat.S_IFDIR | 0o755), b"")
                archive.writestr(entry("model/", mode=stat.S_IFDIR | 0o755), b"")
            archive.writestr(info.filename, data, compress_type=zipfile.ZIP_DEFLATED)
    path = tmp_path / "by-hand.gptshelf"
    path.write_bytes(buffer.getvalue())
    assert other.packages.import_gpt(path).name == "Tiny"


def test_staging_folders_left_by_a_killed_import_are_removed_once_old(services):
    home = services.paths.home
    old, fresh, other = home / ".import-old", home / ".gpt-edit-fresh", home / ".keep-me"
    for folder in (old, fresh, other):
        folder.mkdir()
        (folder / "0.part").write_bytes(b"x")
    os.utime(old, (0, 0))
    os.utime(other, (0, 0))
    assert services.packages.housekeeping() == 1
    assert not old.exists() and fresh.exists() and other.exists()
