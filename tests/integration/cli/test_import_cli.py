"""``models scan``, ``models link`` and ``history import`` from the command line."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from app.cli.main import main
from tests.integration.services.test_history_import import chatgpt_export
from tests.support.other_apps import fake_home, lay_out


@pytest.fixture
def apps(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    monkeypatch.setattr("sys.platform", "linux")  # the fixture folders are laid out as on Linux
    return lay_out(fake_home(monkeypatch, tmp_path / "person"))


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_models_scan_lists_and_links_other_apps_models(capsys, apps: dict[str, Path], gptshelf_home: Path):
    code, out, err = run(capsys, "models", "scan", "--json")
    assert code == 0, err
    found = json.loads(out)
    assert sorted(m["app"] for m in found["models"]) == ["GPT4All", "Jan", "LM Studio", "LM Studio", "Ollama"]
    assert {m["name"] for m in found["models"] if m["app"] == "Ollama"} == {"tiny:latest"}
    assert all(m["fit"] in ("fits", "tight", "wont_fit") and m["quant"] == "F32" for m in found["models"])
    assert {Path(r["path"]).name for r in found["refused"]} == {"broken.gguf", "latest"}

    code, out, err = run(capsys, "models", "scan", "--link")
    assert code == 0, err
    assert out.count("\nlinked ") + out.startswith("linked ") == 5 and "refused" in out
    code, out, _ = run(capsys, "models", "list", "--json")
    linked = [m for m in json.loads(out) if not m["owned"]]  # the starter model is GPT Shelf's own
    assert {m["path"] for m in linked} == {str(p.resolve()) for k, p in apps.items() if k != "broken"}
    owned = {m["sha256"] for m in json.loads(out) if m["owned"]}
    blobs = {p.name for p in (gptshelf_home / "store" / "sha256").iterdir()}  # models and GPT files (eval sets)
    assert owned <= blobs and not blobs & {m["sha256"] for m in linked}  # no blob for a linked one


def test_models_link_and_its_errors(capsys, apps: dict[str, Path]):
    code, out, err = run(capsys, "models", "link", str(apps["Jan"]), "--name", "Jan tiny", "--json")
    assert code == 0, err
    linked = json.loads(out)
    assert (linked["name"], linked["owned"], linked["added"], linked["path"]) == (
        "Jan tiny", False, True, str(apps["Jan"].resolve()))
    code, out, _ = run(capsys, "models", "link", str(apps["Jan"]))
    assert code == 0 and out.startswith("already in GPT Shelf")
    code, _, err = run(capsys, "models", "link", str(apps["broken"]))
    assert code == 1 and "broken.gguf is not a usable GGUF model" in err
    code, _, err = run(capsys, "models", "link", str(apps["broken"].with_name("nothing.gguf")))
    assert code == 1 and "does not exist" in err


def test_history_import_twice_adds_once(capsys, tmp_path: Path):
    export = tmp_path / "export.zip"
    with zipfile.ZipFile(export, "w") as archive:
        archive.writestr("conversations.json", json.dumps(chatgpt_export()))
    code, out, err = run(capsys, "history", "import", str(export), "--json")
    assert code == 0, err
    first = json.loads(out)
    assert [c["title"] for c in first["added"]] == ["GGUF questions", "Hello"]
    assert first["failed"][0]["name"] == "“Broken one” (conv-broken)"
    code, out, _ = run(capsys, "history", "import", str(export))
    assert code == 0 and out.startswith("imported 0 conversations from chatgpt into imported:chatgpt (2 were already")
    assert "skipped “Broken one” (conv-broken): its thread names the node" in out
    code, out, _ = run(capsys, "history", "list", "--json")
    assert sorted(c["title"] for c in json.loads(out)) == ["GGUF questions", "Hello"]
