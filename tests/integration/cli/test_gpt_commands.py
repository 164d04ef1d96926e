"""``gptshelf gpts edit | versions | rollback | export | import`` end to end, in temporary data folders."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from app.cli.main import main


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def run_json(capsys, *args: str):
    code, out, err = run(capsys, *args, "--json")
    assert code == 0, err
    return json.loads(out)


@pytest.fixture
def tiny(capsys, tiny_model) -> dict:
    model = run_json(capsys, "models", "import", str(tiny_model))
    return run_json(capsys, "gpts", "create", "--name", "Tiny", "--model", model["sha256"],
                    "--instructions", "You are terse.", "--starter", "Say hi")


def test_edit_makes_a_new_version_and_versions_lists_them(capsys, tiny, tmp_path):
    code, out, err = run(capsys, "gpts", "edit", "Tiny", "--instructions", "Talk like a pirate.",
                         "--temperature", "0.2", "--stop", "\nUser:", "--changelog", "Pirate voice")
    assert code == 0, err
    assert out.strip() == "Tiny: 0.1.0 -> 0.2.0 (Pirate voice)"
    edited = run_json(capsys, "gpts", "edit", "local/tiny", "--starter", "Ahoy", "--starter", "Arr", "--tag", "fun")
    assert (edited["version"], edited["starters"], edited["tags"]) == ("0.2.1", ["Ahoy", "Arr"], ["fun"])
    assert edited["params"]["temperature"] == 0.2 and edited["params"]["stop"] == ["\nUser:"]
    code, out, _ = run(capsys, "gpts", "edit", "Tiny", "--instructions", "Talk like a pirate.")
    assert (code, out.strip()) == (0, "Tiny: nothing changed (still 0.2.1)")
    versions = run_json(capsys, "gpts", "versions", "Tiny")
    assert [(v["version"], v["changelog"], v["current"]) for v in versions] == [
        ("0.1.0", "Created", False), ("0.2.0", "Pirate voice", False),
        ("0.2.1", "Changed conversation starters, tags.", True)]
    code, out, _ = run(capsys, "gpts", "versions", "Tiny")
    assert code == 0 and "CURRENT" in out and "Pirate voice" in out and "tiny-chatml" in out


def test_edit_adds_and_removes_files_and_refuses_bad_values(capsys, tiny, tmp_path):
    icon = tmp_path / "icon.webp"
    icon.write_bytes(b"RIFF\0\0\0\0WEBPVP8 " + bytes(64))
    guide = tmp_path / "guide.md"
    guide.write_text("# Guide\n", encoding="utf-8")
    instructions = tmp_path / "instructions.txt"
    instructions.write_text("Lees het bestand.\n", encoding="utf-8")
    edited = run_json(capsys, "gpts", "edit", "Tiny", "--icon", str(icon), "--add-knowledge", str(guide),
                      "--instructions-file", str(instructions), "--bump", "major")
    assert edited["version"] == "1.0.0" and edited["icon"]["path"] == "icon.webp"
    assert [k["path"] for k in edited["knowledge"]] == ["knowledge/guide.md"]
    assert edited["instructions"] == "Lees het bestand.\n"
    removed = run_json(capsys, "gpts", "edit", "Tiny", "--remove-knowledge", "guide.md", "--no-icon")
    assert removed["knowledge"] == [] and removed["icon"] is None
    code, _, err = run(capsys, "gpts", "edit", "Tiny", "--temperature", "5")
    assert code == 1 and "parameters.temperature: must be at most 2" in err
    code, _, err = run(capsys, "gpts", "edit", "Tiny", "--remove-knowledge", "nope.md")
    assert code == 1 and "has no knowledge file 'nope.md'" in err
    code, _, err = run(capsys, "gpts", "edit", "Nobody", "--name", "x")
    assert code == 1 and "No GPT 'Nobody'" in err


def test_rollback_adds_a_version(capsys, tiny):
    run(capsys, "gpts", "edit", "Tiny", "--instructions", "Changed.")
    code, out, err = run(capsys, "gpts", "rollback", "Tiny", "0.1.0")
    assert code == 0, err
    assert out.strip() == "Tiny: rolled back to 0.1.0 as 0.3.0"
    rolled = run_json(capsys, "gpts", "rollback", "Tiny", "0.1.0")
    assert (rolled["version"], rolled["instructions"]) == ("0.3.0", "You are terse.")
    code, _, err = run(capsys, "gpts", "rollback", "Tiny", "9.9.9")
    assert code == 1 and "has the versions 0.1.0, 0.2.0, 0.3.0" in err


def test_export_then_import_into_another_data_folder(capsys, tiny, tmp_path):
    target = tmp_path / "tiny.gptshelf"
    code, out, err = run(capsys, "gpts", "export", "Tiny", str(target))
    assert code == 0, err
    assert f"wrote {target}" in out and "--with-model" in out  # a local model: say how to ship it
    exported = run_json(capsys, "gpts", "export", "Tiny", str(tmp_path), "--with-model")
    assert exported["path"] == str(tmp_path / "Tiny-0.1.0.gptshelf") and exported["with_model"] is True
    assert exported["model_on_a_hub"] is False
    with zipfile.ZipFile(exported["path"]) as archive:
        assert archive.namelist() == ["gpt.json", "model/tiny-chatml.gguf"]

    other = str(tmp_path / "other-home")
    code, _, err = run(capsys, "--home", other, "gpts", "import", str(target))
    assert code == 1 and "exported with --with-model" in err and "Nothing was imported" in err
    code, out, err = run(capsys, "--home", other, "gpts", "import", exported["path"])
    assert code == 0, err
    assert out.strip() == "imported Tiny 0.1.0 (local/tiny); chat with: gptshelf chat local/tiny"
    code, out, _ = run(capsys, "--home", other, "gpts", "import", exported["path"])
    assert (code, out.strip()) == (0, "Tiny 0.1.0 (local/tiny) is already here; nothing changed")

    run(capsys, "gpts", "edit", "Tiny", "--description", "Newer.")
    newer = run_json(capsys, "gpts", "export", "Tiny", str(tmp_path / "newer.gptshelf"))["path"]
    code, out, err = run(capsys, "--home", other, "gpts", "import", newer)
    assert code == 0, err
    assert out.startswith("updated Tiny (local/tiny) from 0.1.0 to 0.1.1")
    again = run_json(capsys, "--home", other, "gpts", "export", "Tiny", str(tmp_path / "again.gptshelf"))
    assert Path(again["path"]).read_bytes() == Path(newer).read_bytes()


def test_import_refuses_a_hostile_file(capsys, tiny, tmp_path):
    hostile = tmp_path / "evil.gptshelf"
    with zipfile.ZipFile(hostile, "w") as archive:
        archive.writestr("gpt.json", "{}")
        archive.writestr("../../outside.txt", "x")
    code, _, err = run(capsys, "gpts", "import", str(hostile))
    assert code == 1 and "evil.gptshelf cannot be imported" in err and "'..'" in err
    assert not (tmp_path / "outside.txt").exists()
    code, _, err = run(capsys, "gpts", "import", str(tmp_path / "missing.gptshelf"))
    assert code == 1 and "does not exist" in err
